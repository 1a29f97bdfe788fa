/**
 * Helpers for stores written to the reference SDK's interfaces, whose listings take
 * `(limit, offset)` and filter nothing: the admin API pages and filters them here.
 */

/** A listing as the reference SDK's stores declare it. */
export type PositionalList<T> = (limit: number, offset: number) => Promise<T[]>;

/** A page request as keyward's routes make it. */
export interface PageRequest {
  limit?: number;
  offset?: number;
}

/** Rows read per store call while filtering here (the admin pages are at most 100 rows). */
const SCAN_PAGE = 100;

/**
 * One page of `list`, keeping only the rows `keep` accepts. Without a `keep`, the store pages
 * itself; with one, pages are read in turn until the page is full or the store runs out, since a
 * store that cannot filter can only be filtered here (one scan per request, admin-only).
 */
export async function pageOf<T>(
  list: PositionalList<T>,
  { limit = 20, offset = 0 }: PageRequest,
  keep?: (row: T) => boolean,
): Promise<T[]> {
  if (!keep) return list(limit, offset);
  const kept: T[] = [];
  for (let start = 0; kept.length < offset + limit; start += SCAN_PAGE) {
    const rows = await list(SCAN_PAGE, start);
    kept.push(...rows.filter(keep));
    if (rows.length < SCAN_PAGE) break;
  }
  return kept.slice(offset, offset + limit);
}

/** The first row `match` accepts, reading the whole listing page by page; null when none. */
export async function findIn<T>(
  list: PositionalList<T>,
  match: (row: T) => boolean,
): Promise<T | null> {
  for (let start = 0; ; start += SCAN_PAGE) {
    const rows = await list(SCAN_PAGE, start);
    const found = rows.find(match);
    if (found !== undefined) return found;
    if (rows.length < SCAN_PAGE) return null;
  }
}

/** True when `text` holds `needle`, ignoring case. */
export function mentions(text: string | null | undefined, needle: string): boolean {
  return (text ?? '').toLowerCase().includes(needle.toLowerCase());
}

/**
 * A function written for positional arguments: two or more declared parameters. A listing
 * declared with defaults (`listUsers(limit = 20, offset = 0)`) has none, so it cannot be told
 * apart and is called the keyward way; docs/admin-api.md says so.
 */
export function takesPositionalPage(fn: unknown): fn is PositionalList<unknown> {
  return typeof fn === 'function' && fn.length >= 2;
}

/** A store's property by name, untyped: how a method the interface does not declare is read. */
export function memberOf(store: object, name: string): unknown {
  return Reflect.get(store, name);
}

/**
 * `store` with some methods replaced. Every other property reads through to the store itself,
 * its methods called on it (a class instance keeps its `this`, and its private state).
 */
export function withMethods<T extends object>(store: T, replaced: Partial<T>): T {
  return new Proxy(store, {
    get(target, key) {
      if (Object.prototype.hasOwnProperty.call(replaced, key)) {
        return (replaced as Record<string | symbol, unknown>)[key];
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
    has(target, key) {
      return Object.prototype.hasOwnProperty.call(replaced, key) || Reflect.has(target, key);
    },
  });
}
