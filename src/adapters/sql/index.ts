// keyward/sql: every store on PostgreSQL (pg), MySQL/MariaDB (mysql2) and SQLite
// (better-sqlite3), written once over Kysely. The application passes the pool or database;
// this module never loads a driver itself.
import type { IApiKeyStore } from '../../stores/api-key';
import type { IEventLog } from '../../stores/event-log';
import type { IPendingLinkStore } from '../../stores/linking';
import type { IPendingPlanStore } from '../../stores/pending-plan';
import type {
  ILinkedAccountsStore,
  IRolesPermissionsStore,
  ITenantStore,
  IUserMetadataStore,
} from '../../stores/profile-stores';
import type { IRateLimitStore } from '../../stores/rate-limit';
import type { IRevocationFeed } from '../../stores/revocation';
import type { ISessionStore } from '../../stores/session';
import type { ISettingsStore } from '../../stores/settings';
import type { ITwoFactorStore } from '../../stores/two-factor';
import type { BaseUser, IUserStore } from '../../stores/user';
import type { IWebhookStore } from '../../stores/webhook';
import { SqlApiKeyStore, retentionMsOf } from './api-key-store';
import { openContext, type SqlStoresOptions } from './dialect';
export type { SqlRevocationFeedOptions } from './revocation-feed-options';
import { guardStore, mapSqlError } from './errors';
import { SqlEventLog, gapHoldMsOf } from './event-log';
import { SqlUserMetadataStore, SqlSettingsStore } from './key-value-stores';
import { SqlLinkedAccountsStore, SqlPendingLinkStore } from './linking-stores';
import { dropTables, migrate } from './migrations';
import { SqlPendingPlanStore } from './pending-plan-store';
import { assertValidPrefix } from './prefix';
import { SqlRateLimitStore } from './rate-limit-store';
import { SqlRolesPermissionsStore } from './rbac-store';
import { SqlRevocationFeed } from './revocation-feed';
import { SqlSessionStore } from './session-store';
import { SqlTenantStore } from './tenant-store';
import { SqlTwoFactorStore } from './two-factor-store';
import { SqlUserStore } from './user-store';
import { SqlWebhookStore } from './webhook-store';

export type {
  MysqlStoresOptions,
  PostgresStoresOptions,
  SqliteStoresOptions,
  SqlDialectName,
  SqlStoresOptions,
} from './dialect';

/**
 * Every keyward store on one SQL database, plus schema management. `U` is the application's
 * user type: fields beyond BaseUser are kept as JSON and come back on every read.
 */
