import Database from 'better-sqlite3';
import { Pool } from 'pg';
import mysql from 'mysql2/promise';
import { InMemoryApiKeyStore, InMemoryRateLimitStore } from 'keyward';
import type { IApiKeyStore, IRateLimitStore } from 'keyward';
import { createRedisStores } from 'keyward/redis';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { RedisFixture } from '../redis/redis-support';
import { uniquePrefix } from './services';

/** An API key store with every optional method, and the limiter counters beside it. */
export interface ApiKeyBackend {
  store: Required<IApiKeyStore>;
  /** Counters in the same backend (SQL table, Redis keys), for the guessing limits. */
  rateLimitStore: IRateLimitStore;
  close(): Promise<void>;
}

/** One backend the API key suites run on; `open` is called once per describe block. */
export interface ApiKeyBackendCase {
  name: string;
  /** The variable the backend needs (e.g. KEYWARD_PG_URL); the case is skipped loudly without it. */
  needs?: 'postgres' | 'mysql' | 'redis';
  open(url: string | undefined): Promise<ApiKeyBackend>;
}

/** Migrated SQL stores as a backend; `close` drops their tables (unless private) and the pool. */
async function sqlBackend(stores: SqlStores, dropOnClose: boolean): Promise<ApiKeyBackend> {
  await stores.migrate();
  return {
    store: stores.apiKeyStore,
    rateLimitStore: stores.rateLimitStore,
    async close() {
      try {
        if (dropOnClose) await stores.dropTables();
      } finally {
        await stores.destroy();
      }
    },
  };
}

/** Every backend with a built-in API key store. */
export const API_KEY_BACKENDS: ApiKeyBackendCase[] = [
  {
    name: 'memory',
    async open() {
      return {
        store: new InMemoryApiKeyStore(),
        rateLimitStore: new InMemoryRateLimitStore(),
        close: async () => undefined,
      };
    },
  },
  {
    name: 'sqlite',
    // A private in-memory database: it goes with its handle, nothing to drop.
    open: () =>
      sqlBackend(createSqlStores({ dialect: 'sqlite', database: new Database(':memory:') }), false),
  },
  {
    name: 'postgres',
    needs: 'postgres',
    open: (url) =>
      sqlBackend(
        createSqlStores({
          dialect: 'postgres',
          pool: new Pool({ connectionString: url, max: 5 }),
          tablePrefix: uniquePrefix('kwak'),
        }),
        true,
      ),
  },
  {
    name: 'mysql',
    needs: 'mysql',
    open: (url) =>
      sqlBackend(
        createSqlStores({
          dialect: 'mysql',
          pool: mysql.createPool({ uri: url!, connectionLimit: 5 }),
          tablePrefix: uniquePrefix('kwak'),
        }),
        true,
      ),
  },
  {
    name: 'redis',
    needs: 'redis',
    async open(url) {
      // The fixture hands out a unique key prefix and deletes every key under it on close.
      const fixture = new RedisFixture(url!);
      const stores = createRedisStores({ client: fixture.client(), keyPrefix: fixture.prefix() });
      return {
        store: stores.apiKeyStore,
        rateLimitStore: stores.rateLimitStore,
        close: () => fixture.closeAll(),
      };
    },
  },
];
