// API Keys tab: keys that services and scripts call the app's API with. Create one (its raw
// value is shown once, in a banner), search and page the list on the server, revoke or delete a
// key after confirmation, and read a key's usage log in its drawer.
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import { serverPaging } from '../paging.js';
import {
  busy,
  confirmAction,
  dataTable,
  emptyState,
  formatDate,
  fullRow,
  pageHeader,
  relativeTime,
  shortId,
  showError,
  toast,
} from '../ui.js';
import { createKeyForm, newKeyBanner } from './api-key-form.js';
import { chipList, openKeyDrawer, statusBadge } from './api-key-usage.js';

const LIMIT = 20;
/** Scopes shown in a row before "+N more"; the drawer lists them all. */
const ROW_SCOPES = 2;

function keyCell(key) {
  return h(
    'div',
    { class: 'user-text' },
    h('span', { class: 'user-name' }, key.name),
    h('span', { class: 'user-email mono' }, `${key.keyPrefix}…`),
  );
}

function serviceCell(key) {
  if (key.serviceId) return h('span', { class: 'mono' }, key.serviceId);
  if (key.userId) {
    return h('span', { class: 'muted', title: key.userId }, `user ${shortId(key.userId)}`);
  }
  return h('span', { class: 'muted' }, '—');
}

function scopesCell(scopes) {
  if (scopes.length <= ROW_SCOPES) return chipList(scopes, 'None');
  const more = scopes.length - ROW_SCOPES;
  return h(
    'div',
    { class: 'chips' },
    scopes.slice(0, ROW_SCOPES).map((s) => h('span', { class: 'chip chip-mono' }, s)),
    h('span', { class: 'chip', title: scopes.slice(ROW_SCOPES).join(', ') }, `+${more}`),
  );
}

function statusCell(key) {
  const ips = key.allowedIps ?? [];
  return h(
    'div',
    { class: 'badges badges-stacked' },
    statusBadge(key),
    ips.length > 0
      ? h('span', { class: 'badge badge-info', title: `Only from ${ips.join(', ')}` }, 'IP-limited')
      : null,
  );
}

function expiryCell(key) {
  if (!key.expiresAt) {
    return h('td', { 'data-label': 'Expires' }, h('span', { class: 'muted' }, 'Never'));
  }
  return h(
    'td',
    { 'data-label': 'Expires', title: formatDate(key.expiresAt) },
    formatDate(key.expiresAt, false),
  );
}

/** When the key was last used (relative), and when it was made, as Sessions shows activity. */
function usedCell(key) {
  return h(
    'td',
    { 'data-label': 'Last used' },
    h(
      'div',
      { class: 'user-text' },
      key.lastUsedAt
        ? h('span', { title: formatDate(key.lastUsedAt) }, relativeTime(key.lastUsedAt))
        : h('span', { class: 'muted' }, 'Never'),
      h(
        'span',
        { class: 'user-email', title: formatDate(key.createdAt) },
        `Created ${formatDate(key.createdAt, false)}`,
      ),
    ),
  );
}

