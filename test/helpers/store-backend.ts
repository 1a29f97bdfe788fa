import Database from 'better-sqlite3';
import { Pool } from 'pg';
import type { ITwoFactorStore, IUserStore } from 'keyward';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { uniquePrefix } from './services';

/** A user store with every optional method, as the endpoint suite uses it. */
export type FullUserStore = Required<IUserStore>;

/**
 * Which stores the endpoint suite runs on: 'memory' (default), 'sqlite' or 'postgres'. The
 * jest projects in jest.config.cjs set it, so one `npm test` runs the suite on each.
 */
export const TEST_STORE = process.env.KEYWARD_TEST_STORE ?? 'memory';

/** An SQL user store for one test app, and how to remove its tables afterwards. */
export interface BackendStores {
  userStore: FullUserStore;
  /** TOTP steps, recovery codes, SMS codes and spent temporary tokens in the same database. */
  twoFactorStore: ITwoFactorStore;
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

/** Opens SQL stores for the configured backend; undefined for the in-memory run. */
export function openBackendStores(): BackendStores | undefined {
  let stores: SqlStores;
  let drop = false;
  if (TEST_STORE === 'sqlite') {
    stores = createSqlStores({ dialect: 'sqlite', database: new Database(':memory:') });
  } else if (TEST_STORE === 'postgres') {
    const url = process.env.KEYWARD_PG_URL;
    if (!url) throw new Error('KEYWARD_TEST_STORE=postgres needs KEYWARD_PG_URL');
    const pool = new Pool({ connectionString: url, max: 4 });
    stores = createSqlStores({ dialect: 'postgres', pool, tablePrefix: uniquePrefix('kwe') });
    drop = true;
  } else {
    return undefined;
  }
  const ready = stores.migrate();
  return {
    userStore: afterReady(stores.userStore as FullUserStore, ready),
    twoFactorStore: afterReady(stores.twoFactorStore, ready),
    async close() {
      await ready.catch(() => undefined);
      if (drop) await stores.dropTables();
      await stores.destroy();
    },
  };
}
