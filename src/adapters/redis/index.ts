// keyward/redis: Redis stores over a Redis client the application creates (ioredis).
import type { IApiKeyStore } from '../../stores/api-key';
import type { IEventBroadcast } from '../../stores/event-broadcast';
import type { IEventLog } from '../../stores/event-log';
import type { IPendingLinkStore } from '../../stores/linking';
import type { IPendingPlanStore } from '../../stores/pending-plan';
import type { IRateLimitStore } from '../../stores/rate-limit';
import type { IRevocationFeed } from '../../stores/revocation';
import type { ISessionStore } from '../../stores/session';
import type { ITwoFactorStore } from '../../stores/two-factor';
import type { IWebhookStore } from '../../stores/webhook';
import { RedisApiKeyStore } from './api-key-store';
import type { RedisLike } from './client';
import { RedisEventBroadcast, type RedisEventBroadcastOptions } from './event-broadcast';
import { RedisEventLog, type RedisEventLogOptions } from './event-log';
import { RedisPendingLinkStore } from './pending-link-store';
import { RedisPendingPlanStore } from './pending-plan-store';
import { RedisRateLimitStore } from './rate-limit-store';
import { RedisRevocationFeed, type RedisRevocationFeedOptions } from './revocation-feed';
import { RedisSessionStore } from './session-store';
import { RedisTwoFactorStore } from './two-factor-store';
import { RedisWebhookStore } from './webhook-store';

export type { RedisLike, RedisKeyOptions, RedisSubscriberLike } from './client';
export type { RedisPendingLinkStoreOptions } from './pending-link-store';
export type { RedisRevocationFeedOptions } from './revocation-feed';
export type { RedisEventLogOptions } from './event-log';
export type { RedisEventBroadcastOptions } from './event-broadcast';
export {
  RedisSessionStore,
  RedisPendingLinkStore,
  RedisPendingPlanStore,
  RedisRateLimitStore,
  RedisTwoFactorStore,
  RedisRevocationFeed,
  RedisApiKeyStore,
  RedisEventLog,
  RedisWebhookStore,
  RedisEventBroadcast,
};

export interface RedisStoresOptions {
  /**
   * The connection, e.g. an ioredis `Redis`. keyward never creates or closes it. So that an
   * outage fails requests quickly (503 STORE_UNAVAILABLE) instead of holding them while the
   * client reconnects, create it with fail-fast options, for example:
   *
   * ```ts
   * new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2000, connectTimeout: 2000 })
   * ```
   *
   * (`enableOfflineQueue: false` fails even faster, but also refuses commands sent before the
   * first connection is ready.) Do not set ioredis's own `keyPrefix`: use `keyPrefix` here.
   * Run Redis with `maxmemory-policy noeviction`: evicted sessions are lost sign-ins, and an
   * evicted per-user index hides sessions from revoke-all.
   */
  client: RedisLike;
  /** Prepended to every key (default `'keyward:'`). */
  keyPrefix?: string;
  /** How long a pending OAuth link waits (default 3600 s). */
  pendingLinkTtlSeconds?: number;
  /** Retention and error hook of `revocationFeed`. */
  revocationFeed?: Omit<RedisRevocationFeedOptions, 'keyPrefix'>;
  /** The cap (`maxLen`) of `eventLog`. */
  eventLog?: Omit<RedisEventLogOptions, 'keyPrefix'>;
  /** The error hook of `eventBroadcast`'s subscriber connection. */
  eventBroadcast?: Omit<RedisEventBroadcastOptions, 'keyPrefix'>;
}

export interface RedisStores {
  sessionStore: ISessionStore;
  pendingLinkStore: IPendingLinkStore;
  rateLimitStore: IRateLimitStore;
  /** TOTP steps, recovery codes and used one-time ids, shared by every instance. */
  twoFactorStore: ITwoFactorStore;
  /**
   * Shares revocations between instances (PUBLISH plus a sorted set): give it to every
   * AuthConfigurator as `revocationFeed`. Subscribing opens one more connection
   * (`client.duplicate()`), closed by `auth.close()`.
   */
  revocationFeed: IRevocationFeed;
  /**
   * API keys, every optional method included. A key's usage log keeps its newest 1,000
   * entries; entries of unknown prefixes share one list of 1,000.
   */
  apiKeyStore: Required<IApiKeyStore>;
  /**
   * The event tools' durable log, a Redis Stream shared by every instance: give it to the tools
   * as `eventLog`. Ids are stream ids (`<ms>-<seq>`).
   */
  eventLog: IEventLog;
  /** Webhooks and their delivery queue (claims are leased atomically), every optional method included. */
  webhookStore: Required<IWebhookStore>;
  /**
   * Carries logged events to every instance's streams (pub/sub): give it to the tools as
   * `broadcast`. Subscribing opens one more connection (`client.duplicate()`), closed when the
   * last listener unsubscribes or by `close()`.
   */
  eventBroadcast: Required<IEventBroadcast>;
  /**
   * Plans of GitHub sponsors no user matched yet (a hash per plan and an index by email): give
   * it to `GithubSponsorsPreset` as `pendingStore`, so every instance sees them.
   */
  pendingPlanStore: IPendingPlanStore;
}

/**
 * The Redis-backed stores, sharing one client and key prefix. Sessions expire by TTL, so the
 * session store has no `deleteExpiredSessions` (and POST /sessions/cleanup is not mounted).
 * Written for a single Redis server (with replicas or Sentinel); not for Redis Cluster, whose
 * slots a script may not span.
 */
export function createRedisStores(options: RedisStoresOptions): RedisStores {
  const { client, keyPrefix, pendingLinkTtlSeconds } = options;
  const feedOptions = { ...options.revocationFeed, keyPrefix };
  return {
    sessionStore: new RedisSessionStore(client, { keyPrefix }),
    pendingLinkStore: new RedisPendingLinkStore(client, {
      keyPrefix,
      ttlSeconds: pendingLinkTtlSeconds,
    }),
    rateLimitStore: new RedisRateLimitStore(client, { keyPrefix }),
    twoFactorStore: new RedisTwoFactorStore(client, { keyPrefix }),
    revocationFeed: new RedisRevocationFeed(client, feedOptions),
    apiKeyStore: new RedisApiKeyStore(client, { keyPrefix }),
    eventLog: new RedisEventLog(client, { ...options.eventLog, keyPrefix }),
    webhookStore: new RedisWebhookStore(client, { keyPrefix }),
    eventBroadcast: new RedisEventBroadcast(client, { ...options.eventBroadcast, keyPrefix }),
    pendingPlanStore: new RedisPendingPlanStore(client, { keyPrefix }),
  };
}