export interface SqlStores<U extends BaseUser = BaseUser> {
  /** Creates or upgrades the tables (versioned; safe to run at every start). */
  migrate(): Promise<void>;
  /** Every optional method included. */
  userStore: Required<IUserStore<U>>;
  /** Includes `deleteExpiredSessions` and `getAllSessions`. */
  sessionStore: Required<ISessionStore>;
  metadataStore: IUserMetadataStore;
  /** Tenant-aware; includes `getAllRoles` and `removeAllRolesFromUser`. */
  rbacStore: Required<IRolesPermissionsStore>;
  tenantStore: ITenantStore;
  settingsStore: ISettingsStore;
  linkedAccountsStore: ILinkedAccountsStore;
  /** Entries expire after `pendingLinkTtlSeconds` (1 h by default). */
  pendingLinkStore: IPendingLinkStore;
  /** TOTP steps, recovery codes, used one-time ids (migration 0002) and SMS codes (0003). */
  twoFactorStore: ITwoFactorStore;
  /** Fixed-window counters for the router's brute-force protection, shared by every instance (0004). */
  rateLimitStore: IRateLimitStore;
  /**
   * Shares revocations between instances (0005): give it to every AuthConfigurator as
   * `revocationFeed`; each instance then refuses a revoked session's tokens within 2 s.
   */
  revocationFeed: IRevocationFeed;
  /**
   * API keys and their usage log (0006), every optional method included. Usage entries are
   * kept `apiKeyUsageRetentionDays` (90 by default); `deleteOldUsage()` deletes older ones and
   * resolves to how many (`logUsage` also does, at most once a minute).
   */
  apiKeyStore: Required<IApiKeyStore> & { deleteOldUsage(): Promise<number> };
  /**
   * The durable event log of the event tools (0007): give it to AuthTools as `eventLog`. Ids
   * come from one auto-increment column; `readAfter` waits up to `eventLogGapHoldMs` (5 s by
   * default) at a gap an uncommitted insert may still fill.
   */
  eventLog: IEventLog;
  /**
   * Webhooks and their durable delivery queue (0007; the inbound `verify` column 0008), every
   * optional method included; claims are safe with many instances (`FOR UPDATE SKIP LOCKED`;
   * MariaDB 10.6+ or MySQL 8).
   */
  webhookStore: Required<IWebhookStore>;
  /**
   * Plans of GitHub sponsors no user matched yet (0008): give it to `GithubSponsorsPreset` as
   * `pendingStore`, so a pending plan survives restarts and every instance can apply it.
   */
  pendingPlanStore: IPendingPlanStore;
  /** Drops every table of this prefix, migration bookkeeping included (tests, uninstall). */
  dropTables(): Promise<void>;
  /** Closes the connection pool or database handle that was passed in. */
  destroy(): Promise<void>;
}

/**
 * Creates the stores over a pool/database the application opened:
 *
 * ```ts
 * const stores = createSqlStores({ dialect: 'postgres', pool: new Pool({ connectionString }) });
 * await stores.migrate();
 * const auth = new AuthConfigurator(config, stores.userStore, { sessionStore: stores.sessionStore });
 * ```
 *
 * When the database cannot be reached, every method rejects with AuthError 503
 * `STORE_UNAVAILABLE`; a duplicate email rejects with AuthError 409 `EMAIL_IN_USE`.
 */
export function createSqlStores<U extends BaseUser = BaseUser>(
  options: SqlStoresOptions,
): SqlStores<U> {
  const prefix = options.tablePrefix ?? 'keyward_';
  assertValidPrefix(prefix);
  const ctx = openContext(options, prefix);
  const usageRetentionMs = retentionMsOf(options.apiKeyUsageRetentionDays);
  const gapHoldMs = gapHoldMsOf(options.eventLogGapHoldMs);
  let destroyed: Promise<void> | undefined;

  return {
    migrate: () => migrate(ctx).catch(mapSqlError),
    userStore: guardStore(new SqlUserStore<U>(ctx)),
    sessionStore: guardStore(new SqlSessionStore(ctx)),
    metadataStore: guardStore(new SqlUserMetadataStore(ctx)),
    rbacStore: guardStore(new SqlRolesPermissionsStore(ctx)),
    tenantStore: guardStore(new SqlTenantStore(ctx)),
    settingsStore: guardStore(new SqlSettingsStore(ctx)),
    linkedAccountsStore: guardStore(new SqlLinkedAccountsStore(ctx)),
    pendingLinkStore: guardStore(new SqlPendingLinkStore(ctx)),
    twoFactorStore: guardStore(new SqlTwoFactorStore(ctx)),
    rateLimitStore: guardStore(new SqlRateLimitStore(ctx)),
    revocationFeed: guardStore(new SqlRevocationFeed(ctx, options.revocationFeed)),
    apiKeyStore: guardStore(new SqlApiKeyStore(ctx, usageRetentionMs)),
    eventLog: guardStore(new SqlEventLog(ctx, gapHoldMs)),
    webhookStore: guardStore(new SqlWebhookStore(ctx)),
    pendingPlanStore: guardStore(new SqlPendingPlanStore(ctx)),
    dropTables: () => dropTables(ctx).catch(mapSqlError),
    destroy: () => (destroyed ??= ctx.db.destroy()),
  };
}
