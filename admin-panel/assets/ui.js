// Shared pieces of the panel: toasts, the confirmation dialog, tables, empty and loading states,
// badges, the pager, form parts and date formatting.
import { byId, h, replace } from './dom.js';
import { icon } from './icons.js';

/** A short-lived message; errors stay until dismissed so they are not missed. */
export function toast(message, kind = 'success', detail) {
  const region = byId('toasts');
  const close = () => item.remove();
  const item = h(
    'div',
    { class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : undefined },
    icon(kind === 'error' ? 'alert' : 'check'),
    h(
      'div',
      { class: 'toast-text' },
      h('strong', {}, message),
      detail ? h('span', {}, detail) : null,
    ),
    h(
      'button',
      { type: 'button', class: 'icon-btn', 'aria-label': 'Dismiss', onClick: close },
      icon('close'),
    ),
  );
  region.append(item);
  if (kind !== 'error') setTimeout(close, 3500);
  return item;
}

/** Shows an API failure: its message, and its code for looking up in the docs. */
export function showError(error, context) {
  const message = error && error.message ? error.message : String(error);
  const code = error && error.code ? `Code ${error.code}` : undefined;
  const retry = error && error.retryAfter ? ` · retry in ${error.retryAfter}s` : '';
  toast(context ? `${context}: ${message}` : message, 'error', code ? code + retry : undefined);
}

/**
 * Asks before a destructive action. Resolves true only on an explicit click of the confirm
 * button; Escape, Cancel or a click outside resolve false.
 */
export function confirmAction({ title, message, confirmLabel = 'Delete' }) {
  const dialog = byId('confirm');
  byId('confirm-title').textContent = title;
  byId('confirm-message').textContent = message;
  const ok = byId('confirm-ok');
  const cancel = byId('confirm-cancel');
  ok.textContent = confirmLabel;
  return new Promise((resolve) => {
    const finish = (answer) => {
      ok.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('close', onClose);
      dialog.removeEventListener('click', onBackdrop);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const onOk = () => finish(true);
    const onCancel = () => finish(false);
    const onClose = () => finish(false);
    const onBackdrop = (event) => {
      if (event.target === dialog) finish(false);
    };
    ok.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose);
    dialog.addEventListener('click', onBackdrop);
    dialog.showModal();
    // The safe choice has the focus: Enter on an unread dialog does not delete anything.
    cancel.focus();
  });
}

/** A friendly "nothing here" block. */
export function emptyState(title, hint, iconName = 'search') {
  return h(
    'div',
    { class: 'empty' },
    h('div', { class: 'empty-icon' }, icon(iconName)),
    h('p', { class: 'empty-title' }, title),
    hint ? h('p', { class: 'empty-hint' }, hint) : null,
  );
}

/** A table with a header row of `columns` (plain labels) and an empty body to fill. */
export function dataTable(id, columns) {
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'table', id },
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
  return { table, tbody };
}

/** A table body row spanning all columns (loading, empty, error). */
export function fullRow(columns, content) {
  return h('tr', { class: 'row-full' }, h('td', { colspan: columns }, content));
}

export function loading(label = 'Loading…') {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner' }), label);
}

/** An inline error block with a retry button, for a part of the page that failed to load. */
export function errorBlock(error, retry) {
  return h(
    'div',
    { class: 'error-block', role: 'alert' },
    icon('alert'),
    h(
      'div',
      {},
      h('strong', {}, error.message || 'Something went wrong'),
      error.code ? h('code', {}, error.code) : null,
    ),
    retry ? h('button', { type: 'button', class: 'btn btn-sm', onClick: retry }, 'Retry') : null,
  );
}

