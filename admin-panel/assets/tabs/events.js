// Events tab: the event log, newest first, filtered and paged by the server. Every filter is a
// query parameter of `api/events`; a user id or event name in a row narrows the list to it.
import { h, replace } from '../dom.js';
import { serverPaging } from '../paging.js';
import {
  dataTable,
  emptyState,
  formatDate,
  formError,
  fullRow,
  loading,
  pageHeader,
  shortDate,
  shortId,
  showFormError,
} from '../ui.js';

const LIMIT = 25;
const COLUMNS = ['Time', 'Event', 'User', 'Tenant', 'IP', 'Details'];
/** Suggestions for the event filter; any name or prefix ending in `*` works. */
const SUGGESTED = [
  'identity.auth.*',
  'identity.auth.login.success',
  'identity.auth.login.failed',
  'identity.user.*',
  'identity.user.created',
  'identity.session.*',
  'identity.admin.*',
  'identity.apikey.*',
  'identity.webhook.*',
  'identity.webhook.delivery.dead',
];

/** A `datetime-local` value (the browser's time zone) as an ISO moment; '' stays ''. */
function isoOf(local) {
  if (!local) return '';
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

function field(input, label) {
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
}

function filterForm(onApply) {
  const input = (id, props) =>
    h('input', { class: 'input', id, autocomplete: 'off', spellcheck: 'false', ...props });
  const inputs = {
    event: input('events-filter-event', {
      placeholder: 'identity.auth.* or a full name',
      list: 'events-suggestions',
    }),
    userId: input('events-filter-user', { placeholder: 'User id' }),
    tenantId: input('events-filter-tenant', { placeholder: 'Tenant id' }),
    from: input('events-filter-from', { type: 'datetime-local', step: '1' }),
    to: input('events-filter-to', { type: 'datetime-local', step: '1' }),
  };
  const error = formError();
  const apply = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', id: 'events-apply' },
    'Apply',
  );
  const clear = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      id: 'events-clear',
      onClick: () => {
        form.reset();
        submit();
      },
    },
    'Clear',
  );
  const form = h(
    'form',
    {
      class: 'events-filters',
      novalidate: true,
      onSubmit: (event) => {
        event.preventDefault();
        submit();
      },
    },
    field(inputs.event, 'Event'),
    field(inputs.userId, 'User'),
    field(inputs.tenantId, 'Tenant'),
    field(inputs.from, 'From'),
    field(inputs.to, 'To'),
    h('div', { class: 'events-filter-actions' }, clear, apply),
    error,
    h(
      'datalist',
      { id: 'events-suggestions' },
      SUGGESTED.map((name) => h('option', { value: name })),
    ),
  );

  function submit() {
    error.hidden = true;
    const from = isoOf(inputs.from.value);
    const to = isoOf(inputs.to.value);
    if (from === undefined || to === undefined) {
      showFormError(error, 'Enter the dates in full, or clear them.');
      return;
    }
    onApply({
      event: inputs.event.value.trim(),
      userId: inputs.userId.value.trim(),
      tenantId: inputs.tenantId.value.trim(),
      from,
      to,
    });
  }

  /** Sets one filter from a row (a user id, an event name) and applies. */
  function narrow(name, value) {
    inputs[name].value = value;
    submit();
  }

  return { form, narrow };
}

function idButton(value, label, onPick) {
  if (!value) return h('span', { class: 'muted' }, '—');
  return h(
    'button',
    { type: 'button', class: 'link-btn mono', title: `${label} ${value}`, onClick: onPick },
    shortId(value, 12),
  );
}

/** "actor, name" or "webhookId, +2": what the details hold, short enough for the column. */
function summaryOf(keys) {
  return keys.length <= 2 ? keys.join(', ') : `${keys[0]}, +${keys.length - 1}`;
}

function details(entry) {
  const extra = { ...entry.data };
  if (entry.sessionId) extra.sessionId = entry.sessionId;
  if (entry.topic) extra.topic = entry.topic;
  if (Object.keys(extra).length === 0) return h('span', { class: 'muted' }, '—');
  return h(
    'details',
    { class: 'event-data' },
    h('summary', {}, summaryOf(Object.keys(extra))),
    h('pre', { class: 'mono' }, JSON.stringify(extra, null, 2)),
  );
}

export async function render(view) {
  const footer = h('div', { class: 'card-footer' });
  const { table, tbody } = dataTable('events-table', COLUMNS);
  table.classList.add('table-dense');
  let filters = {};
  const filterBar = filterForm((next) => {
    filters = next;
    paging.restart();
  });
  const paging = serverPaging({
    path: 'events',
    key: 'events',
    noun: 'events',
    limit: LIMIT,
    table,
    tbody,
    footer,
    columns: COLUMNS.length,
    query: () => filters,
    show,
    onBusy: (busy) => listCard.classList.toggle('is-loading', busy),
  });

  const listCard = h(
    'section',
    { class: 'card' },
    h('div', { class: 'table-wrap' }, table),
    footer,
  );
  view.append(
    pageHeader(
      'Events',
      'Everything the event log holds, newest first: sign-ins, account changes, admin actions, webhook deliveries.',
      paging.refresh,
    ),
    h('section', { class: 'card card-pad' }, filterBar.form),
    listCard,
  );

  function row(entry) {
    return h(
      'tr',
      { dataset: { eventId: entry.id } },
      h(
        'td',
        { 'data-label': 'Time', title: formatDate(entry.timestamp) },
        shortDate(entry.timestamp),
      ),
      h(
        'td',
        { 'data-label': 'Event' },
        h(
          'button',
          {
            type: 'button',
            class: 'link-btn event-name',
            title: `Only ${entry.event}`,
            onClick: () => filterBar.narrow('event', entry.event),
          },
          entry.event,
        ),
      ),
      h(
        'td',
        { 'data-label': 'User' },
        idButton(entry.userId, 'Only user', () => filterBar.narrow('userId', entry.userId)),
      ),
      h(
        'td',
        { 'data-label': 'Tenant' },
        idButton(entry.tenantId, 'Only tenant', () => filterBar.narrow('tenantId', entry.tenantId)),
      ),
      h('td', { 'data-label': 'IP', class: 'mono' }, entry.ip || '—'),
      h('td', { 'data-label': 'Details' }, details(entry)),
    );
  }

  function show(entries) {
    const filtered = Object.values(filters).some(Boolean);
    replace(
      tbody,
      entries.length > 0
        ? entries.map(row)
        : fullRow(
            COLUMNS.length,
            filtered
              ? emptyState(
                  'No events match these filters',
                  'Widen the time range or clear a filter.',
                )
              : emptyState(
                  'The event log is empty',
                  'Events appear here as users sign in and accounts change.',
                  'events',
                ),
          ),
    );
  }

  replace(tbody, fullRow(COLUMNS.length, loading()));
  await paging.load();
}
