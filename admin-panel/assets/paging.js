// Server-side paging and filtering of a table (Users, Sessions): the API pages and filters, the
// panel keeps offset, limit and filter, and ignores an answer that a newer request overtook.
import { api } from './api.js';
import { debounce, h, replace } from './dom.js';
import { icon } from './icons.js';
import { errorBlock, fullRow, pager, searchBox } from './ui.js';

/**
 * Loads pages of `api(path)` (`{ [key]: items, offset, limit, total?, hasMore }`) into a table,
 * with the pager in `footer`.
 * - `show(items)` renders a page, an empty one included;
 * - `columns`: how many the table has (for the error row);
 * - `search`: `{ id, placeholder, label }` of the filter box, or nothing for a table without one;
 * - `query()`: more parameters for each request (a tab's own filters), read at every load;
 * - `onFail()` runs after a failed load has been shown; `onBusy(busy)` around each load.
 * Returns `load()`, `restart()` (the first page again, after `query()` changed), `setLimit(n)`,
 * the current `filter`, and the `search` box and `refresh` button for the page to place.
 */
export function serverPaging({
  path,
  key,
  noun,
  limit,
  table,
  tbody,
  footer,
  columns,
  search: searchOptions,
  query = () => ({}),
  show,
  onFail = () => {},
  onBusy = () => {},
}) {
  const state = { filter: '', offset: 0, limit, loadId: 0 };

  async function load() {
    const loadId = ++state.loadId;
    table.setAttribute('aria-busy', 'true');
    onBusy(true);
    try {
      const page = await api(path, {
        query: { ...query(), limit: state.limit, offset: state.offset, filter: state.filter },
      });
      if (loadId !== state.loadId) return;
      const items = page[key];
      // A deletion may have emptied the last page: step back instead of showing nothing.
      if (items.length === 0 && state.offset > 0) {
        state.offset = Math.max(0, state.offset - state.limit);
        void load();
        return;
      }
      show(items);
      replace(
        footer,
        pager(
          {
            offset: page.offset,
            limit: page.limit,
            count: items.length,
            total: page.total,
            hasMore: page.hasMore,
            noun,
          },
          (offset) => {
            state.offset = offset;
            void load();
          },
        ),
      );
    } catch (error) {
      if (loadId !== state.loadId) return;
      replace(
        tbody,
        fullRow(
          columns,
          errorBlock(error, () => void load()),
        ),
      );
      replace(footer);
      onFail();
    } finally {
      if (loadId === state.loadId) {
        table.removeAttribute('aria-busy');
        onBusy(false);
      }
    }
  }

  const search = searchOptions
    ? searchBox({
        placeholder: searchOptions.placeholder,
        label: searchOptions.label,
        onInput: debounce((value) => {
          state.filter = value;
          state.offset = 0;
          void load();
        }, 250),
      })
    : null;
  if (search) search.querySelector('input').id = searchOptions.id;

  const refresh = h(
    'button',
    { type: 'button', class: 'btn', onClick: () => void load() },
    icon('refresh'),
    h('span', { class: 'btn-label' }, 'Refresh'),
  );

  return {
    load,
    restart() {
      state.offset = 0;
      void load();
    },
    /** Back to the first page, `n` rows a page. */
    setLimit(n) {
      state.limit = n;
      state.offset = 0;
      void load();
    },
    get filter() {
      return state.filter;
    },
    search,
    refresh,
  };
}
