// The cells of a Webhooks tab row: an outgoing webhook shows its URL, events and signing; an
// inbound one its provider, the actions its script may call and its signature scheme.
import { h } from '../dom.js';
import { badge, formatDate, shortId } from '../ui.js';
import { chipList } from './api-key-usage.js';
import { schemeLabel } from './inbound-fields.js';

/** Event patterns shown in a row before "+N more". */
const ROW_EVENTS = 2;

export const inbound = (hook) => hook.direction === 'inbound';

/** How confirmations, toasts and labels name a webhook: its URL, or its provider. */
export const hookName = (hook) => (inbound(hook) ? `inbound ${hook.provider}` : hook.url);

function directionBadge(hook) {
  return h(
    'span',
    { class: ['direction', `direction-${hook.direction}`] },
    inbound(hook) ? 'Inbound' : 'Outgoing',
  );
}

export function endpointCell(hook) {
  const target = inbound(hook)
    ? h('span', { class: 'webhook-url mono', title: 'Provider' }, hook.provider)
    : h('span', { class: 'webhook-url mono', title: hook.url }, hook.url);
  return h(
    'div',
    { class: 'user-text' },
    h('span', { class: 'webhook-target' }, directionBadge(hook), target),
    h(
      'span',
      { class: 'user-email', title: `${hook.id}, created ${formatDate(hook.createdAt)}` },
      `Created ${formatDate(hook.createdAt, false)}`,
    ),
  );
}

function eventsCell(events) {
  if (events.length <= ROW_EVENTS) return chipList(events, 'None');
  return h(
    'div',
    { class: 'chips' },
    events.slice(0, ROW_EVENTS).map((e) => h('span', { class: 'chip chip-mono' }, e)),
    h(
      'span',
      { class: 'chip', title: events.slice(ROW_EVENTS).join(', ') },
      `+${events.length - ROW_EVENTS}`,
    ),
  );
}

export function scopeCell(hook) {
  return hook.tenantId
    ? h(
        'span',
        { class: 'mono', title: `Only events of tenant ${hook.tenantId}` },
        shortId(hook.tenantId),
      )
    : h('span', { class: 'muted' }, 'All tenants');
}

/** Inbound webhooks list the actions their script may call where outgoing ones list events. */
export function subjectCell(hook) {
  if (!inbound(hook)) return eventsCell(hook.events);
  return h(
    'div',
    { class: 'inbound-actions' },
    h('span', { class: 'muted small' }, 'Actions'),
    chipList(hook.allowedActions, 'None'),
  );
}

export function signedCell(hook) {
  if (inbound(hook)) {
    return h(
      'span',
      { class: 'scheme', title: 'Signature scheme requests are verified with' },
      schemeLabel(hook.verify),
    );
  }
  return hook.hasSecret
    ? badge('Signed', 'success')
    : h('span', { title: 'Deliveries carry no signature' }, badge('Unsigned', 'warning'));
}
