// Talks to the keyward router with cookies. With CSRF on, every unsafe request echoes the
// csrf-token cookie in the X-CSRF-Token header.
const $ = (sel) => document.querySelector(sel);
const status = (text, isError = false) => {
  $('#status').textContent = text;
  $('#status').className = isError ? 'error' : '';
};
const csrf = () =>
  document.cookie
    .split('; ')
    .find((c) => c.startsWith('csrf-token='))
    ?.slice(11);

async function call(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  const token = csrf();
  if (token) headers['X-CSRF-Token'] = decodeURIComponent(token);
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${data.code ?? res.status}: ${data.error ?? 'request failed'}`);
  return data;
}

const formData = (form) => Object.fromEntries(new FormData(form).entries());

async function showProfile() {
  try {
    const me = await call('GET', '/auth/me');
    $('#profile').textContent = JSON.stringify(me, null, 2);
    $('#signed-in').hidden = false;
    $('#signed-out').hidden = true;
  } catch {
    $('#signed-in').hidden = true;
    $('#signed-out').hidden = false;
  }
}

const run = (fn) => async (event) => {
  event?.preventDefault();
  try {
    await fn(event);
  } catch (err) {
    status(err.message, true);
  }
};

$('#register').addEventListener(
  'submit',
  run(async (e) => {
    await call('POST', '/auth/register', formData(e.target));
    status('Account created. You can sign in now.');
  }),
);
$('#login').addEventListener(
  'submit',
  run(async (e) => {
    await call('POST', '/auth/login', formData(e.target));
    status('Signed in.');
    await showProfile();
  }),
);
$('#forgot').addEventListener(
  'click',
  run(async () => {
    const email = $('#login [name=email]').value;
    if (!email) throw new Error('Enter your email first');
    await call('POST', '/auth/forgot-password', { email });
    status('If that account exists, a reset link is in the server console.');
  }),
);
$('#call-api').addEventListener(
  'click',
  run(async () => {
    const data = await call('GET', '/api/profile');
    status(data.message);
  }),
);
$('#refresh').addEventListener(
  'click',
  run(async () => {
    await call('POST', '/auth/refresh');
    status('Tokens rotated.');
  }),
);
$('#verify').addEventListener(
  'click',
  run(async () => {
    await call('POST', '/auth/send-verification-email');
    status('Verification link printed in the server console.');
  }),
);
$('#logout').addEventListener(
  'click',
  run(async () => {
    await call('POST', '/auth/logout');
    status('Signed out.');
    await showProfile();
  }),
);

const params = new URLSearchParams(location.search);
const token = params.get('token');
if (token && location.pathname.endsWith('/reset-password')) {
  $('#reset').hidden = false;
  $('#reset').addEventListener(
    'submit',
    run(async (e) => {
      await call('POST', '/auth/reset-password', { token, ...formData(e.target) });
      history.replaceState(null, '', '/');
      $('#reset').hidden = true;
      status('Password changed. Sign in with the new one.');
    }),
  );
} else if (token && location.pathname.endsWith('/change-email/confirm')) {
  run(async () => {
    await call('POST', '/auth/change-email/confirm', { token });
    status('Email address changed.');
  })();
}
void showProfile();
