// The demo page: which parts show depends on whether the browser is signed in. Each part lives
// in its own module; this one wires them and handles the pages that links in mails open.
import { $, call, formData, run, status } from './api.js';
import { watchOutbox } from './outbox.js';
import { showSessions, initSessions } from './sessions.js';
import { initSignIn, signInWithMagicLink } from './sign-in.js';
import { initTwoFactor, showTwoFactor, startEnrolment } from './two-factor.js';

/** GET /auth/me, refreshing the tokens once when the access token has expired. */
async function me() {
  try {
    return await call('GET', '/auth/me');
  } catch (err) {
    if (err.status !== 401) throw err;
    await call('POST', '/auth/refresh');
    return call('GET', '/auth/me');
  }
}

async function showAccount() {
  let profile;
  try {
    profile = await me();
  } catch {
    $('#signed-in').hidden = true;
    $('#signed-out').hidden = false;
    return;
  }
  $('#profile').textContent = JSON.stringify(profile, null, 2);
  $('#signed-in').hidden = false;
  $('#signed-out').hidden = true;
  showTwoFactor(profile);
  await showSessions();
}

initSignIn({ signedIn: showAccount, enrolDuringSignIn: startEnrolment });
initTwoFactor({ changed: showAccount, signedIn: showAccount });
initSessions();
watchOutbox();

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
    status('Verification link sent: see the outbox below.');
  }),
);
$('#logout').addEventListener(
  'click',
  run(async () => {
    await call('POST', '/auth/logout');
    status('Signed out.');
    await showAccount();
  }),
);

// Pages that links in mails open: read the token, take it out of the address bar, post it.
const token = new URLSearchParams(location.search).get('token');
const landing = token ? location.pathname : '';
if (token) history.replaceState(null, '', '/');
if (landing.endsWith('/reset-password')) {
  $('#reset').hidden = false;
  $('#reset').addEventListener(
    'submit',
    run(async (e) => {
      await call('POST', '/auth/reset-password', { token, ...formData(e.target) });
      $('#reset').hidden = true;
      status('Password changed. Sign in with the new one.');
    }),
  );
} else if (landing.endsWith('/change-email')) {
  void run(async () => {
    await call('POST', '/auth/change-email/confirm', { token });
    status('Email address changed.');
  })();
}
// A magic link shows the account once it has signed in; elsewhere, show who is signed in now.
if (landing.endsWith('/magic-link')) {
  void run(async () => {
    try {
      await signInWithMagicLink(token);
    } catch (err) {
      await showAccount();
      throw err;
    }
  })();
} else {
  void showAccount();
}
