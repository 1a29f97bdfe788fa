// Webhooks tab: outgoing webhooks events are delivered to, and inbound ones a provider calls.
// Register one (a generated signing secret is shown once, in a banner), switch one on or off,
// delete it after confirmation, open an outgoing one's deliveries (a dead one can be replayed) or
// an inbound one's drawer (edit its script, dry-run it).
import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import { serverPaging } from '../paging.js';
import {
  busy,
  confirmAction,
  dataTable,
  emptyState,
  fullRow,
  pageHeader,
  showError,
  toast,
} from '../ui.js';
import { openInboundDrawer } from './inbound-drawer.js';
import {
  endpointCell,
  hookName,
  inbound,
  scopeCell,
  signedCell,
  subjectCell,
} from './webhook-cells.js';
import { openDeliveriesDrawer } from './webhook-deliveries.js';
import { createWebhookForm, newSecretBanner } from './webhook-form.js';

const LIMIT = 20;

export async function render(view, { features }) {
  const withDeliveries = features.webhookDeliveries === true;
  const footer = h('div', { class: 'card-footer' });
  const columns = ['Endpoint or provider', 'Events or actions', 'Scope', 'Active', 'Signing', ''];
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
      'Outgoing: endpoints that receive events as signed HTTP POSTs, retried with backoff. Inbound: providers whose signed requests a script turns into events.',
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
      'aria-label': inbound(hook)
        ? `Accept requests from ${hook.provider}`
        : `Deliver to ${hook.url}`,
      onChange: async () => {
        const wanted = toggle.checked;
        toggle.disabled = true;
        state.textContent = wanted ? 'On' : 'Off';
        try {
          await api(`webhooks/${seg(hook.id)}`, { method: 'PATCH', body: { isActive: wanted } });
          hook.isActive = wanted;
          toast(wanted ? 'Webhook enabled' : 'Webhook disabled', 'success', hookName(hook));
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
      message: inbound(hook)
        ? `Requests from ${hook.provider} are refused from now on, and its script is removed. This cannot be undone.`
        : `${hook.url} receives nothing more, and its deliveries (pending ones included) are removed. This cannot be undone.`,
      confirmLabel: 'Delete webhook',
    });
    if (!ok) return;
    await busy(button, async () => {
      try {
        await api(`webhooks/${seg(hook.id)}`, { method: 'DELETE' });
        toast('Deleted webhook', 'success', hookName(hook));
      } catch (error) {
        if (error.code !== 'WEBHOOK_NOT_FOUND') {
          showError(error, 'Could not delete the webhook');
          return;
        }
      }
      await paging.load();
    });
  }

  function inboundButtons(hook) {
    const open = (dryRun) =>
      openInboundDrawer(hook, {
        dryRun,
        onSaved: async () => {
          await paging.load();
        },
      });
    return [
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-sm',
          'aria-label': `Dry run inbound ${hook.provider}`,
          onClick: () => open(true),
        },
        'Dry run',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-sm',
          'aria-label': `Edit inbound ${hook.provider}`,
          onClick: () => open(false),
        },
        'Edit',
      ),
    ];
  }

  function actions(hook) {
    const deliveries = inbound(hook)
      ? inboundButtons(hook)
      : withDeliveries
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
        'aria-label': `Delete webhook ${hookName(hook)}`,
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
      {
        dataset: { webhookId: hook.id, direction: hook.direction },
        class: hook.isActive ? undefined : 'is-inactive',
      },
      h('td', { 'data-label': inbound(hook) ? 'Provider' : 'Endpoint' }, endpointCell(hook)),
      h('td', { 'data-label': inbound(hook) ? 'Actions' : 'Events' }, subjectCell(hook)),
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
              'Register an endpoint above to have events POSTed to it as they happen, or an inbound webhook for a provider to call.',
              'webhook',
            ),
          )
        : hooks.map(hookRow),
    );
  }

  await paging.load();
}
