import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { Pool } from 'pg';
import {
  InMemoryUserStore,
  type IRateLimitStore,
  type IRevocationFeed,
  type ISessionStore,
  type ITwoFactorStore,
  type IUserStore,
} from 'keyward';
import { createRedisStores } from 'keyward/redis';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { uniquePrefix } from './services';

/** A user store with every optional method, as the endpoint suite uses it. */
export type FullUserStore = Required<IUserStore>;

/**
 * Which stores the endpoint suite runs on: 'memory' (default), 'sqlite', 'postgres', 'mysql'
 * (MariaDB or MySQL) or 'redis' (users in memory, everything else in Redis). The jest projects in
 * jest.config.cjs set it, so one `npm test` runs the suite on each.
 */
export const TEST_STORE = process.env.KEYWARD_TEST_STORE ?? 'memory';

/** The stores of one test app on the configured backend, and how to remove them afterwards. */
export interface BackendStores {
  userStore: FullUserStore;
  /** Device-aware sessions in the backend (SQL table or Redis keys). */
  sessionStore: ISessionStore;
  /** TOTP steps, recovery codes, SMS codes and spent temporary tokens in the same backend. */
  twoFactorStore: ITwoFactorStore;
  /** The brute-force counters in the same backend. */
  rateLimitStore: IRateLimitStore;
  /** Revocations shared through the backend (a polled table, or Redis pub/sub). */
  revocationFeed: IRevocationFeed;
  close(): Promise<void>;
}

/**
 * Holds every call until `ready` (the migrations) has settled, so a test app can be built
 * synchronously at the top of a describe block and still use a freshly migrated database.
 */
function afterReady<T extends object>(target: T, ready: Promise<unknown>): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await ready;
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

function requiredUrl(variable: string): string {
  const url = process.env[variable];
  if (!url) throw new Error(`KEYWARD_TEST_STORE=${TEST_STORE} needs ${variable}`);
  return url;
}

/**
 * MariaDB's schema changes are slow (about 3 s to create and drop keyward's tables, against
 * milliseconds on PostgreSQL), and the endpoint suite builds some 200 apps: so the apps of one
 * test file share one set of tables, created on first use and dropped after the file's last test
 * (`closeSharedBackend`, from the project's setupFilesAfterEnv). Each app's brute-force counters
 * still start empty (`ownCounters`), and its users have addresses of their own.
 */
interface SharedSql {
  stores: SqlStores;
  ready: Promise<void>;
  /** The revocation feed's pollers, stopped before the tables go (an app may close later). */
  pollers: Array<() => unknown>;
}
let sharedMysql: SharedSql | undefined;

function sharedMysqlStores(): SharedSql {
  if (!sharedMysql) {
    const pool = mysql.createPool({ uri: requiredUrl('KEYWARD_MYSQL_URL'), connectionLimit: 4 });
    const stores = createSqlStores({ dialect: 'mysql', pool, tablePrefix: uniquePrefix('kwe') });
    sharedMysql = { stores, ready: stores.migrate(), pollers: [] };
  }
  return sharedMysql;
}

/** The shared feed, remembering how to stop each subscription it starts. */
function stoppableFeed(shared: SharedSql): IRevocationFeed {
  const feed = afterReady(shared.stores.revocationFeed, shared.ready);
  return {
    publish: (revocation) => feed.publish(revocation),
    since: (since) => feed.since(since),
    async subscribe(listener) {
      const unsubscribe = await feed.subscribe(listener);
      shared.pollers.push(unsubscribe);
      return unsubscribe;
    },
  };
}

/** Drops the tables the test file's apps shared (MariaDB); nothing to do on the other backends. */
export async function closeSharedBackend(): Promise<void> {
  const shared = sharedMysql;
  sharedMysql = undefined;
  if (!shared) return;
  await Promise.all(shared.pollers.map((stop) => stop()));
  await shared.ready.catch(() => undefined);
  await shared.stores.dropTables();
  await shared.stores.destroy();
}

/** The counters of one app inside a shared store: its keys carry a prefix of their own. */
function ownCounters(store: IRateLimitStore): IRateLimitStore {
  const own = uniquePrefix('app');
  return {
    hit: (key, windowMs) => store.hit(own + key, windowMs),
    reset: (key) => store.reset(own + key),
    peek: (key) => store.peek!(own + key),
  };
}

/** SQL stores on the configured dialect, in tables of their own where the database is shared. */
function openSql(): { stores: SqlStores; drop: boolean } | undefined {
  if (TEST_STORE === 'sqlite') {
    return {
      stores: createSqlStores({ dialect: 'sqlite', database: new Database(':memory:') }),
      drop: false,
    };
  }
  if (TEST_STORE === 'postgres') {
    const pool = new Pool({ connectionString: requiredUrl('KEYWARD_PG_URL'), max: 4 });
    const tablePrefix = uniquePrefix('kwe');
    return { stores: createSqlStores({ dialect: 'postgres', pool, tablePrefix }), drop: true };
  }
  return undefined;
}

/** Users in memory, every other store in Redis under a key prefix removed afterwards. */
function openRedis(): BackendStores {
  const url = requiredUrl('KEYWARD_REDIS_URL');
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const keyPrefix = `${uniquePrefix('kwe')}:`;
  const stores = createRedisStores({ client, keyPrefix });
  return {
    userStore: new InMemoryUserStore(),
    sessionStore: stores.sessionStore,
    twoFactorStore: stores.twoFactorStore,
    rateLimitStore: stores.rateLimitStore,
    revocationFeed: stores.revocationFeed,
    async close() {
      try {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
          if (keys.length > 0) await client.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
    },
  };
}

/** Opens the configured backend's stores; undefined for the in-memory run. */
export function openBackendStores(): BackendStores | undefined {
  if (TEST_STORE === 'redis') return openRedis();
  if (TEST_STORE === 'mysql') {
    const shared = sharedMysqlStores();
    const { stores, ready } = shared;
    return {
      userStore: afterReady(stores.userStore as FullUserStore, ready),
      sessionStore: afterReady(stores.sessionStore, ready),
      twoFactorStore: afterReady(stores.twoFactorStore, ready),
      rateLimitStore: ownCounters(afterReady(stores.rateLimitStore, ready)),
      revocationFeed: stoppableFeed(shared),
      // The tables outlive the app: closeSharedBackend drops them after the file.
      close: () => Promise.resolve(),
    };
  }
  const sql = openSql();
  if (!sql) return undefined;
  const { stores, drop } = sql;
  const ready = stores.migrate();
  return {
    userStore: afterReady(stores.userStore as FullUserStore, ready),
    sessionStore: afterReady(stores.sessionStore, ready),
    twoFactorStore: afterReady(stores.twoFactorStore, ready),
    rateLimitStore: afterReady(stores.rateLimitStore, ready),
    revocationFeed: afterReady(stores.revocationFeed, ready),
    async close() {
      await ready.catch(() => undefined);
      if (drop) await stores.dropTables();
      await stores.destroy();
    },
  };
}
