// A list page for a small, unpaged collection (Roles, Tenants): a "New …" card with a create
// form, then a table of every item, filtered in the browser, with a Delete button per row that
// asks before it deletes.
import { api } from './api.js';
import { h, replace } from './dom.js';
import { icon } from './icons.js';
import {
  addButton,
  busy,
  confirmAction,
  dataTable,
  emptyState,
  errorBlock,
  formError,
  fullRow,
  loading,
  pageHeader,
  searchBox,
  showError,
  showFormError,
  toast,
} from './ui.js';

/**
 * The create form. The item's name is required; `save(name)` creates it, and a refusal from the
 * API is shown in the form rather than in a toast, next to what has to change.
 */
function createForm({ noun, nameInput, fields, save }, onCreated) {
  const error = formError();
  const submit = addButton(`Create ${noun}`);
  const form = h(
    'form',
    {
      class: 'create-form',
      novalidate: true,
      onSubmit: (event) => {
        event.preventDefault();
        void create();
      },
    },
    fields.map(({ input, label, grow }) =>
      h(
        'div',
        { class: ['field', grow && 'field-grow'] },
        h('label', { for: input.id }, label),
        input,
      ),
    ),
    h('div', { class: 'field field-end' }, submit),
    error,
  );

  async function create() {
    const name = nameInput.value.trim();
    error.hidden = true;
    if (!name) {
      showFormError(error, `Give the ${noun} a name.`);
      nameInput.focus();
      return;
    }
    await busy(submit, async () => {
      try {
        await save(name);
        toast(`Created ${noun} ${name}`);
        form.reset();
        await onCreated();
      } catch (failure) {
        showFormError(error, failure);
      }
    });
  }

  return form;
}

/** The Delete button of one row: confirms, deletes `api(path(item))`, then `onDeleted()`. */
function deleteButton(item, { noun, path, message }, onDeleted) {
  const button = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-sm btn-danger-ghost',
      'aria-label': `Delete ${noun} ${item.name}`,
      onClick: async () => {
        const ok = await confirmAction({
          title: `Delete ${noun} “${item.name}”?`,
          message,
          confirmLabel: `Delete ${noun}`,
        });
        if (!ok) return;
        await busy(button, async () => {
          try {
            await api(path(item), { method: 'DELETE' });
            toast(`Deleted ${noun} ${item.name}`);
            await onDeleted();
          } catch (error) {
            showError(error, `Could not delete the ${noun}`);
          }
        });
      },
    },
    icon('trash'),
    h('span', { class: 'btn-label' }, 'Delete'),
  );
  return button;
}

/**
 * Renders a list page into `view` and loads it. Items have a `name`.
 * - `noun`, `plural`: what an item is called ('role', 'roles') in labels, counts and toasts;
 * - `list()`: every item, in display order;
 * - `row(item, { remove, reload })`: the table row, with `remove` its Delete button;
 * - `create`: `{ nameInput, fields: [{ input, label, grow? }], save(name) }` for the form;
 * - `remove`: `{ path(item), message }`, the DELETE path and the confirmation's warning;
 * - `filter`: `{ placeholder, label, hint, matches(item, lowercaseText) }`;
 * - `empty`: `{ title, hint, icon }`, shown while there are no items at all.
 */
export async function renderListView(view, options) {
  const { noun, plural, columns, filter, empty } = options;
  const state = { items: [], filter: '' };
  const { table, tbody } = dataTable(options.tableId, columns);
  const count = h('span', { class: 'muted small' });
  const search = searchBox({
    placeholder: filter.placeholder,
    label: filter.label,
    onInput: (value) => {
      state.filter = value.toLowerCase();
      renderRows();
    },
  });

  view.append(
    pageHeader(options.title, options.description),
    h(
      'section',
      { class: 'card card-pad' },
      h('h2', { class: 'card-title' }, `New ${noun}`),
      createForm({ noun, ...options.create }, load),
    ),
    h(
      'section',
      { class: 'card' },
      h('div', { class: 'toolbar' }, search, h('div', { class: 'toolbar-end' }, count)),
      h('div', { class: 'table-wrap' }, table),
    ),
  );

  function itemRow(item) {
    const remove = deleteButton(item, { noun, ...options.remove }, load);
    return options.row(item, { remove, reload: load });
  }

  function renderRows() {
    const { items } = state;
    const shown = items.filter((item) => !state.filter || filter.matches(item, state.filter));
    count.textContent = state.filter
      ? `${shown.length} of ${items.length} ${plural}`
      : `${items.length} ${items.length === 1 ? noun : plural}`;
    replace(
      tbody,
      shown.length > 0
        ? shown.map(itemRow)
        : fullRow(
            columns.length,
            items.length === 0
              ? emptyState(empty.title, empty.hint, empty.icon)
              : emptyState(`Nothing matches “${state.filter}”`, filter.hint),
          ),
    );
  }

  async function load() {
    table.setAttribute('aria-busy', 'true');
    try {
      state.items = await options.list();
      renderRows();
    } catch (error) {
      replace(
        tbody,
        fullRow(
          columns.length,
          errorBlock(error, () => void load()),
        ),
      );
    } finally {
      table.removeAttribute('aria-busy');
    }
  }

  replace(tbody, fullRow(columns.length, loading()));
  await load();
}
