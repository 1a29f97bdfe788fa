// The account's own devices: GET /auth/sessions, sign one out, or all the others at once.
import { $, call, el, on, run, status } from './api.js';

/** "Chrome 131" out of a user agent; the whole string is in the tooltip. */
function browserOf(userAgent) {
  const match = /(Firefox|Edg|OPR|Chrome|Version)\/(\d+)/.exec(userAgent ?? '');
  if (!match) return 'Unknown browser';
  const name = { Edg: 'Edge', OPR: 'Opera', Version: 'Safari' }[match[1]] ?? match[1];
  return `${name} ${match[2]}`;
}

const when = (iso) => new Date(iso).toLocaleString();

function deviceItem(session) {
  const item = el('li');
  item.dataset.current = String(session.current);
  item.title = session.userAgent ?? '';
  item.append(
    el('strong', session.current ? 'This device' : browserOf(session.userAgent)),
    el('span', ` · ${session.ip ?? 'unknown address'} · signed in ${when(session.createdAt)}`),
  );
  if (!session.current) {
    const signOut = el('button', 'Sign out', 'link');
    signOut.addEventListener(
      'click',
      run(async () => {
        await call('DELETE', `/auth/sessions/${encodeURIComponent(session.sessionHandle)}`);
        status('That device is signed out.');
        await showSessions();
      }),
    );
    item.append(' ', signOut);
  }
  return item;
}

export async function showSessions() {
  const { sessions } = await call('GET', '/auth/sessions');
  $('#sessions').replaceChildren(...sessions.map(deviceItem));
  $('#revoke-others').disabled = sessions.length < 2;
}

export function initSessions() {
  on('#revoke-others', 'click', async () => {
    const { revoked } = await call('POST', '/auth/sessions/revoke-others');
    status(`Signed out ${revoked} other device${revoked === 1 ? '' : 's'}.`);
    await showSessions();
  });
}
