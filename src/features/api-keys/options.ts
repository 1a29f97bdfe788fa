import type { AuthLogger } from '../../core/config/types';
import type { AuthEventBus } from '../../core/events';
import type { ApiKeyRateLimitOptions } from './guessing-limit';
import type { ApiKeyHashOptions } from './key-hasher';

/** Options of `createApiKeyMiddleware(store, options)`; none is needed. */
export interface ApiKeyMiddlewareOptions extends ApiKeyHashOptions {
  /** Scopes the key must all hold, else 403 API_KEY_INSUFFICIENT_SCOPE. */
  requiredScopes?: string[];
  /**
   * Record every attempt, success and failure, with `store.logUsage()` once the answer has
   * been sent (a failing write is logged, never answered). Default false.
   */
  auditLog?: boolean;
  /** Check the key's `allowedIps` against `req.ip`. Default true. */
  enforceIpAllowlist?: boolean;
  /** Limits on failed attempts (per address and per key prefix); `false` turns them off. */
  rateLimit?: ApiKeyRateLimitOptions | false;
  /** Publishes `identity.apikey.abuse` here when a failure limit is crossed. */
  eventBus?: AuthEventBus;
  /** How often at most `lastUsedAt` is written per key, in milliseconds. Default 60 000. */
  lastUsedIntervalMs?: number;
  /** Receives failed audit and last-use writes. Default: console. */
  logger?: AuthLogger;
}
