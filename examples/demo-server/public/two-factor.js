// TOTP: enrolment with the QR code, the recovery codes shown once, new codes, turning it off.
// The secret is kept in memory only while enrolling (docs/two-factor.md, "The front-end flow").
import { $, call, el, on, status } from './api.js';

let hooks = { changed: async () => {}, signedIn: async () => {} };

/** The enrolment in progress: the secret, and the temporary token when enrolling at sign-in. */
let enrolment = null;

/** The password, when the router asked for recent authentication (sent once, then cleared). */
function proof() {
  const currentPassword = $('#enrol-password').value;
  return currentPassword ? { currentPassword } : {};
}

function showRecoveryCodes(codes) {
  $('#recovery-codes').replaceChildren(...codes.map((code) => el('li', code)));
  $('#recovery').hidden = false;
}

/** Asks for a secret and shows it as a QR code and as text (in groups of four). */
export async function startEnrolment(tempToken) {
  let setup;
  try {
    setup = await call('POST', '/auth/2fa/setup', tempToken ? { tempToken } : proof());
  } catch (err) {
    if (err.code !== 'REAUTHENTICATION_REQUIRED') throw err;
    $('#enrol-password').hidden = false;
    $('#enrol-password').focus();
    throw new Error('You signed in a while ago: enter your password, then set up again.');
  }
  enrolment = { secret: setup.secret, tempToken, proof: proof() };
  $('#enrol-password').value = '';
  $('#enrol-password').hidden = true;
  $('#totp-qr').src = setup.qrCode;
  $('#totp-secret').textContent = setup.secret.match(/.{1,4}/g).join(' ');
  $('#enrol').hidden = false;
  $('#enrol-confirm').reset();
  $('#enrol-code').focus();
}

function endEnrolment() {
  enrolment = null;
  $('#enrol').hidden = true;
  $('#totp-qr').removeAttribute('src');
  $('#totp-secret').textContent = '';
}

/** Confirms with a first code; the answer carries the recovery codes, shown this once. */
async function confirmEnrolment() {
  const { secret, tempToken } = enrolment;
  const token = $('#enrol-code').value.trim();
  const body = tempToken ? { token, secret, tempToken } : { token, secret, ...enrolment.proof };
  const answer = await call('POST', '/auth/2fa/verify-setup', body);
  endEnrolment();
  showRecoveryCodes(answer.recoveryCodes);
  status('Two-factor sign-in is on. Save your recovery codes.');
  // Enrolling during sign-in also signed in.
  await (tempToken ? hooks.signedIn() : hooks.changed());
}

/** A current code from the app, or (to turn off only) a recovery code. */
function manageCode() {
  const code = $('#totp-manage-code').value.trim();
  return /^\d{6}$/.test(code) ? { totpCode: code } : { recoveryCode: code };
}

/** Shows the part of the two-factor panel that fits the account (`GET /me`). */
export function showTwoFactor(me) {
  $('#totp-off').hidden = me.isTotpEnabled;
  $('#totp-on').hidden = !me.isTotpEnabled;
  $('#totp-on').reset();
}

/** Wires the panel; `changed` re-reads the account, `signedIn` after enrolling at sign-in. */
export function initTwoFactor(given) {
  hooks = given;
  on('#totp-off', 'submit', () => startEnrolment());
  on('#enrol-confirm', 'submit', confirmEnrolment);
  on('#enrol-cancel', 'click', async () => {
    endEnrolment();
    status('Two-factor sign-in was not turned on.');
  });
  on('#recovery-done', 'click', async () => {
    $('#recovery').hidden = true;
    $('#recovery-codes').replaceChildren();
  });
  on('#totp-on', 'submit', async () => {
    const answer = await call('POST', '/auth/2fa/recovery-codes', {
      totpCode: manageCode().totpCode,
    });
    showRecoveryCodes(answer.recoveryCodes);
    status('New recovery codes made; the old ones no longer work.');
    $('#totp-on').reset();
  });
  on('#totp-disable', 'click', async () => {
    await call('POST', '/auth/2fa/disable', manageCode());
    status('Two-factor sign-in is off.');
    await hooks.changed();
  });
}
