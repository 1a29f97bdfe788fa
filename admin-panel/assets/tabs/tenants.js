// Tenants tab: organisations with create, delete and a members drawer.
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import {
  badge,
  busy,
  confirmAction,
  emptyState,
  errorBlock,
  formatDate,
  fullRow,
  loading,
  pageHeader,
  searchBox,
  showError,
  toast,
} from '../ui.js';
import { openMembers } from './tenant-members.js';

export async function render(view) {
  const state = { tenants: [], filter: '' };
  const columns = ['Tenant', 'Status', 'Created', ''];
  const tbody = h('tbody');
  const count = h('span', { class: 'muted small' });
  const table = h(
    'table',
    { class: 'table', id: 'tenants-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    tbody,
  );
  const nameInput = h('input', {
    class: 'input',
    id: 'tenant-name',
    placeholder: 'e.g. Acme Inc.',
    autocomplete: 'off',
    'aria-label': 'Tenant name',
  });
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const create = h(
    'button',
    { type: 'submit', class: 'btn btn-primary' },
    icon('plus'),
    h('span', {}, 'Create tenant'),
  );
  const form = h(
    'form',
    {
      class: 'create-form',
      novalidate: true,
      onSubmit: (event) => {
        event.preventDefault();
        void createTenant();
      },
    },
    h('div', { class: 'field field-grow' }, h('label', { for: 'tenant-name' }, 'Name'), nameInput),
    h('div', { class: 'field field-end' }, create),
    formError,
  );
  const search = searchBox({
    placeholder: 'Filter tenants',
    label: 'Filter tenants',
    onInput: (value) => {
      state.filter = value.toLowerCase();
      renderRows();
    },
  });

  view.append(
    pageHeader('Tenants', 'Organisations or workspaces. Users can belong to several.'),
    h('section', { class: 'card card-pad' }, h('h2', { class: 'card-title' }, 'New tenant'), form),
    h(
      'section',
      { class: 'card' },
      h('div', { class: 'toolbar' }, search, h('div', { class: 'toolbar-end' }, count)),
      h('div', { class: 'table-wrap' }, table),
    ),
  );

  function tenantRow(tenant) {
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-sm btn-danger-ghost',
        'aria-label': `Delete tenant ${tenant.name}`,
        onClick: async () => {
          const ok = await confirmAction({
            title: `Delete tenant “${tenant.name}”?`,
            message:
              'Its memberships are removed; the member accounts themselves are kept. This cannot be undone.',
            confirmLabel: 'Delete tenant',
          });
          if (!ok) return;
          await busy(remove, async () => {
            try {
              await api(`tenants/${seg(tenant.id)}`, { method: 'DELETE' });
              toast(`Deleted tenant ${tenant.name}`);
              await load();
            } catch (error) {
              showError(error, 'Could not delete the tenant');
            }
          });
        },
      },
      icon('trash'),
      h('span', { class: 'btn-label' }, 'Delete'),
    );
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
              onClick: () => openMembers(tenant, () => void load()),
            },
            icon('users'),
            h('span', {}, 'Members'),
          ),
          remove,
        ),
      ),
    );
  }

  function renderRows() {
    const shown = state.tenants.filter(
      (t) => !state.filter || `${t.name} ${t.id}`.toLowerCase().includes(state.filter),
    );
    count.textContent = state.filter
      ? `${shown.length} of ${state.tenants.length} tenants`
      : `${state.tenants.length} ${state.tenants.length === 1 ? 'tenant' : 'tenants'}`;
    replace(
      tbody,
      shown.length > 0
        ? shown.map(tenantRow)
        : fullRow(
            columns.length,
            state.tenants.length === 0
              ? emptyState(
                  'No tenants yet',
                  'Create one above to group users by organisation.',
                  'tenants',
                )
              : emptyState(
                  `Nothing matches “${state.filter}”`,
                  'The filter looks at tenant names and ids.',
                ),
          ),
    );
  }

  async function load() {
    table.setAttribute('aria-busy', 'true');
    try {
      const { tenants } = await api('tenants');
      state.tenants = [...tenants].sort((a, b) => String(a.name).localeCompare(String(b.name)));
      renderRows();
    } catch (error) {
      replace(
        tbody,
        fullRow(
          columns.length,
          errorBlock(error, () => void load()),
        ),
      );
    } finally {
      table.removeAttribute('aria-busy');
    }
  }

  async function createTenant() {
    const name = nameInput.value.trim();
    formError.hidden = true;
    if (!name) {
      formError.textContent = 'Give the tenant a name.';
      formError.hidden = false;
      nameInput.focus();
      return;
    }
    await busy(create, async () => {
      try {
        await api('tenants', { method: 'POST', body: { name } });
        toast(`Created tenant ${name}`);
        form.reset();
        await load();
      } catch (error) {
        formError.textContent = `${error.message}${error.code ? ` (${error.code})` : ''}`;
        formError.hidden = false;
      }
    });
  }

  replace(tbody, fullRow(columns.length, loading()));
  await load();
}
