// Sessions tab: every signed-in device, filtered and paged by the server, revocable one by one.
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
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
  shortDate,
  shortId,
  showError,
  toast,
} from '../ui.js';

const LIMIT = 20;

/** "Chrome on macOS" from a user-agent string; the raw string stays in the tooltip. */
function describeAgent(ua) {
  if (!ua) return 'Unknown device';
  const browser =
    (/Edg\//.test(ua) && 'Edge') ||
    (/OPR\//.test(ua) && 'Opera') ||
    (/Firefox\//.test(ua) && 'Firefox') ||
    (/Chrome\//.test(ua) && 'Chrome') ||
    (/Safari\//.test(ua) && 'Safari') ||
    (/curl\//.test(ua) && 'curl') ||
    null;
  const os =
    (/iPhone|iPad/.test(ua) && 'iOS') ||
    (/Android/.test(ua) && 'Android') ||
    (/Mac OS X|Macintosh/.test(ua) && 'macOS') ||
    (/Windows/.test(ua) && 'Windows') ||
    (/Linux/.test(ua) && 'Linux') ||
    null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? ua.slice(0, 40);
}

export async function render(view, { features }) {
  const emails = new Map();
  // Tenant ids are shown by name when the tenant store is there (one request per visit).
  const tenantNames = features.tenants
    ? api('tenants').then(
        ({ tenants }) => new Map(tenants.map((t) => [t.id, t.name])),
        () => new Map(),
      )
    : Promise.resolve(new Map());

  const footer = h('div', { class: 'card-footer' });
  const columns = ['User', 'Device', 'Tenant', 'Last active', 'Expires', ''];
  const { table, tbody } = dataTable('sessions-table', columns);
  const paging = serverPaging({
    path: 'sessions',
    key: 'sessions',
    noun: 'sessions',
    limit: LIMIT,
    table,
    tbody,
    footer,
    columns: columns.length,
    search: {
      id: 'sessions-filter',
      placeholder: 'Search by user id or IP address',
      label: 'Filter sessions',
    },
    show: showSessions,
  });

  view.append(
    pageHeader(
      'Sessions',
      'Signed-in devices. Revoking one ends that session; the device has to sign in again.',
      paging.refresh,
    ),
    h(
      'section',
      { class: 'card' },
      h('div', { class: 'toolbar' }, paging.search),
      h('div', { class: 'table-wrap' }, table),
      footer,
    ),
  );

  /** Shows the user's email next to the id, once it is known (one look-up per user). */
  async function fillUser(userId, cell) {
    if (!emails.has(userId)) {
      emails.set(
        userId,
        api(`users/${seg(userId)}`).then(
          (user) => user.email,
          () => null,
        ),
      );
    }
    const email = await emails.get(userId);
    if (email)
      replace(
        cell,
        h('span', { class: 'user-name' }, email),
        h('span', { class: 'user-email mono', title: userId }, shortId(userId)),
      );
  }

  async function fillTenant(tenantId, cell) {
    const name = (await tenantNames).get(tenantId);
    if (name) replace(cell, h('span', { title: tenantId }, name));
  }

  function sessionRow(s) {
    const userCell = h(
      'div',
      { class: 'user-text' },
      h('span', { class: 'mono', title: s.userId }, shortId(s.userId)),
    );
    void fillUser(s.userId, userCell);
    const tenantCell = h('span', { title: s.tenantId }, shortId(s.tenantId));
    if (s.tenantId) void fillTenant(s.tenantId, tenantCell);
    const revoke = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-sm btn-danger-ghost',
        'aria-label': `Revoke session ${s.sessionHandle}`,
        onClick: async () => {
          const ok = await confirmAction({
            title: 'Revoke this session?',
            message: `${describeAgent(s.userAgent)}${s.ipAddress ? ` (${s.ipAddress})` : ''} will be signed out. Other sessions of this user are not affected.`,
            confirmLabel: 'Revoke session',
          });
          if (!ok) return;
          await busy(revoke, async () => {
            try {
              await api(`sessions/${seg(s.sessionHandle)}`, { method: 'DELETE' });
              toast('Session revoked');
            } catch (error) {
              if (error.code !== 'SESSION_NOT_FOUND') {
                showError(error, 'Could not revoke the session');
                return;
              }
            }
            await paging.load();
          });
        },
      },
      'Revoke',
    );
    return h(
      'tr',
      { dataset: { session: s.sessionHandle } },
      h('td', { 'data-label': 'User' }, userCell),
      h(
        'td',
        { 'data-label': 'Device' },
        h(
          'div',
          { class: 'user-text' },
          h('span', { title: s.userAgent || '' }, describeAgent(s.userAgent)),
          h('span', { class: 'user-email mono' }, s.ipAddress || 'IP unknown'),
        ),
      ),
      h(
        'td',
        { 'data-label': 'Tenant' },
        s.tenantId ? tenantCell : h('span', { class: 'muted' }, '—'),
      ),
      h(
        'td',
        { 'data-label': 'Last active' },
        h(
          'div',
          { class: 'user-text' },
          h(
            'span',
            { title: formatDate(s.lastActiveAt ?? s.createdAt) },
            relativeTime(s.lastActiveAt ?? s.createdAt),
          ),
          h('span', { class: 'user-email' }, `Started ${shortDate(s.createdAt)}`),
        ),
      ),
      h(
        'td',
        { 'data-label': 'Expires', title: formatDate(s.expiresAt) },
        formatDate(s.expiresAt, false),
      ),
      h('td', { class: 'col-actions' }, revoke),
    );
  }

  function showSessions(sessions) {
    replace(
      tbody,
      sessions.length === 0
        ? fullRow(
            columns.length,
            paging.filter
              ? emptyState(
                  `No sessions match “${paging.filter}”`,
                  'Try a user id, an IP address or a browser name.',
                )
              : emptyState(
                  'No active sessions',
                  'Sessions appear here when users sign in.',
                  'sessions',
                ),
          )
        : sessions.map(sessionRow),
    );
  }

  await paging.load();
}
