// Tenants tab: organisations with create, delete and a members drawer.
import { api, seg } from '../api.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { renderListView } from '../list-view.js';
import { badge, formatDate } from '../ui.js';
import { openMembers } from './tenant-members.js';

function tenantRow(tenant, { remove, reload }) {
  return h(
    'tr',
    { dataset: { tenant: tenant.id } },
    h(
      'td',
      { 'data-label': 'Tenant' },
      h(
        'div',
        { class: 'user-text' },
        h('span', { class: 'user-name' }, tenant.name || '—'),
        h('span', { class: 'user-email mono' }, tenant.id),
      ),
    ),
    h(
      'td',
      { 'data-label': 'Status' },
      tenant.isActive === false ? badge('Inactive', 'neutral') : badge('Active', 'success'),
    ),
    h('td', { 'data-label': 'Created' }, formatDate(tenant.createdAt, false)),
    h(
      'td',
      { class: 'col-actions' },
      h(
        'div',
        { class: 'row-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-sm',
            'aria-label': `Members of ${tenant.name}`,
            onClick: () => openMembers(tenant, () => void reload()),
          },
          icon('users'),
          h('span', {}, 'Members'),
        ),
        remove,
      ),
    ),
  );
}

export async function render(view) {
  const nameInput = h('input', {
    class: 'input',
    id: 'tenant-name',
    placeholder: 'e.g. Acme Inc.',
    autocomplete: 'off',
    'aria-label': 'Tenant name',
  });

  await renderListView(view, {
    title: 'Tenants',
    description: 'Organisations or workspaces. Users can belong to several.',
    noun: 'tenant',
    plural: 'tenants',
    tableId: 'tenants-table',
    columns: ['Tenant', 'Status', 'Created', ''],
    list: async () => {
      const { tenants } = await api('tenants');
      return [...tenants].sort((a, b) => String(a.name).localeCompare(String(b.name)));
    },
    row: tenantRow,
    create: {
      nameInput,
      fields: [{ input: nameInput, label: 'Name', grow: true }],
      save: (name) => api('tenants', { method: 'POST', body: { name } }),
    },
    remove: {
      path: (tenant) => `tenants/${seg(tenant.id)}`,
      message:
        'Its memberships are removed; the member accounts themselves are kept. This cannot be undone.',
    },
    filter: {
      placeholder: 'Filter tenants',
      label: 'Filter tenants',
      hint: 'The filter looks at tenant names and ids.',
      matches: (tenant, text) => `${tenant.name} ${tenant.id}`.toLowerCase().includes(text),
    },
    empty: {
      title: 'No tenants yet',
      hint: 'Create one above to group users by organisation.',
      icon: 'tenants',
    },
  });
}
