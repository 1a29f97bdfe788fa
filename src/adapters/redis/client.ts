/**
 * The Redis commands the stores send, typed structurally. An ioredis `Redis` instance satisfies
 * this interface as it is; keyward/redis never imports ioredis, so its declarations do not need
 * ioredis's types and the application picks (and configures) the client version itself.
 */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number): Promise<unknown>;
  /** SET … PX … NX: resolves 'OK' when the key was set, null when it already existed. */
  set(
    key: string,
    value: string,
    millisecondsToken: 'PX',
    milliseconds: number,
    nx: 'NX',
  ): Promise<'OK' | null>;
  del(...keys: string[]): Promise<number>;
  hgetall(key: string): Promise<Record<string, string>>;
  hget(key: string, field: string): Promise<string | null>;
  smembers(key: string): Promise<string[]>;
  srem(key: string, ...members: string[]): Promise<number>;
  scard(key: string): Promise<number>;
  scan(
    cursor: string,
    patternToken: 'MATCH',
    pattern: string,
    countToken: 'COUNT',
    count: number,
  ): Promise<[cursor: string, elements: string[]]>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  /**
   * A new connection with the same options (ioredis `duplicate()`): a subscribed connection
   * can send nothing else, so the revocation feed listens on its own. Needed by
   * `revocationFeed.subscribe` only.
   */
  duplicate?(): RedisSubscriberLike;
}

/** The connection the revocation feed subscribes on (an ioredis `Redis` in subscriber mode). */
export interface RedisSubscriberLike {
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  quit(): Promise<unknown>;
}

/** Where the stores put their keys; every key starts with the prefix. */
export interface RedisKeyOptions {
  /** Prepended to every key (default `'keyward:'`), so several apps can share one database. */
  keyPrefix?: string;
}

export const DEFAULT_KEY_PREFIX = 'keyward:';

/** Escapes glob metacharacters, so a prefix like `app[1]:` matches itself in SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Runs `fn` over `items` in slices, so a huge listing never floods the socket at once. */
export async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  fn: (batch: T[]) => Promise<R[]>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await fn(items.slice(i, i + size))));
  return out;
}
