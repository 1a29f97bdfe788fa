// The drawer of one API key: what the key may do, and its usage log (each request made with it,
// as the app's middleware recorded it with `auditLog: true`), paged by the server.
import { seg } from '../api.js';
import { serverPaging } from '../paging.js';
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import { badge, dataTable, emptyState, formatDate, fullRow, loading, shortDate } from '../ui.js';
import { openDrawer, section } from './drawer-parts.js';

const LIMIT = 20;
const COLUMNS = ['Time', 'Result', 'IP', 'Request'];

/** The key's state as a badge: revoked, expired or active. */
export function statusBadge(key) {
  if (key.status === 'revoked') return badge('Revoked', 'neutral');
  if (key.status === 'expired') return badge('Expired', 'warning');
  return badge('Active', 'success');
}

/** A list of values as monospaced chips, or a muted word when there are none. */
export function chipList(values, none) {
  return values.length === 0
    ? h('span', { class: 'muted' }, none)
    : h(
        'div',
        { class: 'chips' },
        values.map((v) => h('span', { class: 'chip chip-mono' }, v)),
      );
}

function facts(key) {
  const rows = [
    ['Prefix', h('code', { class: 'mono' }, `${key.keyPrefix}…`)],
    ['ID', h('code', { class: 'mono' }, key.id)],
    ['Status', statusBadge(key)],
    ['Service', key.serviceId || '—'],
    key.userId ? ['Owner (user id)', h('code', { class: 'mono' }, key.userId)] : null,
    ['Scopes', chipList(key.scopes, 'No scopes')],
    ['Allowed IPs', chipList(key.allowedIps, 'Any address')],
    ['Expires', key.expiresAt ? formatDate(key.expiresAt) : 'Never'],
    ['Last used', key.lastUsedAt ? formatDate(key.lastUsedAt) : 'Never'],
    ['Created', formatDate(key.createdAt)],
  ].filter(Boolean);
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function usageRow(entry) {
  return h(
    'tr',
    {},
    h('td', { 'data-label': 'Time', title: formatDate(entry.at) }, shortDate(entry.at)),
    // A refusal's reason (its error code) under the verdict: a column of its own would not fit.
    h(
      'td',
      { 'data-label': 'Result' },
      h(
        'div',
        { class: 'usage-result' },
        entry.success ? badge('Accepted', 'success') : badge('Refused', 'warning'),
        entry.reason ? h('code', { class: 'usage-reason' }, entry.reason) : null,
      ),
    ),
    h('td', { 'data-label': 'IP', class: 'mono' }, entry.ip || '—'),
    h(
      'td',
      { 'data-label': 'Request', title: `${entry.method} ${entry.path}` },
      h('span', { class: 'usage-method' }, entry.method),
      ' ',
      h('code', { class: 'usage-path' }, entry.path),
    ),
  );
}

/** The usage log table with its pager, paged by the server like the tabs' tables. */
function usageLog(key) {
  const { table, tbody } = dataTable('api-key-usage-table', COLUMNS);
  table.classList.add('table-compact');
  const footer = h('div', { class: 'usage-footer' });
  const paging = serverPaging({
    path: `api-keys/${seg(key.id)}/usage`,
    key: 'entries',
    noun: 'requests',
    limit: LIMIT,
    table,
    tbody,
    footer,
    columns: COLUMNS.length,
    show(entries) {
      replace(
        tbody,
        entries.length > 0
          ? entries.map(usageRow)
          : fullRow(
              COLUMNS.length,
              emptyState(
                'No requests recorded',
                'Requests with this key appear here when the middleware runs with auditLog: true.',
                'key',
              ),
            ),
      );
    },
  });
  replace(tbody, fullRow(COLUMNS.length, loading()));
  void paging.load();
  return [h('div', { class: 'table-wrap' }, table), footer];
}

/**
 * Opens the drawer of `key`. The usage log is shown when the store keeps one (`withUsage`);
 * `onClosed` runs once the drawer has closed.
 */
export function openKeyDrawer(key, { withUsage, onClosed = () => {} }) {
  // Wider than a user's drawer: the usage log is a table of five columns.
  const drawer = openDrawer({
    badge: h('span', { class: 'avatar avatar-key', 'aria-hidden': 'true' }, icon('key')),
    title: key.name,
    subtitle: h('p', { class: 'muted mono' }, `${key.keyPrefix}…`),
    content: [
      section('Key', null, facts(key)),
      withUsage
        ? section(
            'Usage log',
            'Each request made with this key, newest first: accepted, or refused with the reason.',
            h('div', { class: 'section-body', id: 'api-key-usage' }, usageLog(key)),
          )
        : null,
    ],
    onClosed: () => {
      drawer.classList.remove('drawer-wide');
      onClosed();
    },
  });
  drawer.classList.add('drawer-wide');
}
