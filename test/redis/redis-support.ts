import net from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import type { RefreshRotation, SessionInfo } from 'keyward';
import { uniquePrefix } from '../helpers/services';

/**
 * Connections and key prefixes for the Redis tests. Every client opened here is closed by
 * `closeAll`, and every key under a prefix handed out is deleted first, so runs leave nothing.
 */
export class RedisFixture {
  private readonly clients: Redis[] = [];
  private readonly prefixes: string[] = [];

  constructor(private readonly url: string) {}

  /** A client on the test server, with the fail-fast options keyward/redis recommends. */
  client(options: RedisOptions = {}): Redis {
    return this.track(new Redis(this.url, { maxRetriesPerRequest: 1, ...options }));
  }

  /** A client that can never connect: a port on 127.0.0.1 nothing listens on. */
  async unreachableClient(options: RedisOptions = {}): Promise<Redis> {
    return this.track(
      new Redis({
        host: '127.0.0.1',
        port: await closedPort(),
        lazyConnect: true,
        retryStrategy: () => null,
        // A refused socket never reports 'close', so ioredis would wait out this timeout (2 s
        // by default) before letting the process exit.
        disconnectTimeout: 20,
        ...options,
      }),
    );
  }

  /** A key prefix unique to this run, removed in `closeAll`. */
  prefix(): string {
    const prefix = `${uniquePrefix('kwt')}:`;
    this.prefixes.push(prefix);
    return prefix;
  }

  async closeAll(): Promise<void> {
    const admin = new Redis(this.url);
    try {
      for (const prefix of this.prefixes) await deleteByPrefix(admin, prefix);
    } finally {
      admin.disconnect();
    }
    // A second disconnect of an ended client arms a timer that nothing clears (ioredis waits for
    // a 'close' that already happened), holding the process for 2 s: skip those.
    for (const c of this.clients) if (c.status !== 'end') c.disconnect();
  }

  private track(client: Redis): Redis {
    // Connection errors are what some tests provoke; without a listener ioredis logs each one.
    client.on('error', () => undefined);
    this.clients.push(client);
    return client;
  }
}

/** SCAN + DEL every key starting with `prefix` (prefixes from uniquePrefix have no glob chars). */
export async function deleteByPrefix(client: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

/** A TCP port on 127.0.0.1 that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The error `promise` rejects with; fails the test when it fulfils instead. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

/** Retries `check` until it passes; after `ms` its last failure fails the test. */
export async function eventually(check: () => void | Promise<void>, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export const HOUR = 3600_000;

/** A date with a non-zero millisecond part, so a round trip that drops milliseconds shows. */
export const at = (offsetMs: number) =>
  new Date(Math.floor(Date.now() / 1000) * 1000 + 437 + offsetMs);

/** A session as SessionManager would create it: every field set, refresh hash `hash-0`. */
export function sessionFor(userId: string, extra: Partial<SessionInfo> = {}) {
  return {
    userId,
    createdAt: at(0),
    expiresAt: at(HOUR),
    lastActiveAt: at(0),
    refreshTokenHash: 'hash-0',
    previousRefreshTokenHash: null,
    rotatedAt: at(0),
    ...extra,
  };
}

/** What a refresh writes: the new hash, the one it replaces, and a later expiry. */
export function rotation(hash: string, previous: string, expiresInMs = 2 * HOUR): RefreshRotation {
  return {
    refreshTokenHash: hash,
    previousRefreshTokenHash: previous,
    rotatedAt: at(1000),
    lastActiveAt: at(1000),
    expiresAt: at(expiresInMs),
  };
}
