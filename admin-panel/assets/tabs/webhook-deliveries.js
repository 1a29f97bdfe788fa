// The drawer of one webhook: what it receives, and its deliveries (newest first, paged by the
// server, filtered by status), each with its attempts and last error. A dead delivery can be
// replayed: it is queued again and the delivery worker sends it with fresh attempts.
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import { serverPaging } from '../paging.js';
import {
  badge,
  busy,
  dataTable,
  emptyState,
  formatDate,
  fullRow,
  loading,
  shortDate,
  showError,
  toast,
} from '../ui.js';
import { chipList } from './api-key-usage.js';
import { openDrawer, section } from './drawer-parts.js';

const LIMIT = 20;
const COLUMNS = ['Event', 'Status', 'Last result', ''];
const STATUSES = [
  ['', 'All'],
  ['dead', 'Dead'],
  ['pending', 'Pending'],
  ['delivered', 'Delivered'],
];

function statusBadge(delivery) {
  if (delivery.status === 'delivered') return badge('Delivered', 'success');
  if (delivery.status === 'dead') return badge('Dead', 'warning');
  return badge('Pending', 'info');
}

/** The event, and when the delivery last changed under it. */
function eventCell(delivery) {
  return h(
    'div',
    { class: 'user-text' },
    h('code', { class: 'usage-path' }, delivery.event),
    h(
      'span',
      { class: 'user-email', title: formatDate(delivery.updatedAt) },
      shortDate(delivery.updatedAt),
    ),
  );
}

/** The status, and how many attempts it took (since the last replay). */
function statusCell(delivery) {
  const n = delivery.attempts;
  return h(
    'div',
    { class: 'usage-result' },
    statusBadge(delivery),
    h(
      'span',
      { class: 'muted small delivery-attempts' },
      `${n} ${n === 1 ? 'attempt' : 'attempts'}`,
    ),
  );
}

/** The last attempt: its HTTP status and error, or when the next one is due. */
function lastResult(delivery) {
  // Most errors name the status already ("HTTP 503 …"); it is shown on its own otherwise.
  const named = delivery.lastError && delivery.lastError.includes(String(delivery.lastStatus));
  const status =
    delivery.lastStatus && !named ? h('code', {}, `HTTP ${delivery.lastStatus}`) : null;
  const error = delivery.lastError
    ? h('span', { class: 'delivery-error', title: delivery.lastError }, delivery.lastError)
    : null;
  const next =
    delivery.status === 'pending' && delivery.nextAttemptAt
      ? h('span', { class: 'muted small' }, `Next try ${shortDate(delivery.nextAttemptAt)}`)
      : null;
  if (!status && !error && !next) return h('span', { class: 'muted' }, '—');
  return h('div', { class: 'usage-result' }, status, error, next);
}

function facts(hook) {
  const rows = [
    ['ID', h('code', { class: 'mono' }, hook.id)],
    ['Events', chipList(hook.events, 'None')],
    ['Scope', hook.tenantId ? h('code', { class: 'mono' }, hook.tenantId) : 'All tenants'],
    ['Active', hook.isActive ? 'Yes' : 'No: nothing is delivered'],
    ['Signing', hook.hasSecret ? 'Signed (Standard Webhooks)' : 'Unsigned'],
    ['Retries', hook.maxRetries === null ? 'Default' : String(hook.maxRetries)],
    ['Created', formatDate(hook.createdAt)],
  ];
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

/** The deliveries table with its status filter and pager. */
function deliveriesLog(hook) {
  const { table, tbody } = dataTable('webhook-deliveries-table', COLUMNS);
  table.classList.add('table-compact');
  const footer = h('div', { class: 'usage-footer' });
  let status = '';
  const paging = serverPaging({
    path: `webhooks/${seg(hook.id)}/deliveries`,
    key: 'deliveries',
    noun: 'deliveries',
    limit: LIMIT,
    table,
    tbody,
    footer,
    columns: COLUMNS.length,
    query: () => ({ status }),
    show(deliveries) {
      replace(
        tbody,
        deliveries.length > 0
          ? deliveries.map(row)
          : fullRow(
              COLUMNS.length,
              emptyState(
                status ? `No ${status} deliveries` : 'Nothing delivered yet',
                'Deliveries appear here once an event this webhook subscribes to happens.',
                'webhook',
              ),
            ),
      );
    },
  });
  const filter = h(
    'select',
    {
      class: 'select select-sm',
      id: 'webhook-deliveries-status',
      'aria-label': 'Show deliveries',
      onChange: () => {
        status = filter.value;
        paging.restart();
      },
    },
    STATUSES.map(([value, label]) => h('option', { value }, label)),
  );

  async function replay(delivery, button) {
    await busy(button, async () => {
      try {
        await api(`webhooks/${seg(hook.id)}/deliveries/${seg(delivery.id)}/replay`, {
          method: 'POST',
          body: {},
        });
        toast('Delivery queued again', 'success', `${delivery.event} is sent with fresh attempts.`);
      } catch (error) {
        showError(error, 'Could not replay the delivery');
        return;
      }
      await paging.load();
    });
  }

  function row(delivery) {
    const replayButton =
      delivery.status === 'dead'
        ? h(
            'button',
            {
              type: 'button',
              class: 'btn btn-sm',
              'aria-label': `Replay delivery ${delivery.id}`,
              onClick: () => void replay(delivery, replayButton),
            },
            icon('replay'),
            h('span', { class: 'btn-label' }, 'Replay'),
          )
        : null;
    return h(
      'tr',
      { dataset: { deliveryId: delivery.id, status: delivery.status } },
      h('td', { 'data-label': 'Event' }, eventCell(delivery)),
      h('td', { 'data-label': 'Status' }, statusCell(delivery)),
      h('td', { 'data-label': 'Last result' }, lastResult(delivery)),
      h('td', { class: 'col-actions' }, replayButton),
    );
  }

  replace(tbody, fullRow(COLUMNS.length, loading()));
  void paging.load();
  return [
    h(
      'div',
      { class: 'toolbar toolbar-flat' },
      filter,
      h('div', { class: 'toolbar-end' }, paging.refresh),
    ),
    h('div', { class: 'table-wrap' }, table),
    footer,
  ];
}

/** Opens the drawer of `hook` with its deliveries. */
export function openDeliveriesDrawer(hook) {
  const drawer = openDrawer({
    badge: h('span', { class: 'avatar avatar-key', 'aria-hidden': 'true' }, icon('webhook')),
    title: 'Webhook deliveries',
    subtitle: h('p', { class: 'muted mono webhook-url', title: hook.url }, hook.url),
    content: [
      section('Webhook', null, facts(hook)),
      section(
        'Deliveries',
        'Each event sent to this endpoint, newest first. A dead delivery failed every attempt; replay it once the receiver works again.',
        h('div', { class: 'section-body', id: 'webhook-deliveries' }, deliveriesLog(hook)),
      ),
    ],
    onClosed: () => drawer.classList.remove('drawer-wide'),
  });
  drawer.classList.add('drawer-wide');
}
