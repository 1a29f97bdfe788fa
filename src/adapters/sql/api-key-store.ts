import type { Insertable, Selectable } from 'kysely';
import type {
  ApiKey,
  ApiKeyAuditEntry,
  IApiKeyStore,
  ListApiKeysOptions,
  ListApiKeyUsageOptions,
} from '../../stores/api-key';
import { fromFlag, fromJson, requireMillis, toCount, toFlag, toJson, toMillis } from './codec';
import { containsText, paging, type SqlContext } from './dialect';
import { classifySqlError } from './errors';
import type { ApiKeysTable, ApiKeyUsageTable } from './schema';

const DAY_MS = 86_400_000;
/** `logUsage` deletes entries past the retention at most this often (per store instance). */
const PRUNE_EVERY_MS = 60_000;
/** The default retention of usage entries, in days. */
export const DEFAULT_USAGE_RETENTION_DAYS = 90;

function toRow(key: ApiKey): Insertable<ApiKeysTable> {
  return {
    id: key.id,
    name: key.name,
    name_lower: key.name.toLowerCase(),
    key_prefix: key.keyPrefix,
    key_prefix_lower: key.keyPrefix.toLowerCase(),
    key_hash: key.keyHash,
    service_id: key.serviceId ?? null,
    service_id_lower: key.serviceId?.toLowerCase() ?? null,
    scopes: toJson(key.scopes),
    allowed_ips: key.allowedIps === undefined ? null : toJson(key.allowedIps),
    is_active: toFlag(key.isActive),
    expires_at: toMillis(key.expiresAt),
    last_used_at: toMillis(key.lastUsedAt),
    created_at: toMillis(key.createdAt) ?? Date.now(),
    user_id: key.userId ?? null,
  };
}

/** A row as a key: optional fields that are NULL are left out, as the type asks. */
function toKey(row: Selectable<ApiKeysTable>): ApiKey {
  const key: ApiKey = {
    id: row.id,
    name: row.name,
    keyPrefix: row.key_prefix,
    keyHash: row.key_hash,
    scopes: fromJson<string[]>(row.scopes) ?? [],
    isActive: fromFlag(row.is_active),
    createdAt: requireMillis(row.created_at),
  };
  if (row.service_id !== null) key.serviceId = row.service_id;
  const allowedIps = fromJson<string[]>(row.allowed_ips);
  if (allowedIps !== undefined) key.allowedIps = allowedIps;
  if (row.expires_at !== null) key.expiresAt = requireMillis(row.expires_at);
  if (row.last_used_at !== null) key.lastUsedAt = requireMillis(row.last_used_at);
  if (row.user_id !== null) key.userId = row.user_id;
  return key;
}

function toUsageRow(entry: ApiKeyAuditEntry): Insertable<ApiKeyUsageTable> {
  return {
    key_id: entry.keyId ?? null,
    key_prefix: entry.keyPrefix,
    ip: entry.ip,
    path: entry.path,
    method: entry.method,
    success: toFlag(entry.success),
    reason: entry.reason ?? null,
    at: toMillis(entry.at) ?? Date.now(),
  };
}

function toEntry(row: Selectable<ApiKeyUsageTable>): ApiKeyAuditEntry {
  const entry: ApiKeyAuditEntry = {
    keyPrefix: row.key_prefix,
    ip: row.ip,
    path: row.path,
    method: row.method,
    success: fromFlag(row.success),
    at: requireMillis(row.at),
  };
  if (row.key_id !== null) entry.keyId = row.key_id;
  if (row.reason !== null) entry.reason = row.reason;
  return entry;
}

/** Days of usage to keep, checked once at setup: a positive number. */
export function retentionMsOf(days: number | undefined): number {
  const value = days ?? DEFAULT_USAGE_RETENTION_DAYS;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new TypeError('keyward/sql: apiKeyUsageRetentionDays must be a positive number');
  }
  return value * DAY_MS;
}

