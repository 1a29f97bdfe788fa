import type { ColumnType, Generated } from 'kysely';

/**
 * Instants are epoch milliseconds in a BIGINT on every dialect. Drivers disagree on what a
 * BIGINT reads back as (pg: string, mysql2: number or string, better-sqlite3: number or bigint),
 * so reads are typed loosely and converted in one place (codec.ts).
 */
export type Millis = ColumnType<string | number | bigint, number, number>;
/** Booleans are small integers, 0 or 1: no dialect-specific boolean type to reconcile. */
export type Flag = ColumnType<number | string, number, number>;
/** Insertion order: listings come back in the order records were written, like the reference. */
export type Seq = Generated<string | number | bigint>;

export interface UsersTable {
  seq: Seq;
  id: string;
  email: string;
  /** `email.toLowerCase()`, computed in JavaScript (SQL lower() differs by dialect); unique. */
  email_lower: string;
  password: string | null;
  role: string | null;
  first_name: string | null;
  last_name: string | null;
  /** Lower-cased copies for the case-insensitive admin filter. */
  first_name_lower: string | null;
  last_name_lower: string | null;
  login_provider: string | null;
  refresh_token: string | null;
  refresh_token_expiry: Millis | null;
  reset_token: string | null;
  reset_token_expiry: Millis | null;
  totp_secret: string | null;
  is_totp_enabled: Flag;
  is_email_verified: Flag;
  magic_link_token: string | null;
  magic_link_token_expiry: Millis | null;
  sms_code: string | null;
  sms_code_expiry: Millis | null;
  phone_number: string | null;
  require_2fa: Flag;
  email_verification_token: string | null;
  email_verification_token_expiry: Millis | null;
  email_verification_deadline: Millis | null;
  pending_email: string | null;
  email_change_token: string | null;
  email_change_token_expiry: Millis | null;
  account_link_token: string | null;
  account_link_token_expiry: Millis | null;
  account_link_pending_email: string | null;
  account_link_pending_provider: string | null;
  provider_account_id: string | null;
  created_at: Millis;
  /** Fields of an extended user type that keyward does not know, as JSON. */
  extra: string | null;
}

export interface SessionsTable {
  seq: Seq;
  session_handle: string;
  user_id: string;
  tenant_id: string | null;
  created_at: Millis;
  expires_at: Millis;
  last_active_at: Millis | null;
  user_agent: string | null;
  ip_address: string | null;
  /** JSON */
  data: string | null;
  refresh_token_hash: string | null;
  previous_refresh_token_hash: string | null;
  rotated_at: Millis | null;
}

/** One row per metadata key, so a shallow merge is a set of upserts with no read-modify-write. */
export interface UserMetadataTable {
  user_id: string;
  meta_key: string;
  /** JSON */
  value: string;
}

export interface RolesTable {
  seq: Seq;
  name: string;
}

export interface RolePermissionsTable {
  seq: Seq;
  role: string;
  permission: string;
}

export interface UserRolesTable {
  seq: Seq;
  user_id: string;
  role: string;
  /** '' when the role is not scoped to a tenant (NULL would defeat the unique index). */
  tenant_id: string;
}

export interface TenantsTable {
  seq: Seq;
  id: string;
  name: string;
  is_active: Flag;
  /** JSON */
  config: string | null;
  created_at: Millis;
}

export interface TenantMembersTable {
  seq: Seq;
  tenant_id: string;
  user_id: string;
}

/** One row per setting, so `updateSettings` merges with upserts. */
export interface SettingsTable {
  setting_key: string;
  /** JSON */
  value: string;
}

export interface LinkedAccountsTable {
  seq: Seq;
  user_id: string;
  provider: string;
  provider_account_id: string;
  email: string | null;
  linked_at: Millis;
}

export interface PendingLinksTable {
  /** `email.toLowerCase()`: pending links are keyed case-insensitively. */
  email_lower: string;
  provider: string;
  provider_account_id: string;
  expires_at: Millis;
}

/** The last TOTP time step accepted per user: a code works once (migration 0002). */
export interface TotpStepsTable {
  user_id: string;
  last_step: ColumnType<string | number | bigint, number, number>;
}

/** One row per unused recovery code (its SHA-256 hash); using a code deletes its row. */
export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
}

/** One-time ids already used (a temporary token's `jti`), kept until they expire. */
export interface UsedIdsTable {
  id: string;
  expires_at: Millis;
}

/** The pending SMS code per user (migration 0003); `code_hash` is NULL once it was used. */
export interface SmsCodesTable {
  user_id: string;
  code_hash: string | null;
  expires_at: Millis;
  attempts: ColumnType<string | number | bigint, number | undefined, number>;
  resend_at: Millis;
}

/** One fixed window per rate-limit key (migration 0004); the key is kept as its SHA-256. */
export interface RateLimitsTable {
  key_hash: string;
  hits: ColumnType<string | number | bigint, number, number>;
  reset_at: Millis;
}

/**
 * The revocation feed (migration 0005): one row per revoked session or per user whose sessions
 * all ended; `id` orders them for the pollers' cursor, `at` (epoch ms) bounds the start-up load.
 */
