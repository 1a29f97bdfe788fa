// The members drawer of a tenant: list, add by email or id, remove.
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import {
  addButton,
  busy,
  confirmAction,
  emptyState,
  errorBlock,
  formError,
  loading,
  showError,
  showFormError,
  toast,
} from '../ui.js';
import { openDrawer, section } from './drawer-parts.js';

/** A user by email (exact, case-insensitive) or by id; null when there is no such user. */
async function findUser(text) {
  if (text.includes('@')) {
    const { users } = await api('users', { query: { filter: text, limit: 20 } });
    return users.find((u) => u.email.toLowerCase() === text.toLowerCase()) ?? null;
  }
  try {
    return await api(`users/${seg(text)}`);
  } catch (error) {
    if (error.code === 'USER_NOT_FOUND') return null;
    throw error;
  }
}

/** Opens the drawer for `tenant`; `onChange` runs on close when membership changed. */
export function openMembers(tenant, onChange) {
  const list = h('div', { class: 'section-body', id: 'tenant-members' });
  const input = h('input', {
    class: 'input',
    id: 'member-add',
    placeholder: 'Email or user id',
    autocomplete: 'off',
    'aria-label': 'Email or user id to add',
  });
  const error = formError();
  const add = addButton('Add member');
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
      (user) =>
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
          showFormError(error, `No user “${text}”.`);
          return;
        }
        await api(`tenants/${seg(tenant.id)}/users`, { method: 'POST', body: { userId: user.id } });
        changed = true;
        input.value = '';
        toast(`Added ${user.email}`);
        await load();
      } catch (failure) {
        showFormError(error, failure);
      }
    });
  }

  openDrawer({
    badge: h('span', { class: 'avatar avatar-tenant', 'aria-hidden': 'true' }, icon('tenants')),
    title: tenant.name || tenant.id,
    subtitle: h('p', { class: 'muted mono' }, tenant.id),
    content: [
      section(
        'Add a member',
        null,
        h(
          'form',
          { class: 'inline-form', novalidate: true, onSubmit: (e) => void addMember(e) },
          input,
          add,
        ),
        error,
      ),
      section('Members', null, list),
    ],
    onClosed: () => {
      if (changed) onChange();
    },
  });
  input.focus();
  void load();
}
