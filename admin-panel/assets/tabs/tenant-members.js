// The members drawer of a tenant: list, add by email or id, remove.
import { api, seg } from '../api.js';
import { byId, h, replace } from '../dom.js';
import { icon } from '../icons.js';
import { busy, confirmAction, emptyState, errorBlock, loading, showError, toast } from '../ui.js';

/** A user by email (exact, case-insensitive) or by id; null when there is no such user. */
async function findUser(text) {
  if (text.includes('@')) {
    const { users } = await api('users', { query: { filter: text, limit: 20 } });
    return users.find((u) => u.email.toLowerCase() === text.toLowerCase()) ?? null;
  }
  try {
    return (await api(`users/${seg(text)}`)).user;
  } catch (error) {
    if (error.code === 'USER_NOT_FOUND') return null;
    throw error;
  }
}

/** Opens the drawer for `tenant`; `onChange` runs on close when membership changed. */
export function openMembers(tenant, onChange) {
  const drawer = byId('drawer');
  const list = h('div', { class: 'section-body', id: 'tenant-members' });
  const input = h('input', {
    class: 'input',
    id: 'member-add',
    placeholder: 'Email or user id',
    autocomplete: 'off',
    'aria-label': 'Email or user id to add',
  });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const add = h(
    'button',
    { type: 'submit', class: 'btn btn-primary' },
    icon('plus'),
    h('span', {}, 'Add member'),
  );
  let changed = false;

  async function load() {
    replace(list, loading());
    try {
      const { userIds } = await api(`tenants/${seg(tenant.id)}/users`);
      if (userIds.length === 0) {
        replace(list, emptyState('No members yet', 'Add a user by email or id below.', 'users'));
        return;
      }
      replace(list, h('ul', { class: 'member-list' }, userIds.map(memberItem)));
    } catch (failure) {
      replace(
        list,
        errorBlock(failure, () => void load()),
      );
    }
  }

  function memberItem(userId) {
    const label = h('div', { class: 'user-text' }, h('span', { class: 'mono' }, userId));
    api(`users/${seg(userId)}`).then(
      ({ user }) =>
        replace(
          label,
          h('span', { class: 'user-name' }, user.email),
          h('span', { class: 'user-email mono' }, userId),
        ),
      () => {},
    );
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-sm btn-danger-ghost',
        'aria-label': `Remove ${userId} from ${tenant.name}`,
        onClick: async () => {
          const ok = await confirmAction({
            title: 'Remove this member?',
            message: `The user leaves “${tenant.name}”. Their account is not deleted.`,
            confirmLabel: 'Remove member',
          });
          if (!ok) return;
          try {
            await api(`tenants/${seg(tenant.id)}/users/${seg(userId)}`, { method: 'DELETE' });
            changed = true;
            toast('Member removed');
            await load();
          } catch (failure) {
            showError(failure, 'Could not remove the member');
          }
        },
      },
      'Remove',
    );
    return h('li', { class: 'member' }, label, remove);
  }

  async function addMember(event) {
    event.preventDefault();
    const text = input.value.trim();
    error.hidden = true;
    if (!text) return;
    await busy(add, async () => {
      try {
        const user = await findUser(text);
        if (!user) {
          error.textContent = `No user “${text}”.`;
          error.hidden = false;
          return;
        }
        await api(`tenants/${seg(tenant.id)}/users`, { method: 'POST', body: { userId: user.id } });
        changed = true;
        input.value = '';
        toast(`Added ${user.email}`);
        await load();
      } catch (failure) {
        error.textContent = `${failure.message}${failure.code ? ` (${failure.code})` : ''}`;
        error.hidden = false;
      }
    });
  }

  const close = () => drawer.close();
  replace(
    drawer,
    h(
      'div',
      { class: 'drawer-panel' },
      h(
        'header',
        { class: 'drawer-header' },
        h('span', { class: 'avatar avatar-tenant', 'aria-hidden': 'true' }, icon('tenants')),
        h(
          'div',
          { class: 'drawer-title' },
          h('h2', { id: 'drawer-title' }, tenant.name || tenant.id),
          h('p', { class: 'muted mono' }, tenant.id),
        ),
        h(
          'button',
          { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onClick: close },
          icon('close'),
        ),
      ),
      h(
        'div',
        { class: 'drawer-content' },
        h(
          'section',
          { class: 'drawer-section' },
          h('h3', {}, 'Add a member'),
          h(
            'form',
            { class: 'inline-form', novalidate: true, onSubmit: (e) => void addMember(e) },
            input,
            add,
          ),
          error,
        ),
        h('section', { class: 'drawer-section' }, h('h3', {}, 'Members'), list),
      ),
    ),
  );
  const onClose = () => {
    drawer.removeEventListener('close', onClose);
    drawer.removeEventListener('click', onBackdrop);
    if (changed) onChange();
  };
  const onBackdrop = (event) => {
    if (event.target === drawer) close();
  };
  drawer.addEventListener('close', onClose);
  drawer.addEventListener('click', onBackdrop);
  drawer.showModal();
  input.focus();
  void load();
}
