// Users tab: a paged table (paging and filtering done by the server), per-row selection with
// batch delete, and a Manage button per user that opens the user drawer.
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import { serverPaging } from '../paging.js';
import {
  avatar,
  badge,
  busy,
  confirmAction,
  displayName,
  emptyState,
  formatDate,
  fullRow,
  pageHeader,
  showError,
  toast,
} from '../ui.js';
import { openUserDrawer } from './user-drawer.js';

const PAGE_SIZES = [20, 50, 100];

export async function render(view, { features }) {
  const state = { rows: [], selected: new Map() };
  const withLinks = features.linkedAccounts === true;
  const canDelete = features.deleteUser === true;

  const columns = [
    canDelete ? { key: 'select', label: '' } : null,
    { key: 'user', label: 'User' },
    { key: 'provider', label: 'Sign-in' },
    { key: 'status', label: 'Status' },
    withLinks ? { key: 'links', label: 'Linked' } : null,
    { key: 'created', label: 'Created' },
    { key: 'actions', label: '' },
  ].filter(Boolean);

  const selectAll = h('input', {
    type: 'checkbox',
    class: 'check',
    'aria-label': 'Select all users on this page',
    onChange: () => {
      for (const user of state.rows) {
        if (selectAll.checked) state.selected.set(user.id, user);
        else state.selected.delete(user.id);
      }
      renderRows();
    },
  });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'table', id: 'users-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) =>
          h(
            'th',
            { scope: 'col', class: `col-${c.key}` },
            c.key === 'select' ? selectAll : c.label,
          ),
        ),
      ),
    ),
    tbody,
  );
  const footer = h('div', { class: 'card-footer' });
  const paging = serverPaging({
    path: 'users',
    key: 'users',
    noun: 'users',
    limit: PAGE_SIZES[0],
    table,
    tbody,
    footer,
    columns: columns.length,
    search: { id: 'users-filter', placeholder: 'Search by email or name', label: 'Filter users' },
    show: (users) => {
      state.rows = users;
      renderRows();
    },
    onFail: () => {
      state.rows = [];
      updateSelection();
    },
    onBusy: (loading) => view.querySelector('.card')?.classList.toggle('is-loading', loading),
  });

  const deleteButton = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-danger btn-sm',
      id: 'users-delete-selected',
      onClick: () => void deleteSelected(),
    },
    icon('trash'),
    h('span', {}, 'Delete selected'),
  );
  const selectionInfo = h('span', { class: 'selection-info', 'aria-live': 'polite' });
  const selectionBar = h(
    'div',
    { class: 'selection-bar', hidden: true },
    selectionInfo,
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost btn-sm',
        onClick: () => {
          state.selected.clear();
          renderRows();
        },
      },
      'Clear',
    ),
    deleteButton,
  );

  const pageSize = h(
    'select',
    {
      class: 'select select-sm',
      'aria-label': 'Users per page',
      onChange: () => paging.setLimit(Number(pageSize.value)),
    },
    PAGE_SIZES.map((n) => h('option', { value: String(n) }, `${n} per page`)),
  );

  view.append(
    pageHeader(
      'Users',
      'Everyone with an account. Search, inspect and manage users.',
      paging.refresh,
    ),
    h(
      'section',
      { class: 'card' },
      h(
        'div',
        { class: 'toolbar' },
        paging.search,
        h('div', { class: 'toolbar-end' }, selectionBar, pageSize),
      ),
      h('div', { class: 'table-wrap' }, table),
      footer,
    ),
  );

  function updateSelection() {
    const count = state.selected.size;
    selectionBar.hidden = count === 0;
    selectionInfo.textContent = `${count} selected`;
    const onPage = state.rows.filter((u) => state.selected.has(u.id)).length;
    selectAll.checked = state.rows.length > 0 && onPage === state.rows.length;
    selectAll.indeterminate = onPage > 0 && onPage < state.rows.length;
  }

  function statusCell(user) {
    return [
      user.isEmailVerified ? badge('Verified', 'success') : badge('Unverified', 'warning'),
      user.isTotpEnabled ? badge('2FA', 'info') : null,
      user.require2FA && !user.isTotpEnabled ? badge('2FA required', 'neutral') : null,
    ];
  }

  function userRow(user) {
    const name = displayName(user);
    const checkbox = h('input', {
      type: 'checkbox',
      class: 'check',
      checked: state.selected.has(user.id),
      'aria-label': `Select ${user.email}`,
      onChange: () => {
        if (checkbox.checked) state.selected.set(user.id, user);
        else state.selected.delete(user.id);
        row.classList.toggle('is-selected', checkbox.checked);
        updateSelection();
      },
    });
    const links = h(
      'td',
      { class: 'col-links', 'data-label': 'Linked' },
      h('span', { class: 'muted' }, '…'),
    );
    const cells = {
      select: h('td', { class: 'col-select' }, checkbox),
      user: h(
        'td',
        { class: 'col-user', 'data-label': 'User' },
        h(
          'div',
          { class: 'user-cell' },
          avatar(user),
          h(
            'div',
            { class: 'user-text' },
            h('span', { class: 'user-name' }, name || user.email),
            name ? h('span', { class: 'user-email' }, user.email) : null,
          ),
        ),
      ),
      provider: h(
        'td',
        { class: 'col-provider', 'data-label': 'Sign-in' },
        user.loginProvider || 'local',
      ),
      status: h(
        'td',
        { class: 'col-status', 'data-label': 'Status' },
        h('div', { class: 'badges' }, statusCell(user)),
      ),
      links,
      created: h(
        'td',
        { class: 'col-created', 'data-label': 'Created' },
        formatDate(user.createdAt, false),
      ),
      actions: h(
        'td',
        { class: 'col-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-sm',
            'aria-label': `Manage ${user.email}`,
            onClick: () => openUserDrawer(user, { features, onChange: () => void paging.load() }),
          },
          icon('manage'),
          h('span', {}, 'Manage'),
        ),
      ),
    };
    const row = h(
      'tr',
      {
        class: state.selected.has(user.id) ? 'is-selected' : undefined,
        dataset: { userId: user.id },
      },
      columns.map((c) => cells[c.key]),
    );
    if (withLinks) void fillLinks(user.id, links);
    return row;
  }

  async function fillLinks(userId, cell) {
    try {
      const { linkedAccounts = [] } = await api(`users/${seg(userId)}/linked-accounts`);
      replace(
        cell,
        linkedAccounts.length === 0
          ? h('span', { class: 'muted' }, '—')
          : h(
              'div',
              { class: 'badges' },
              linkedAccounts.map((a) => badge(a.provider, 'neutral')),
            ),
      );
    } catch {
      replace(cell, h('span', { class: 'muted', title: 'Could not load' }, '?'));
    }
  }

  function renderRows() {
    if (state.rows.length === 0) {
      replace(
        tbody,
        fullRow(
          columns.length,
          paging.filter
            ? emptyState(
                `No users match “${paging.filter}”`,
                'Try part of an email address or a name.',
              )
            : emptyState('No users yet', 'Users appear here as soon as they register.', 'users'),
        ),
      );
    } else {
      replace(tbody, state.rows.map(userRow));
    }
    updateSelection();
  }

  async function deleteSelected() {
    const users = [...state.selected.values()];
    if (users.length === 0) return;
    const names = users
      .slice(0, 5)
      .map((u) => u.email)
      .join(', ');
    const more = users.length > 5 ? ` and ${users.length - 5} more` : '';
    const ok = await confirmAction({
      title: `Delete ${users.length} ${users.length === 1 ? 'user' : 'users'}?`,
      message: `${names}${more} will be deleted with their sessions, roles, tenant memberships, metadata and linked accounts. This cannot be undone.`,
      confirmLabel: `Delete ${users.length}`,
    });
    if (!ok) return;
    await busy(deleteButton, async () => {
      let deleted = 0;
      for (const user of users) {
        try {
          await api(`users/${seg(user.id)}`, { method: 'DELETE' });
          state.selected.delete(user.id);
          deleted += 1;
        } catch (error) {
          // Already gone counts as done; anything else is reported and stays selected.
          if (error.code === 'USER_NOT_FOUND') state.selected.delete(user.id);
          else showError(error, `Could not delete ${user.email}`);
        }
      }
      if (deleted > 0) toast(`Deleted ${deleted} ${deleted === 1 ? 'user' : 'users'}`);
    });
    await paging.load();
  }

  await paging.load();
}
