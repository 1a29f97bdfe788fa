// Webhooks tab: the outgoing webhooks events are delivered to. Register one (a generated signing
// secret is shown once, in a banner), switch one on or off, delete it after confirmation, and
// open its deliveries, where a dead one can be replayed.
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import { serverPaging } from '../paging.js';
import {
  badge,
  busy,
  confirmAction,
  dataTable,
  emptyState,
  formatDate,
  fullRow,
  pageHeader,
  shortId,
  showError,
  toast,
} from '../ui.js';
import { chipList } from './api-key-usage.js';
import { openDeliveriesDrawer } from './webhook-deliveries.js';
import { createWebhookForm, newSecretBanner } from './webhook-form.js';

const LIMIT = 20;
/** Event patterns shown in a row before "+N more". */
const ROW_EVENTS = 2;

function endpointCell(hook) {
  return h(
    'div',
    { class: 'user-text' },
    h('span', { class: 'webhook-url mono', title: hook.url }, hook.url),
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

function scopeCell(hook) {
  return hook.tenantId
    ? h(
        'span',
        { class: 'mono', title: `Only events of tenant ${hook.tenantId}` },
        shortId(hook.tenantId),
      )
    : h('span', { class: 'muted' }, 'All tenants');
}

function signedCell(hook) {
  return hook.hasSecret
    ? badge('Signed', 'success')
    : h('span', { title: 'Deliveries carry no signature' }, badge('Unsigned', 'warning'));
}

export async function render(view, { features }) {
  const withDeliveries = features.webhookDeliveries === true;
  const footer = h('div', { class: 'card-footer' });
  const columns = ['Endpoint', 'Events', 'Scope', 'Active', 'Signing', ''];
  const { table, tbody } = dataTable('webhooks-table', columns);
  table.classList.add('table-dense');
  const paging = serverPaging({
    path: 'webhooks',
    key: 'webhooks',
    noun: 'webhooks',
    limit: LIMIT,
    table,
    tbody,
    footer,
    columns: columns.length,
    show,
    onBusy: (loading) => listCard.classList.toggle('is-loading', loading),
  });

  const bannerSlot = h('div', { class: 'key-banner-slot' });
  function showBanner(created) {
    const { banner, focus } = newSecretBanner(created, () => replace(bannerSlot));
    replace(bannerSlot, banner);
    focus();
  }

  const listCard = h(
    'section',
    { class: 'card' },
    h('div', { class: 'table-wrap' }, table),
    footer,
  );
  view.append(
    pageHeader(
      'Webhooks',
      'Endpoints that receive events as signed HTTP POSTs, retried with backoff when they fail.',
      paging.refresh,
    ),
    h(
      'section',
      { class: 'card card-pad' },
      h('h2', { class: 'card-title' }, 'Register a webhook'),
      createWebhookForm(async (created) => {
        if (created.secret) showBanner(created);
        else replace(bannerSlot);
        await paging.load();
      }),
    ),
    bannerSlot,
    listCard,
  );

  /** The Active switch: saved at once, put back if saving fails. */
  function activeSwitch(hook) {
    const state = h('span', { class: 'switch-state' }, hook.isActive ? 'On' : 'Off');
    const toggle = h('input', {
      type: 'checkbox',
      role: 'switch',
      class: 'switch-input',
      checked: hook.isActive,
      'aria-label': `Deliver to ${hook.url}`,
      onChange: async () => {
        const wanted = toggle.checked;
        toggle.disabled = true;
        state.textContent = wanted ? 'On' : 'Off';
        try {
          await api(`webhooks/${seg(hook.id)}`, { method: 'PATCH', body: { isActive: wanted } });
          hook.isActive = wanted;
          toast(wanted ? 'Webhook enabled' : 'Webhook disabled', 'success', hook.url);
          toggle.closest('tr')?.classList.toggle('is-inactive', !wanted);
        } catch (error) {
          toggle.checked = !wanted;
          state.textContent = wanted ? 'Off' : 'On';
          showError(error, 'Could not change the webhook');
        } finally {
          toggle.disabled = false;
        }
      },
    });
    return h(
      'label',
      { class: 'switch switch-inline' },
      toggle,
      h(
        'span',
        { class: 'switch-track', 'aria-hidden': 'true' },
        h('span', { class: 'switch-thumb' }),
      ),
      state,
    );
  }

  async function remove(hook, button) {
    const ok = await confirmAction({
      title: 'Delete this webhook?',
      message: `${hook.url} receives nothing more, and its deliveries (pending ones included) are removed. This cannot be undone.`,
      confirmLabel: 'Delete webhook',
    });
    if (!ok) return;
    await busy(button, async () => {
      try {
        await api(`webhooks/${seg(hook.id)}`, { method: 'DELETE' });
        toast('Deleted webhook', 'success', hook.url);
      } catch (error) {
        if (error.code !== 'WEBHOOK_NOT_FOUND') {
          showError(error, 'Could not delete the webhook');
          return;
        }
      }
      await paging.load();
    });
  }

  function actions(hook) {
    const deliveries = withDeliveries
      ? h(
          'button',
          {
            type: 'button',
            class: 'btn btn-sm',
            'aria-label': `Deliveries of ${hook.url}`,
            onClick: () => openDeliveriesDrawer(hook),
          },
          'Deliveries',
        )
      : null;
    const deleteButton = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-sm btn-danger-ghost',
        'aria-label': `Delete webhook ${hook.url}`,
        title: 'Delete',
        onClick: () => void remove(hook, deleteButton),
      },
      icon('trash'),
    );
    return h('div', { class: 'row-actions' }, deliveries, deleteButton);
  }

  function hookRow(hook) {
    return h(
      'tr',
      { dataset: { webhookId: hook.id }, class: hook.isActive ? undefined : 'is-inactive' },
      h('td', { 'data-label': 'Endpoint' }, endpointCell(hook)),
      h('td', { 'data-label': 'Events' }, eventsCell(hook.events)),
      h('td', { 'data-label': 'Scope' }, scopeCell(hook)),
      h('td', { 'data-label': 'Active' }, activeSwitch(hook)),
      h('td', { 'data-label': 'Signing' }, signedCell(hook)),
      h('td', { class: 'col-actions' }, actions(hook)),
    );
  }

  function show(hooks) {
    replace(
      tbody,
      hooks.length === 0
        ? fullRow(
            columns.length,
            emptyState(
              'No webhooks yet',
              'Register an endpoint above to have events POSTed to it as they happen.',
              'webhook',
            ),
          )
        : hooks.map(hookRow),
    );
  }

  await paging.load();
}
