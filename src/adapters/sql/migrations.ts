import { Migrator, sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { SqlContext } from './dialect';
import { eventToolsMigration } from './event-tools-migration';
import { inboundWebhooksMigration } from './inbound-webhooks-migration';
import {
  columnTypes,
  mysqlCollation,
  required,
  seqColumn,
  tableBuilder,
} from './migration-support';
import { TABLES } from './schema';

/**
 * Versioned migrations. Names sort in order; a released migration is never edited, changes
 * come as new entries. Tables are named logically; the prefix plugin prefixes them, and index
 * and constraint names carry the prefix explicitly.
 */
export function migrationsFor(ctx: SqlContext): Record<string, Migration> {
  const { dialect, prefix: p } = ctx;
  const t = columnTypes(dialect);
  const seq = seqColumn(dialect);

  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        const tableOptions =
          dialect === 'mysql'
            ? sql`engine=InnoDB default charset=utf8mb4 collate=${sql.raw(await mysqlCollation(db))}`
            : undefined;
        const table = (name: string): CreateTableBuilder<string, never> => {
          const builder = db.schema.createTable(name);
          return tableOptions ? builder.modifyEnd(tableOptions) : builder;
        };
        const index = (name: string, on: string, columns: string[]) =>
          db.schema
            .createIndex(p + name)
            .on(on)
            .columns(columns)
            .execute();

        await table('users')
          .addColumn('seq', t.seq, seq)
          .addColumn('id', t.key, required)
          .addColumn('email', t.email, required)
          .addColumn('email_lower', t.email, required)
          .addColumn('password', t.text)
          .addColumn('role', t.text)
          .addColumn('first_name', t.text)
          .addColumn('last_name', t.text)
          .addColumn('first_name_lower', t.text)
          .addColumn('last_name_lower', t.text)
          .addColumn('login_provider', t.key)
          .addColumn('refresh_token', t.text)
          .addColumn('refresh_token_expiry', t.millis)
          .addColumn('reset_token', t.key)
          .addColumn('reset_token_expiry', t.millis)
          .addColumn('totp_secret', t.text)
          .addColumn('is_totp_enabled', t.flag, (c) => c.notNull().defaultTo(0))
          .addColumn('is_email_verified', t.flag, (c) => c.notNull().defaultTo(0))
          .addColumn('magic_link_token', t.key)
          .addColumn('magic_link_token_expiry', t.millis)
          .addColumn('sms_code', t.text)
          .addColumn('sms_code_expiry', t.millis)
          .addColumn('phone_number', t.text)
          .addColumn('require_2fa', t.flag, (c) => c.notNull().defaultTo(0))
          .addColumn('email_verification_token', t.key)
          .addColumn('email_verification_token_expiry', t.millis)
          .addColumn('email_verification_deadline', t.millis)
          .addColumn('pending_email', t.text)
          .addColumn('email_change_token', t.key)
          .addColumn('email_change_token_expiry', t.millis)
          .addColumn('account_link_token', t.key)
          .addColumn('account_link_token_expiry', t.millis)
          .addColumn('account_link_pending_email', t.text)
          .addColumn('account_link_pending_provider', t.text)
          .addColumn('provider_account_id', t.key)
          .addColumn('created_at', t.millis, required)
          .addColumn('extra', t.text)
          .addUniqueConstraint(`${p}users_id`, ['id'])
          .addUniqueConstraint(`${p}users_email`, ['email_lower'])
          .execute();
        await index('users_reset', 'users', ['reset_token']);
        await index('users_verify', 'users', ['email_verification_token']);
        await index('users_change', 'users', ['email_change_token']);
        await index('users_magic', 'users', ['magic_link_token']);
        await index('users_link', 'users', ['account_link_token']);
        await index('users_provider', 'users', ['login_provider', 'provider_account_id']);

        await table('sessions')
          .addColumn('seq', t.seq, seq)
          .addColumn('session_handle', t.key, required)
          .addColumn('user_id', t.key, required)
          .addColumn('tenant_id', t.key)
          .addColumn('created_at', t.millis, required)
          .addColumn('expires_at', t.millis, required)
          .addColumn('last_active_at', t.millis)
          .addColumn('user_agent', t.text)
          .addColumn('ip_address', t.text)
          .addColumn('data', t.text)
          .addColumn('refresh_token_hash', t.text)
          .addColumn('previous_refresh_token_hash', t.text)
          .addColumn('rotated_at', t.millis)
          .addUniqueConstraint(`${p}sessions_handle`, ['session_handle'])
          .execute();
        await index('sessions_user', 'sessions', ['user_id', 'tenant_id']);
        await index('sessions_expiry', 'sessions', ['expires_at']);

        await table('user_metadata')
          .addColumn('user_id', t.key, required)
          .addColumn('meta_key', t.key, required)
          .addColumn('value', t.text, required)
          .addPrimaryKeyConstraint(`${p}user_metadata_pk`, ['user_id', 'meta_key'])
          .execute();

        await table('roles')
          .addColumn('seq', t.seq, seq)
          .addColumn('name', t.key, required)
          .addUniqueConstraint(`${p}roles_name`, ['name'])
          .execute();
        await table('role_permissions')
          .addColumn('seq', t.seq, seq)
          .addColumn('role', t.key, required)
          .addColumn('permission', t.key, required)
          .addUniqueConstraint(`${p}role_permissions_pair`, ['role', 'permission'])
          .execute();
        await table('user_roles')
          .addColumn('seq', t.seq, seq)
          .addColumn('user_id', t.key, required)
          .addColumn('role', t.key, required)
          .addColumn('tenant_id', t.key, required)
          .addUniqueConstraint(`${p}user_roles_triple`, ['user_id', 'tenant_id', 'role'])
          .execute();
        await index('user_roles_role', 'user_roles', ['role']);

        await table('tenants')
          .addColumn('seq', t.seq, seq)
          .addColumn('id', t.key, required)
          .addColumn('name', t.text, required)
          .addColumn('is_active', t.flag, (c) => c.notNull().defaultTo(1))
          .addColumn('config', t.text)
          .addColumn('created_at', t.millis, required)
          .addUniqueConstraint(`${p}tenants_id`, ['id'])
          .execute();
        await table('tenant_members')
          .addColumn('seq', t.seq, seq)
          .addColumn('tenant_id', t.key, required)
          .addColumn('user_id', t.key, required)
          .addUniqueConstraint(`${p}tenant_members_pair`, ['tenant_id', 'user_id'])
          .execute();
        await index('tenant_members_user', 'tenant_members', ['user_id']);

        await table('settings')
          .addColumn('setting_key', t.key, (c) => c.primaryKey())
          .addColumn('value', t.text, required)
          .execute();

        await table('linked_accounts')
          .addColumn('seq', t.seq, seq)
          .addColumn('user_id', t.key, required)
          .addColumn('provider', t.key, required)
          .addColumn('provider_account_id', t.key, required)
          .addColumn('email', t.text)
          .addColumn('linked_at', t.millis, required)
          .addUniqueConstraint(`${p}linked_accounts_account`, ['provider', 'provider_account_id'])
          .execute();
        await index('linked_accounts_user', 'linked_accounts', ['user_id']);

        await table('pending_links')
          .addColumn('email_lower', t.email, required)
          .addColumn('provider', t.key, required)
          .addColumn('provider_account_id', t.text, required)
          .addColumn('expires_at', t.millis, required)
          .addPrimaryKeyConstraint(`${p}pending_links_pk`, ['email_lower', 'provider'])
          .execute();
        await index('pending_links_expiry', 'pending_links', ['expires_at']);
      },
    },

    // Second-factor state (ITwoFactorStore): no foreign keys, like 0001; deleteUser removes a
    // user's rows from the two per-user tables in its transaction.
    '0002_two_factor': {
      async up(db: Kysely<unknown>) {
        const table = await tableBuilder(db, dialect);

        await table('totp_steps')
          .addColumn('user_id', t.key, (c) => c.primaryKey())
          .addColumn('last_step', sql`bigint`, required)
          .execute();

        await table('recovery_codes')
          .addColumn('user_id', t.key, required)
          .addColumn('code_hash', t.key, required)
          .addPrimaryKeyConstraint(`${p}recovery_codes_pk`, ['user_id', 'code_hash'])
          .execute();

        await table('used_ids')
          .addColumn('id', t.key, (c) => c.primaryKey())
          .addColumn('expires_at', t.millis, required)
          .execute();
        await db.schema
          .createIndex(`${p}used_ids_expiry`)
          .on('used_ids')
          .columns(['expires_at'])
          .execute();
      },
    },

    // The pending SMS code per user (ITwoFactorStore.saveSmsCode): its keyed hash (NULL once
    // spent), expiry, attempts so far and the earliest time another code may replace it.
    '0003_sms_codes': {
      async up(db: Kysely<unknown>) {
        const table = await tableBuilder(db, dialect);
        await table('sms_codes')
          .addColumn('user_id', t.key, (c) => c.primaryKey())
          .addColumn('code_hash', t.key)
          .addColumn('expires_at', t.millis, required)
          .addColumn('attempts', sql`integer`, (c) => c.notNull().defaultTo(0))
          .addColumn('resend_at', t.millis, required)
          .execute();
      },
    },

    // Fixed-window rate-limit counters (IRateLimitStore). The key is stored as its SHA-256: the
    // limiter's keys carry email addresses and may pass MySQL's 255-character key column.
    '0004_rate_limits': {
      async up(db: Kysely<unknown>) {
        const table = await tableBuilder(db, dialect);
        await table('rate_limits')
          .addColumn('key_hash', t.key, (c) => c.primaryKey())
          .addColumn('hits', sql`integer`, required)
          .addColumn('reset_at', t.millis, required)
          .execute();
        await db.schema
          .createIndex(`${p}rate_limits_reset`)
          .on('rate_limits')
          .columns(['reset_at'])
          .execute();
      },
    },

    // The revocation feed (IRevocationFeed): instances poll it by `id` and load it by `at` at
    // start-up. Rows older than the feed's retention are deleted as new ones arrive.
    '0005_revocations': {
      async up(db: Kysely<unknown>) {
        const table = await tableBuilder(db, dialect);
        await table('revocations')
          .addColumn('id', t.seq, seq)
          .addColumn('kind', t.key, required)
          .addColumn('session_id', t.key)
          .addColumn('user_id', t.key)
          .addColumn('at', t.millis, required)
          .execute();
        await db.schema
          .createIndex(`${p}revocations_at`)
          .on('revocations')
          .columns(['at'])
          .execute();
      },
    },

    // API keys (IApiKeyStore) and their usage log. The prefix is the look-up index and must be
    // unique; a user's keys are listed newest first. Usage rows are read per key, newest first,
    // and deleted by age (the store's retention), hence the two indexes on `at`.
    '0006_api_keys': {
      async up(db: Kysely<unknown>) {
        const table = await tableBuilder(db, dialect);
        const index = (name: string, on: string, columns: string[]) =>
          db.schema
            .createIndex(p + name)
            .on(on)
            .columns(columns)
            .execute();
        await table('api_keys')
          .addColumn('id', t.key, (c) => c.primaryKey())
          .addColumn('name', t.text, required)
          .addColumn('name_lower', t.text, required)
          .addColumn('key_prefix', t.key, required)
          .addColumn('key_prefix_lower', t.text, required)
          .addColumn('key_hash', t.key, required)
          .addColumn('service_id', t.text)
          .addColumn('service_id_lower', t.text)
          .addColumn('scopes', t.text, required)
          .addColumn('allowed_ips', t.text)
          .addColumn('is_active', t.flag, (c) => c.notNull().defaultTo(1))
          .addColumn('expires_at', t.millis)
          .addColumn('last_used_at', t.millis)
          .addColumn('created_at', t.millis, required)
          .addColumn('user_id', t.key)
          .addUniqueConstraint(`${p}api_keys_prefix`, ['key_prefix'])
          .execute();
        await index('api_keys_user', 'api_keys', ['user_id', 'created_at']);
        await index('api_keys_created', 'api_keys', ['created_at']);

        await table('api_key_usage')
          .addColumn('id', t.seq, seq)
          .addColumn('key_id', t.key)
          .addColumn('key_prefix', t.text, required)
          .addColumn('ip', t.text, required)
          .addColumn('path', t.text, required)
          .addColumn('method', t.text, required)
          .addColumn('success', t.flag, required)
          .addColumn('reason', t.text)
          .addColumn('at', t.millis, required)
          .execute();
        await index('api_key_usage_key_at', 'api_key_usage', ['key_id', 'at']);
        await index('api_key_usage_at', 'api_key_usage', ['at']);
      },
    },

    '0007_event_tools': eventToolsMigration(ctx),
    '0008_inbound_webhooks': inboundWebhooksMigration(ctx),
  };
}

const migrationTable = (ctx: SqlContext) => `${ctx.prefix}migrations`;
const migrationLockTable = (ctx: SqlContext) => `${ctx.prefix}migrations_lock`;

/** Applies every pending migration; a no-op when the schema is current. */
export async function migrate(ctx: SqlContext): Promise<void> {
  const migrator = new Migrator({
    db: ctx.db,
    provider: { getMigrations: async () => migrationsFor(ctx) },
    migrationTableName: migrationTable(ctx),
    migrationLockTableName: migrationLockTable(ctx),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw error instanceof Error ? error : new Error('Migration failed', { cause: error });
  }
}

/** Drops every table of this prefix, the migration bookkeeping included. */
export async function dropTables(ctx: SqlContext): Promise<void> {
  for (const name of [...TABLES, migrationTable(ctx), migrationLockTable(ctx)]) {
    await ctx.db.schema.dropTable(name).ifExists().execute();
  }
}
