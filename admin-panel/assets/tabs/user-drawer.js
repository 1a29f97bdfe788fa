// The Manage drawer of one user: profile, roles, tenants, metadata (JSON editor), linked
// accounts and the danger zone (sign out everywhere, delete). Each section that needs a store
// appears only when that store is configured.
import { api, seg } from '../api.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import {
  avatar,
  badge,
  busy,
  confirmAction,
  displayName,
  formatDate,
  showError,
  toast,
} from '../ui.js';
import { closeDrawer, fill, openDrawer, section } from './drawer-parts.js';
import { metadataSection } from './metadata-editor.js';
import { rolesSection, tenantsSection } from './user-access.js';

function profile(user) {
  const rows = [
    ['ID', h('code', { class: 'mono' }, user.id)],
    ['Email', user.email],
    ['Name', displayName(user) || '—'],
    ['Role field', user.role || '—'],
    ['Sign-in method', user.loginProvider || 'local'],
    [
      'Email status',
      user.isEmailVerified ? badge('Verified', 'success') : badge('Unverified', 'warning'),
    ],
    [
      'Two-factor',
      user.isTotpEnabled
        ? badge('Authenticator on', 'info')
        : user.require2FA
          ? badge('Required, not set up', 'warning')
          : badge('Off', 'neutral'),
    ],
    ['Phone', user.phoneNumber || '—'],
    ['Created', formatDate(user.createdAt)],
  ];
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function linkedSection(user) {
  const body = h('div', { class: 'section-body' });
  void fill(body, async () => {
    const { linkedAccounts } = await api(`users/${seg(user.id)}/linked-accounts`);
    if (linkedAccounts.length === 0) return h('p', { class: 'muted' }, 'No linked accounts.');
    const table = h(
      'table',
      { class: 'table table-compact' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Provider', 'Account', 'Linked'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        linkedAccounts.map((a) =>
          h(
            'tr',
            {},
            h('td', { 'data-label': 'Provider' }, badge(a.provider, 'neutral')),
            h(
              'td',
              { 'data-label': 'Account' },
              h(
                'div',
                { class: 'user-text' },
                h('span', {}, a.email || '—'),
                h('span', { class: 'user-email mono' }, a.providerAccountId),
              ),
            ),
            h(
              'td',
              { 'data-label': 'Linked', title: formatDate(a.linkedAt) },
              formatDate(a.linkedAt, false),
            ),
          ),
        ),
      ),
    );
    return h('div', { class: 'table-wrap' }, table);
  });
  return section('Linked accounts', 'External identities that can sign in as this user.', body);
}

/** Ends every session of the user; they stay, and sign in again on each device. */
function signOutButton(user) {
  const button = h(
    'button',
    {
      type: 'button',
      id: 'drawer-sign-out-everywhere',
      class: 'btn btn-danger-ghost',
      onClick: async () => {
        const ok = await confirmAction({
          title: 'Sign out everywhere?',
          message: `Every session of ${user.email} ends: each of their devices has to sign in again. The account itself is not changed.`,
          confirmLabel: 'Sign out everywhere',
        });
        if (!ok) return;
        await busy(button, async () => {
          try {
            await api(`users/${seg(user.id)}/sessions`, { method: 'DELETE' });
            toast(`Signed ${user.email} out everywhere`);
          } catch (error) {
            showError(error, 'Could not end the sessions');
          }
        });
      },
    },
    icon('logout'),
    h('span', {}, 'Sign out everywhere'),
  );
  return button;
}

function deleteButton(user, close, changed) {
  const remove = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-danger',
      onClick: async () => {
        const ok = await confirmAction({
          title: 'Delete this user?',
          message: `${user.email} will be deleted with their sessions, roles, memberships, metadata and linked accounts. This cannot be undone.`,
          confirmLabel: 'Delete user',
        });
        if (!ok) return;
        await busy(remove, async () => {
          try {
            await api(`users/${seg(user.id)}`, { method: 'DELETE' });
            toast(`Deleted ${user.email}`);
            changed();
            close();
          } catch (error) {
            showError(error, 'Could not delete the user');
          }
        });
      },
    },
    icon('trash'),
    h('span', {}, 'Delete user'),
  );
  return remove;
}

// Signing out everywhere needs no optional store (without a session store it ends the session
// kept on the user record), so this section is always there; deleting needs the user store's
// deleteUser.
function dangerSection(user, close, changed, features) {
  return h(
    'section',
    { class: 'drawer-section danger-zone' },
    h('h3', {}, 'Danger zone'),
    h(
      'p',
      { class: 'muted small' },
      features.deleteUser
        ? 'Signing out everywhere ends every session of the user (a stolen device, a leaked token). Deleting also removes all data kept about them.'
        : 'Signing out everywhere ends every session of the user (a stolen device, a leaked token).',
    ),
    h(
      'div',
      { class: 'danger-actions' },
      signOutButton(user),
      features.deleteUser ? deleteButton(user, close, changed) : null,
    ),
  );
}

/** Opens the drawer for `user`; `onChange` runs on close when anything was modified. */
export function openUserDrawer(user, { features, onChange }) {
  let dirty = false;
  const changed = () => {
    dirty = true;
  };
  const name = displayName(user);

  const drawer = openDrawer({
    badge: avatar(user),
    title: name || user.email,
    subtitle: name ? h('p', { class: 'muted' }, user.email) : null,
    content: [
      section('Profile', null, profile(user)),
      features.roles ? rolesSection(user, features, changed) : null,
      features.tenants ? tenantsSection(user, changed) : null,
      features.metadata ? metadataSection(user) : null,
      features.linkedAccounts ? linkedSection(user) : null,
      dangerSection(user, closeDrawer, changed, features),
    ],
    onClosed: () => {
      if (dirty) onChange();
    },
  });
  drawer.querySelector('.drawer-header .icon-btn').focus();
}
