import { InMemoryApiKeyStore, InMemoryRateLimitStore } from 'keyward';
import type { IApiKeyStore, IRateLimitStore } from 'keyward';

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
];
