// The allowed-actions checklist of an inbound webhook (register form and edit drawer), built from
// GET /webhook-actions so it offers what the application registered.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { loading } from '../ui.js';

/**
 * The allowed-actions checklist, filled from GET /webhook-actions. Actions not enabled in the
 * Control tab can still be allowed here, but say that a script will not get them until they are.
 */
export function actionsChecklist(prefix, chosen) {
  const list = h('div', { class: 'action-checks', id: `${prefix}-actions` }, loading());
  const boxes = [];
  let extra = [...chosen];

  function box(id, text, note, checked, index) {
    const input = h('input', {
      type: 'checkbox',
      class: 'check',
      id: `${prefix}-action-${index}`,
      value: id,
      checked,
    });
    boxes.push(input);
    return h(
      'label',
      { class: 'action-check', for: input.id, dataset: { actionId: id } },
      input,
      h('span', {}, text, ' ', h('code', { class: 'action-id' }, id)),
      note ? h('span', { class: 'action-check-note' }, note) : null,
    );
  }

  async function load() {
    try {
      const { actions = [] } = await api('webhook-actions');
      extra = chosen.filter((id) => !actions.some((a) => a.id === id));
      const items = actions.map((a, i) =>
        box(a.id, a.label, a.enabled ? null : 'not enabled globally', chosen.includes(a.id), i),
      );
      // Allowed earlier but no longer registered: kept unless unticked.
      extra.forEach((id, i) => items.push(box(id, id, 'not registered', true, actions.length + i)));
      extra = [];
      replace(
        list,
        items.length > 0
          ? items
          : h(
              'p',
              { class: 'muted small' },
              'No actions are registered: the script can call none.',
            ),
      );
    } catch (error) {
      replace(
        list,
        h('p', { class: 'form-error' }, `Could not load the actions: ${error.message}`),
      );
    }
  }
  void load();

  return {
    element: list,
    /** The ticked ids; until the list has loaded, the ones it started with. */
    value: () => [...boxes.filter((b) => b.checked).map((b) => b.value), ...extra],
  };
}
