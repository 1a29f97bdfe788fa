// Roles & Permissions tab: every role with its permissions, filtered in the browser (the list is
// small and unpaged), with create and delete.
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import {
  busy,
  confirmAction,
  emptyState,
  errorBlock,
  fullRow,
  pageHeader,
  searchBox,
  showError,
  toast,
} from '../ui.js';

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

export async function render(view) {
  const state = { roles: [], filter: '' };
  const tbody = h('tbody');
  const count = h('span', { class: 'muted small' });
  const table = h(
    'table',
    { class: 'table', id: 'roles-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Role', 'Permissions', ''].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    tbody,
  );

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
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const create = h(
    'button',
    { type: 'submit', class: 'btn btn-primary' },
    icon('plus'),
    h('span', {}, 'Create role'),
  );
  const form = h(
    'form',
    {
      class: 'create-form',
      novalidate: true,
      onSubmit: (event) => {
        event.preventDefault();
        void createRole();
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'role-name' }, 'Name'), nameInput),
    h(
      'div',
      { class: 'field field-grow' },
      h('label', { for: 'role-permissions' }, 'Permissions'),
      permsInput,
    ),
    h('div', { class: 'field field-end' }, create),
    formError,
  );

  const search = searchBox({
    placeholder: 'Filter roles or permissions',
    label: 'Filter roles',
    onInput: (value) => {
      state.filter = value.toLowerCase();
      renderRows();
    },
  });

  view.append(
    pageHeader(
      'Roles & Permissions',
      'Roles bundle permissions; users get permissions through the roles they hold.',
    ),
    h('section', { class: 'card card-pad' }, h('h2', { class: 'card-title' }, 'New role'), form),
    h(
      'section',
      { class: 'card' },
      h('div', { class: 'toolbar' }, search, h('div', { class: 'toolbar-end' }, count)),
      h('div', { class: 'table-wrap' }, table),
    ),
  );

  function roleRow(role) {
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-sm btn-danger-ghost',
        'aria-label': `Delete role ${role.name}`,
        onClick: async () => {
          const ok = await confirmAction({
            title: `Delete role “${role.name}”?`,
            message: 'Users holding this role lose its permissions. This cannot be undone.',
            confirmLabel: 'Delete role',
          });
          if (!ok) return;
          await busy(remove, async () => {
            try {
              await api(`roles/${seg(role.name)}`, { method: 'DELETE' });
              toast(`Deleted role ${role.name}`);
              await load();
            } catch (error) {
              showError(error, 'Could not delete the role');
            }
          });
        },
      },
      icon('trash'),
      h('span', { class: 'btn-label' }, 'Delete'),
    );
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

  function renderRows() {
    const shown = state.roles.filter(
      (r) =>
        !state.filter ||
        r.name.toLowerCase().includes(state.filter) ||
        r.permissions.some((p) => p.toLowerCase().includes(state.filter)),
    );
    count.textContent = state.filter
      ? `${shown.length} of ${state.roles.length} roles`
      : `${state.roles.length} ${state.roles.length === 1 ? 'role' : 'roles'}`;
    replace(
      tbody,
      shown.length > 0
        ? shown.map(roleRow)
        : fullRow(
            3,
            state.roles.length === 0
              ? emptyState(
                  'No roles yet',
                  'Create the first role above, e.g. “admin” with “users:manage”.',
                  'roles',
                )
              : emptyState(
                  `Nothing matches “${state.filter}”`,
                  'The filter looks at role names and permissions.',
                ),
          ),
    );
  }

  async function load() {
    table.setAttribute('aria-busy', 'true');
    try {
      const { roles } = await api('roles');
      state.roles = [...roles].sort((a, b) => a.name.localeCompare(b.name));
      renderRows();
    } catch (error) {
      replace(
        tbody,
        fullRow(
          3,
          errorBlock(error, () => void load()),
        ),
      );
    } finally {
      table.removeAttribute('aria-busy');
    }
  }

  async function createRole() {
    const name = nameInput.value.trim();
    formError.hidden = true;
    if (!name) {
      formError.textContent = 'Give the role a name.';
      formError.hidden = false;
      nameInput.focus();
      return;
    }
    await busy(create, async () => {
      try {
        await api('roles', {
          method: 'POST',
          body: { name, permissions: parsePermissions(permsInput.value) },
        });
        toast(`Created role ${name}`);
        form.reset();
        await load();
      } catch (error) {
        formError.textContent = `${error.message}${error.code ? ` (${error.code})` : ''}`;
        formError.hidden = false;
      }
    });
  }

  replace(
    tbody,
    fullRow(3, h('div', { class: 'loading' }, h('span', { class: 'spinner' }), 'Loading…')),
  );
  await load();
}