/**
 * {@link IApiKeyStore} with every optional method (migration 0006). The prefix is a UNIQUE
 * column, so a second key with a stored prefix is refused by the database itself, also when
 * two instances save at once. `findByPrefix` returns revoked keys too (keyward then answers
 * API_KEY_REVOKED). The usage log keeps entries for `apiKeyUsageRetentionDays` (90 by
 * default): `logUsage` deletes older ones at most once a minute, and `deleteOldUsage()` does
 * it on demand (a nightly job, say).
 */
export class SqlApiKeyStore implements Required<IApiKeyStore> {
  private lastPrune = 0;

  constructor(
    private readonly ctx: SqlContext,
    private readonly retentionMs: number,
  ) {}

  /** Rejects when the id or the prefix is already stored (the message says which may be). */
  async save(key: ApiKey): Promise<void> {
    try {
      await this.ctx.db.insertInto('api_keys').values(toRow(key)).execute();
    } catch (err) {
      if (classifySqlError(err) !== 'duplicate') throw err;
      throw new Error(`API key ${key.id} not saved: its id or prefix ${key.keyPrefix} is taken`, {
        cause: err,
      });
    }
  }

  async findByPrefix(prefix: string): Promise<ApiKey | null> {
    const row = await this.ctx.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_prefix', '=', prefix)
      .executeTakeFirst();
    return row ? toKey(row) : null;
  }

  async findById(id: string): Promise<ApiKey | null> {
    const row = await this.ctx.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toKey(row) : null;
  }

  async revoke(id: string): Promise<void> {
    await this.ctx.db.updateTable('api_keys').set({ is_active: 0 }).where('id', '=', id).execute();
  }

  async updateLastUsed(id: string, at: Date = new Date()): Promise<void> {
    await this.ctx.db
      .updateTable('api_keys')
      .set({ last_used_at: toMillis(at) ?? Date.now() })
      .where('id', '=', id)
      .execute();
  }

  async logUsage(entry: ApiKeyAuditEntry): Promise<void> {
    await this.ctx.db.insertInto('api_key_usage').values(toUsageRow(entry)).execute();
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    try {
      await this.deleteOldUsage();
    } catch {
      // Only housekeeping: the entry is written, and a later call prunes again.
    }
  }

  /** Newest first by createdAt; `filter` is a case-insensitive substring of name, prefix or service id. */
  async listKeys(options: ListApiKeysOptions = {}): Promise<ApiKey[]> {
    const { limit, offset } = paging(options);
    const needle = options.filter?.toLowerCase();
    const { userId } = options;
    const rows = await this.ctx.db
      .selectFrom('api_keys')
      .selectAll()
      .$call((q) => (userId === undefined ? q : q.where('user_id', '=', userId)))
      .$call((q) =>
        needle
          ? q.where((eb) =>
              eb.or([
                containsText(this.ctx, 'name_lower', needle),
                containsText(this.ctx, 'key_prefix_lower', needle),
                containsText(this.ctx, 'service_id_lower', needle),
              ]),
            )
          : q,
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toKey);
  }

  /** The key and its usage log, in one transaction. */
  async delete(id: string): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('api_key_usage').where('key_id', '=', id).execute();
      await trx.deleteFrom('api_keys').where('id', '=', id).execute();
    });
  }

  /** Newest first by `at` (entries of one millisecond in the order written, newest first). */
  async listUsage(
    keyId: string,
    options: ListApiKeyUsageOptions = {},
  ): Promise<ApiKeyAuditEntry[]> {
    const { limit, offset } = paging(options);
    const rows = await this.ctx.db
      .selectFrom('api_key_usage')
      .selectAll()
      .where('key_id', '=', keyId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toEntry);
  }

  /**
   * Deletes usage entries older than the retention (`apiKeyUsageRetentionDays`), including
   * those of unknown prefixes and any left by a key deleted while a request was logging;
   * resolves to how many were deleted.
   */
  async deleteOldUsage(): Promise<number> {
    const result = await this.ctx.db
      .deleteFrom('api_key_usage')
      .where('at', '<', Date.now() - this.retentionMs)
      .executeTakeFirst();
    return toCount(result.numDeletedRows);
  }
}
