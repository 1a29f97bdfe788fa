// Signing in: password, magic link or SMS code as the first factor, then the second-factor
// challenge when the account has one (docs/two-factor.md, "The front-end flow").
import { $, call, formData, on, status } from './api.js';

let hooks = { signedIn: async () => {}, enrolDuringSignIn: async () => {} };

/** The sign-in in progress: its temporary token (memory only) and how the code is answered. */
let challenge = null;

const HINTS = {
  totp: 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.',
  sms: 'Enter the 6-digit code we texted you (see the outbox below).',
  'sms-unsent': 'Press "Text me a code", then enter the code we texted you.',
};

function showChallenge(tempToken, methods) {
  challenge = { tempToken, methods, via: methods.includes('totp') ? 'totp' : 'sms', sent: false };
  for (const id of ['#register', '#login', '#passwordless']) $(id).hidden = true;
  $('#challenge').hidden = false;
  $('#challenge').reset();
  renderChallenge();
  $('#challenge-code').focus();
}

function renderChallenge() {
  const { via, methods, sent } = challenge;
  $('#challenge-hint').textContent = HINTS[via === 'sms' && !sent ? 'sms-unsent' : via];
  $('#challenge-sms').hidden = !methods.includes('sms') || (via === 'sms' && sent);
  $('#challenge-sms').textContent = via === 'sms' ? 'Text me a code' : 'Text me a code instead';
}

function endChallenge() {
  challenge = null;
  $('#challenge').hidden = true;
  for (const id of ['#register', '#login', '#passwordless']) $(id).hidden = false;
}

/** What a first factor answered: the session, or a challenge for the second factor. */
async function afterFirstFactor(request) {
  let answer;
  try {
    answer = await request;
  } catch (err) {
    // Policy requires a second factor this account does not have yet: enrol it now.
    if (err.code === '2FA_SETUP_REQUIRED' && err.data.tempToken) {
      status('This account must set up two-factor sign-in first.');
      return hooks.enrolDuringSignIn(err.data.tempToken);
    }
    throw err;
  }
  if (answer.requiresTwoFactor) {
    status('Password accepted; one more step.');
    return showChallenge(answer.tempToken, answer.available2faMethods);
  }
  status('Signed in.');
  await hooks.signedIn();
}

/** Posts the challenge's code; a wrong one keeps the challenge, a dead token ends it. */
async function answerChallenge() {
  const { tempToken, via } = challenge;
  const code = $('#challenge-code').value.trim();
  const recovery = via === 'totp' && !/^\d{6}$/.test(code);
  try {
    if (via === 'sms') await call('POST', '/auth/sms/verify', { mode: '2fa', tempToken, code });
    else if (recovery) await call('POST', '/auth/2fa/verify', { tempToken, recoveryCode: code });
    else await call('POST', '/auth/2fa/verify', { tempToken, totpCode: code });
  } catch (err) {
    if (/^TEMP_TOKEN_|^INVALID_TEMP_TOKEN$/.test(err.code ?? '')) {
      endChallenge();
      throw new Error(`${err.message}. Sign in again.`);
    }
    throw err;
  }
  endChallenge();
  status(recovery ? 'Signed in with a recovery code: consider making new ones.' : 'Signed in.');
  await hooks.signedIn();
}

/** Wires the signed-out forms; `signedIn` shows the account, `enrolDuringSignIn(tempToken)`. */
export function initSignIn(given) {
  hooks = given;
  on('#register', 'submit', async (e) => {
    await call('POST', '/auth/register', formData(e.target));
    status('Account created. You can sign in now.');
  });
  on('#login', 'submit', (e) => afterFirstFactor(call('POST', '/auth/login', formData(e.target))));
  on('#forgot', 'click', async () => {
    const email = $('#login [name=email]').value;
    if (!email) throw new Error('Enter your email first');
    await call('POST', '/auth/forgot-password', { email });
    status('If that account exists, a reset link is in the outbox below.');
  });

  const passwordlessEmail = () => {
    const email = $('#passwordless [name=email]').value;
    if (!email) throw new Error('Enter your email first');
    return email;
  };
  on('#passwordless', 'submit', async () => {
    await call('POST', '/auth/magic-link/send', { email: passwordlessEmail() });
    status('If that account exists, a sign-in link is in the outbox below.');
  });
  on('#send-sms', 'click', async () => {
    await call('POST', '/auth/sms/send', { email: passwordlessEmail() });
    $('#sms-code').hidden = false;
    $('#verify-sms').hidden = false;
    $('#sms-code').focus();
    status('If that account has a phone number, a code is in the outbox below.');
  });
  on('#verify-sms', 'click', () =>
    afterFirstFactor(
      call('POST', '/auth/sms/verify', {
        email: passwordlessEmail(),
        code: $('#sms-code').value.trim(),
      }),
    ),
  );

  on('#challenge', 'submit', answerChallenge);
  on('#challenge-sms', 'click', async () => {
    await call('POST', '/auth/sms/send', { mode: '2fa', tempToken: challenge.tempToken });
    Object.assign(challenge, { via: 'sms', sent: true });
    renderChallenge();
    status('Code sent: see the outbox below.');
  });
  on('#challenge-cancel', 'click', async () => {
    endChallenge();
    status('');
  });
}

/** The landing page of a magic link: spend the token with a POST, never on a bare GET. */
export function signInWithMagicLink(token) {
  return afterFirstFactor(call('POST', '/auth/magic-link/verify', { token }));
}
