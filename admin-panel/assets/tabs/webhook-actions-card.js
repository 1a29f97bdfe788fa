// The Control tab's "Webhook actions" card: the functions inbound webhook scripts may call,
// switched on globally. The settings hold the whole list, so each switch saves the full list of
// what is on; the availability notes come from the server, since they depend on the other actions.
import { api } from '../api.js';
import { h } from '../dom.js';
import { emptyState, showError, toast } from '../ui.js';

/** Actions in registration order, grouped by category (first appearance orders the groups). */
function byCategory(actions) {
  const groups = new Map();
  for (const action of actions) {
    const key = action.category || 'Other';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(action);
  }
  return [...groups];
}

function emptyRegistry() {
  return emptyState(
    'No webhook actions registered',
    'Your application registers them in code: decorate a service method with @webhookAction({ id, label, category, description }) (with experimentalDecorators, then call registerActions(service)), or call ActionRegistry.register({ id, label, category, description, fn }). Give the admin router that registry as its actions option unless it is the default one.',
    'webhook',
  );
}

/**
 * The card. `actions` and `enabled` are the answer of GET /webhook-actions. Switching an action
 * saves through PUT /settings; a failure puts the switch back.
 */
export function webhookActionsCard({ actions, enabled }) {
  // Ids enabled in the settings but not registered (yet) are kept: an app may register later.
  const unknown = enabled.filter((id) => !actions.some((a) => a.id === id));
  const rows = new Map();

  function wanted() {
    const on = actions.filter((a) => rows.get(a.id).toggle.checked).map((a) => a.id);
    return [...on, ...unknown];
  }

  /** Shows the server's view of each action: on, and whether a script can get it. */
  function paint(list) {
    for (const action of list) {
      const row = rows.get(action.id);
      if (!row) continue;
      row.toggle.checked = action.enabled;
      row.state.textContent = action.enabled ? 'On' : 'Off';
      const blocked = action.enabled && !action.available;
      row.note.hidden = !blocked;
      row.note.textContent = blocked
        ? `Enabled, but not available to scripts: ${action.missing.join(', ')} must be enabled too.`
        : '';
    }
  }

  async function save(action, toggle) {
    const on = toggle.checked;
    toggle.disabled = true;
    try {
      await api('settings', { method: 'PUT', body: { enabledWebhookActions: wanted() } });
      toast(on ? 'Webhook action enabled' : 'Webhook action disabled', 'success', action.label);
      const fresh = await api('webhook-actions');
      paint(fresh.actions ?? []);
    } catch (error) {
      toggle.checked = !on;
      rows.get(action.id).state.textContent = on ? 'Off' : 'On';
      showError(error, 'Could not save the webhook actions');
    } finally {
      toggle.disabled = false;
    }
  }

  function actionRow(action, index) {
    const id = `webhook-action-${index}`;
    const state = h('span', { class: 'switch-state' });
    const note = h('p', { class: 'action-missing', role: 'note', hidden: true });
    const toggle = h('input', {
      type: 'checkbox',
      role: 'switch',
      id,
      class: 'switch-input',
      dataset: { actionId: action.id },
      'aria-describedby': `${id}-text`,
      onChange: () => {
        state.textContent = toggle.checked ? 'On' : 'Off';
        void save(action, toggle);
      },
    });
    rows.set(action.id, { toggle, state, note });
    return h(
      'li',
      { class: 'action-row', dataset: { actionId: action.id } },
      h(
        'label',
        { class: 'switch switch-action', for: id },
        toggle,
        h(
          'span',
          { class: 'switch-track', 'aria-hidden': 'true' },
          h('span', { class: 'switch-thumb' }),
        ),
        h(
          'span',
          { class: 'switch-label', id: `${id}-text` },
          h(
            'span',
            { class: 'action-head' },
            action.label,
            h('code', { class: 'action-id' }, action.id),
          ),
          action.description
            ? h('span', { class: 'muted small action-description' }, action.description)
            : null,
          action.dependsOn.length > 0
            ? h(
                'span',
                { class: 'small action-depends' },
                `Depends on ${action.dependsOn.join(', ')}`,
              )
            : null,
        ),
        state,
      ),
      note,
    );
  }

  let index = 0;
  const body =
    actions.length === 0
      ? emptyRegistry()
      : byCategory(actions).map(([category, list]) =>
          h(
            'div',
            { class: 'action-group' },
            h('h3', { class: 'action-category' }, category),
            h(
              'ul',
              { class: 'action-list' },
              list.map((action) => actionRow(action, index++)),
            ),
          ),
        );
  const card = h(
    'section',
    { class: 'card card-pad card-wide', id: 'control-webhook-actions' },
    h('h2', { class: 'card-title' }, 'Webhook actions'),
    h(
      'p',
      { class: 'muted' },
      'What inbound webhook scripts may call. A script gets an action only when it is enabled here, allowed for its webhook, and every action it depends on is enabled too.',
    ),
    body,
  );
  paint(actions);
  return card;
}