export function badge(text, kind = 'neutral') {
  return h('span', { class: ['badge', `badge-${kind}`] }, text);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const thisYearFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

/** Formats an ISO date from the API; a dash when absent or unreadable. */
export function formatDate(value, withTime = true) {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return (withTime ? dateFormat : dayFormat).format(date);
}

/** Compact date and time for table cells: the year only when it is not this year. */
export function shortDate(value) {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return date.getFullYear() === new Date().getFullYear()
    ? thisYearFormat.format(date)
    : dayFormat.format(date);
}

/** The start of a long id, with the whole id in the tooltip. */
export function shortId(id, length = 8) {
  const text = String(id);
  return text.length > length + 1 ? `${text.slice(0, length)}…` : text;
}

/** "3 minutes ago", for activity columns. */
export function relativeTime(value) {
  if (!value) return '—';
  const date = new Date(value);
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  if (Number.isNaN(seconds)) return '—';
  const units = [
    ['year', 31536000],
    ['month', 2592000],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(seconds, 'second');
}

/**
 * Paging controls for `{ limit, offset, hasMore, total? }` answers. `onPage(offset)` loads a
 * page; the buttons are disabled at either end.
 */
export function pager({ offset, limit, count, total, hasMore, noun }, onPage) {
  const from = count === 0 ? 0 : offset + 1;
  const to = offset + count;
  const of = typeof total === 'number' ? ` of ${total}` : '';
  const page = Math.floor(offset / limit) + 1;
  const pages = typeof total === 'number' ? Math.max(1, Math.ceil(total / limit)) : undefined;
  return h(
    'div',
    { class: 'pager' },
    h('span', { class: 'pager-info', 'aria-live': 'polite' }, `${from}–${to}${of} ${noun}`),
    h(
      'div',
      { class: 'pager-buttons' },
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-sm',
          disabled: offset === 0,
          'aria-label': 'Previous page',
          onClick: () => onPage(Math.max(0, offset - limit)),
        },
        icon('prev'),
        h('span', { class: 'btn-label' }, 'Previous'),
      ),
      h('span', { class: 'pager-page' }, pages ? `Page ${page} of ${pages}` : `Page ${page}`),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-sm',
          disabled: !hasMore,
          'aria-label': 'Next page',
          onClick: () => onPage(offset + limit),
        },
        h('span', { class: 'btn-label' }, 'Next'),
        icon('next'),
      ),
    ),
  );
}

/** A search box with an icon; `onInput` gets the trimmed value. */
export function searchBox({ placeholder, value = '', label, onInput }) {
  const input = h('input', {
    type: 'search',
    class: 'search-input',
    placeholder,
    value,
    'aria-label': label ?? placeholder,
    autocomplete: 'off',
    spellcheck: 'false',
    onInput: () => onInput(input.value.trim()),
  });
  return h('label', { class: 'search' }, icon('search'), input);
}

/** The page header of a tab: title, one-line description and actions on the right. */
export function pageHeader(title, description, ...actions) {
  return h(
    'div',
    { class: 'page-header' },
    h('div', {}, h('h1', { tabindex: '-1' }, title), h('p', { class: 'muted' }, description)),
    h('div', { class: 'page-actions' }, ...actions),
  );
}

/** The error line of a form, hidden until `showFormError` fills it. */
export function formError() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

/** Shows `problem` in a form's error line: a sentence, or an API error with its code. */
export function showFormError(line, problem) {
  line.textContent =
    typeof problem === 'string'
      ? problem
      : `${problem.message}${problem.code ? ` (${problem.code})` : ''}`;
  line.hidden = false;
}

/** The primary button of a form that adds something: a plus icon and `label`. */
export function addButton(label) {
  return h(
    'button',
    { type: 'submit', class: 'btn btn-primary' },
    icon('plus'),
    h('span', {}, label),
  );
}

/** Disables a button and shows a spinner while `task` runs; re-enables it afterwards. */
export async function busy(button, task) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** Initials for an avatar and a stable colour class picked from the id. */
export function avatar(user) {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email || '?';
  const initials = name
    .split(/[\s@._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => Array.from(part)[0].toUpperCase())
    .join('');
  let hash = 0;
  for (const ch of String(user.id)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return h(
    'span',
    { class: ['avatar', `avatar-${hash % 6}`], 'aria-hidden': 'true' },
    initials || '?',
  );
}

export function displayName(user) {
  return [user.firstName, user.lastName].filter(Boolean).join(' ');
}

/** Replaces a container's content with a loading indicator. */
export function showLoading(container, label) {
  replace(container, loading(label));
}