export async function render(view, { features }) {
  const withUsage = features.apiKeyUsage === true;
  const footer = h('div', { class: 'card-footer' });
  const columns = ['Key', 'Service', 'Scopes', 'Status', 'Expires', 'Last used', ''];
  const { table, tbody } = dataTable('api-keys-table', columns);
  table.classList.add('table-dense');
  const paging = serverPaging({
    path: 'api-keys',
    key: 'apiKeys',
    noun: 'keys',
    limit: LIMIT,
    table,
    tbody,
    footer,
    columns: columns.length,
    search: {
      id: 'api-keys-filter',
      placeholder: 'Search by name, prefix or service',
      label: 'Filter API keys',
    },
    show: showKeys,
    onBusy: (loading) => listCard.classList.toggle('is-loading', loading),
  });

  // The banner of a key just made; replaced by the next one, removed when dismissed.
  const bannerSlot = h('div', { class: 'key-banner-slot' });
  function showBanner(created) {
    const { banner, focus } = newKeyBanner(created, () => replace(bannerSlot));
    replace(bannerSlot, banner);
    focus();
  }

  const listCard = h(
    'section',
    { class: 'card' },
    h('div', { class: 'toolbar' }, paging.search),
    h('div', { class: 'table-wrap' }, table),
    footer,
  );
  view.append(
    pageHeader(
      'API Keys',
      'Keys that services and scripts call your API with. Revoking one refuses it from the next request.',
      paging.refresh,
    ),
    h(
      'section',
      { class: 'card card-pad' },
      h('h2', { class: 'card-title' }, 'New API key'),
      createKeyForm(async (created) => {
        showBanner(created);
        await paging.load();
      }),
    ),
    bannerSlot,
    listCard,
  );

  async function revoke(key, button) {
    const ok = await confirmAction({
      title: `Revoke API key “${key.name}”?`,
      message: `Requests with ${key.keyPrefix}… are refused from the next one (API_KEY_REVOKED). The key stays listed with its usage log. This cannot be undone.`,
      confirmLabel: 'Revoke key',
    });
    if (!ok) return;
    await busy(button, async () => {
      try {
        await api(`api-keys/${seg(key.id)}/revoke`, { method: 'DELETE' });
        toast(`Revoked API key ${key.name}`);
      } catch (error) {
        if (error.code !== 'API_KEY_NOT_FOUND') {
          showError(error, 'Could not revoke the key');
          return;
        }
      }
      await paging.load();
    });
  }

  async function remove(key, button) {
    const ok = await confirmAction({
      title: `Delete API key “${key.name}”?`,
      message: `${key.keyPrefix}… and its usage log are removed for good; requests with it are refused. (Where the key store cannot delete, the key is revoked instead.)`,
      confirmLabel: 'Delete key',
    });
    if (!ok) return;
    await busy(button, async () => {
      try {
        const { action } = await api(`api-keys/${seg(key.id)}`, { method: 'DELETE' });
        if (action === 'deleted') toast(`Deleted API key ${key.name}`);
        else {
          toast(
            `Revoked API key ${key.name}`,
            'success',
            'The key store cannot delete keys, so the key was revoked instead.',
          );
        }
      } catch (error) {
        if (error.code !== 'API_KEY_NOT_FOUND') {
          showError(error, 'Could not delete the key');
          return;
        }
      }
      await paging.load();
    });
  }

  function actions(key) {
    const details = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-sm',
        'aria-label': `${withUsage ? 'Usage log' : 'Details'} of ${key.name}`,
        onClick: () => openKeyDrawer(key, { withUsage }),
      },
      withUsage ? 'Usage' : 'Details',
    );
    const revokeButton = key.isActive
      ? h(
          'button',
          {
            type: 'button',
            class: 'btn btn-sm btn-danger-ghost',
            'aria-label': `Revoke API key ${key.name}`,
            onClick: () => void revoke(key, revokeButton),
          },
          'Revoke',
        )
      : null;
    const deleteButton = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-sm btn-danger-ghost',
        'aria-label': `Delete API key ${key.name}`,
        title: 'Delete',
        onClick: () => void remove(key, deleteButton),
      },
      icon('trash'),
    );
    return h('div', { class: 'row-actions' }, details, revokeButton, deleteButton);
  }

  function keyRow(key) {
    return h(
      'tr',
      { dataset: { keyId: key.id }, class: key.status === 'active' ? undefined : 'is-inactive' },
      h('td', { 'data-label': 'Key' }, keyCell(key)),
      h('td', { 'data-label': 'Service' }, serviceCell(key)),
      h('td', { 'data-label': 'Scopes' }, scopesCell(key.scopes)),
      h('td', { 'data-label': 'Status' }, statusCell(key)),
      expiryCell(key),
      usedCell(key),
      h('td', { class: 'col-actions' }, actions(key)),
    );
  }

  function showKeys(keys) {
    replace(
      tbody,
      keys.length === 0
        ? fullRow(
            columns.length,
            paging.filter
              ? emptyState(
                  `No keys match “${paging.filter}”`,
                  'The search looks at key names, prefixes (ak_…) and service ids.',
                )
              : emptyState(
                  'No API keys yet',
                  'Create one above for a service or script that calls your API.',
                  'key',
                ),
          )
        : keys.map(keyRow),
    );
  }

  await paging.load();
}
