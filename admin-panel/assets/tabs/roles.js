// Roles & Permissions tab: every role with its permissions, filtered in the browser (the list is
// small and unpaged), with create and delete.
import { api, seg } from '../api.js';
import { h } from '../dom.js';
import { renderListView } from '../list-view.js';

/** "posts:read, posts:write" or one per line → ['posts:read', 'posts:write']. */
function parsePermissions(text) {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
}

function roleRow(role, { remove }) {
  return h(
    'tr',
    { dataset: { role: role.name } },
    h('td', { 'data-label': 'Role', class: 'col-strong' }, role.name),
    h(
      'td',
      { 'data-label': 'Permissions' },
      role.permissions.length === 0
        ? h('span', { class: 'muted' }, 'No permissions')
        : h(
            'div',
            { class: 'chips' },
            role.permissions.map((p) => h('span', { class: 'chip chip-mono' }, p)),
          ),
    ),
    h('td', { class: 'col-actions' }, remove),
  );
}

export async function render(view) {
  const nameInput = h('input', {
    class: 'input',
    id: 'role-name',
    placeholder: 'e.g. editor',
    autocomplete: 'off',
    required: true,
    'aria-label': 'Role name',
  });
  const permsInput = h('input', {
    class: 'input',
    id: 'role-permissions',
    placeholder: 'posts:read, posts:write',
    autocomplete: 'off',
    'aria-label': 'Permissions, separated by commas',
  });

  await renderListView(view, {
    title: 'Roles & Permissions',
    description: 'Roles bundle permissions; users get permissions through the roles they hold.',
    noun: 'role',
    plural: 'roles',
    tableId: 'roles-table',
    columns: ['Role', 'Permissions', ''],
    list: async () => {
      const { roles } = await api('roles');
      return [...roles].sort((a, b) => a.name.localeCompare(b.name));
    },
    row: roleRow,
    create: {
      nameInput,
      fields: [
        { input: nameInput, label: 'Name' },
        { input: permsInput, label: 'Permissions', grow: true },
      ],
      save: (name) =>
        api('roles', {
          method: 'POST',
          body: { name, permissions: parsePermissions(permsInput.value) },
        }),
    },
    remove: {
      path: (role) => `roles/${seg(role.name)}`,
      message: 'Users holding this role lose its permissions. This cannot be undone.',
    },
    filter: {
      placeholder: 'Filter roles or permissions',
      label: 'Filter roles',
      hint: 'The filter looks at role names and permissions.',
      matches: (role, text) =>
        role.name.toLowerCase().includes(text) ||
        role.permissions.some((p) => p.toLowerCase().includes(text)),
    },
    empty: {
      title: 'No roles yet',
      hint: 'Create the first role above, e.g. “admin” with “users:manage”.',
      icon: 'roles',
    },
  });
}