export interface RevocationsTable {
  id: Seq;
  /** 'session' or 'user'. */
  kind: string;
  session_id: string | null;
  user_id: string | null;
  at: Millis;
}

/**
 * API keys (migration 0006). The raw key is never stored: `key_hash` is its SHA-256 or HMAC,
 * `key_prefix` (unique) the look-up index. The `*_lower` columns are lower-cased copies for the
 * listing's case-insensitive filter, computed in JavaScript like the users table's.
 */
export interface ApiKeysTable {
  id: string;
  name: string;
  name_lower: string;
  key_prefix: string;
  key_prefix_lower: string;
  key_hash: string;
  service_id: string | null;
  service_id_lower: string | null;
  /** JSON array of strings. */
  scopes: string;
  /** JSON array of strings; NULL when the key was saved without an allowlist. */
  allowed_ips: string | null;
  is_active: Flag;
  expires_at: Millis | null;
  last_used_at: Millis | null;
  created_at: Millis;
  user_id: string | null;
}

/**
 * The usage log (migration 0006): one row per attempt. `key_id` is NULL for a prefix that
 * named no key; `id` orders entries written in the same millisecond.
 */
export interface ApiKeyUsageTable {
  id: Seq;
  key_id: string | null;
  key_prefix: string;
  ip: string;
  path: string;
  method: string;
  success: Flag;
  reason: string | null;
  at: Millis;
}

/**
 * The event log (migration 0007): one row per event. `id` is the log's id and its order; `ts`
 * is the event's own timestamp (epoch ms), `inserted_at` the database's clock when the row was
 * written (for the gap rule, event-log.ts). `pruned` is 1 for a row pruned so recently that
 * deleting it would look like a transaction still in flight; reads skip such rows.
 */
export interface EventLogTable {
  id: Seq;
  event: string;
  ts: Millis;
  user_id: string | null;
  tenant_id: string | null;
  session_id: string | null;
  ip: string | null;
  topic: string | null;
  /** JSON */
  data: string | null;
  inserted_at: Millis;
  pruned: Flag;
}

/** A named reader's position in the event log (the webhook dispatcher's). */
export interface EventCursorsTable {
  name: string;
  event_id: string;
}

/** Outgoing (and inbound) webhook registrations (migration 0007). */
export interface WebhooksTable {
  id: string;
  url: string;
  /** JSON array of patterns. */
  events: string;
  secret: string | null;
  max_retries: ColumnType<string | number | bigint, number, number> | null;
  retry_delay_ms: Millis | null;
  /** NULL for a global webhook (every tenant's events). */
  tenant_id: string | null;
  is_active: Flag;
  created_at: Millis;
  provider: string | null;
  /** JSON array of strings. */
  allowed_actions: string | null;
  js_script: string | null;
  /** JSON: a verification kind (`"github"`) or a generic HMAC object (migration 0008). */
  verify: string | null;
}

/** The delivery queue (migration 0007): one row per (event, webhook). */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  event: string;
  payload: string;
  /** 'pending', 'delivered' or 'dead'. */
  status: string;
  attempts: ColumnType<string | number | bigint, number, number>;
  next_attempt_at: Millis;
  last_status: ColumnType<string | number | bigint, number, number> | null;
  last_error: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/**
 * Plans of GitHub sponsors no user matched yet (migration 0008), one per GitHub account.
 * `email` is lower-cased in JavaScript, like `users.email_lower`, and indexed.
 */
export interface PendingPlansTable {
  github_id: string;
  github_login: string | null;
  email: string | null;
  tier: string | null;
  created_at: Millis;
}

/**
 * The tables under their logical names; the prefix plugin (prefix.ts) adds `tablePrefix` when a
 * query is compiled, so the typed queries never spell the prefix.
 */
export interface SqlDatabase {
  users: UsersTable;
  sessions: SessionsTable;
  user_metadata: UserMetadataTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  user_roles: UserRolesTable;
  tenants: TenantsTable;
  tenant_members: TenantMembersTable;
  settings: SettingsTable;
  linked_accounts: LinkedAccountsTable;
  pending_links: PendingLinksTable;
  totp_steps: TotpStepsTable;
  recovery_codes: RecoveryCodesTable;
  used_ids: UsedIdsTable;
  sms_codes: SmsCodesTable;
  rate_limits: RateLimitsTable;
  revocations: RevocationsTable;
  api_keys: ApiKeysTable;
  api_key_usage: ApiKeyUsageTable;
  event_log: EventLogTable;
  event_cursors: EventCursorsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  pending_plans: PendingPlansTable;
}

export type TableName = keyof SqlDatabase;

/** Every table, children before parents (the order dropTables uses). */
export const TABLES: readonly TableName[] = [
  'pending_plans',
  'webhook_deliveries',
  'webhooks',
  'event_cursors',
  'event_log',
  'api_key_usage',
  'api_keys',
  'revocations',
  'rate_limits',
  'sms_codes',
  'used_ids',
  'recovery_codes',
  'totp_steps',
  'pending_links',
  'linked_accounts',
  'settings',
  'tenant_members',
  'tenants',
  'user_roles',
  'role_permissions',
  'roles',
  'user_metadata',
  'sessions',
  'users',
];
