import type {
  ApiKey,
  ApiKeyAuditEntry,
  IApiKeyStore,
  ListApiKeysOptions,
  ListApiKeyUsageOptions,
} from '../../stores/api-key';
import { decodeEntry, decodeKey, encodeEntry, encodeKey, millis } from './api-key-codec';
import {
  DELETE_API_KEY,
  LIST_SLICE,
  LOG_API_KEY_USAGE,
  NEWEST_IDS,
  SAVE_API_KEY,
} from './api-key-scripts';
import { DEFAULT_KEY_PREFIX, inBatches, type RedisKeyOptions, type RedisLike } from './client';
import { guarded } from './errors';
import { SET_IF_EXISTS } from './scripts';

/** Usage entries kept per key: the newest, so a flood cannot grow a list without bound. */
const MAX_USAGE_PER_KEY = 1_000;
/** Entries of prefixes that named no key (guesses), kept in one list of this many. */
const MAX_UNKNOWN_USAGE = 1_000;
/** Keys read per batch when a listing loads many. */
const BATCH = 100;

/** `limit`/`offset` as whole, non-negative numbers; 50 and 0 by default (like the SQL store). */
function paging(options: { limit?: number; offset?: number }) {
  const whole = (value: number | undefined, fallback: number) =>
    value === undefined || !Number.isFinite(value) ? fallback : Math.max(0, Math.floor(value));
  return { limit: whole(options.limit, 50), offset: whole(options.offset, 0) };
}

const asStrings = (reply: unknown): string[] => (Array.isArray(reply) ? reply.map(String) : []);

/**
 * API keys in Redis. Layout (under the key prefix):
 * - `apikey:<id>`: a hash per key (see api-key-codec);
 * - `apikey-prefix:<keyPrefix>`: the key's id, claimed with SET NX, so a prefix names one key;
 * - `apikeys` and `apikeys-user:<userId>`: sorted sets of ids scored by createdAt, for listings;
 * - `apikey-usage:<id>`: the key's usage log, newest first, capped at 1,000 entries;
 * - `apikey-usage-unknown`: entries of prefixes that named no key, capped at 1,000.
 * Saving and deleting are single scripts. Nothing expires: keys live until deleted, and the
 * logs are bounded by count, not age. `findByPrefix` returns revoked keys too (keyward then
 * answers API_KEY_REVOKED). Every method rejects with STORE_UNAVAILABLE (503) when Redis
 * cannot be reached.
 */
export class RedisApiKeyStore implements Required<IApiKeyStore> {
  private readonly prefix: string;

  constructor(
    private readonly client: RedisLike,
    options: RedisKeyOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  /** Rejects when the id or the prefix is already stored. */
  save(key: ApiKey): Promise<void> {
    return guarded(async () => {
      const keys = [this.keyKey(key.id), this.prefixKey(key.keyPrefix), this.allKey()];
      if (key.userId !== undefined) keys.push(this.userKey(key.userId));
      const fields = encodeKey(key);
      const reply = Number(
        await SAVE_API_KEY.run(this.client, keys, [key.id, millis(key.createdAt), ...fields]),
      );
      if (reply === 0) throw new Error(`API key id ${key.id} already exists`);
      if (reply !== 1) throw new Error(`API key prefix ${key.keyPrefix} already exists`);
    });
  }

  findByPrefix(prefix: string): Promise<ApiKey | null> {
    return guarded(async () => {
      const id = await this.client.get(this.prefixKey(prefix));
      if (id === null) return null;
      const key = await this.load(id);
      // Deleted between the two reads, or (never written by this store) another key's id.
      return key?.keyPrefix === prefix ? key : null;
    });
  }

  findById(id: string): Promise<ApiKey | null> {
    return guarded(() => this.load(id));
  }

  revoke(id: string): Promise<void> {
    return guarded(async () => {
      // Only if the key exists: a plain HSET would create a fragment of a key.
      await SET_IF_EXISTS.run(this.client, [this.keyKey(id)], ['isActive', '0']);
    });
  }

  updateLastUsed(id: string, at: Date = new Date()): Promise<void> {
    return guarded(async () => {
      await SET_IF_EXISTS.run(this.client, [this.keyKey(id)], ['lastUsedAt', millis(at)]);
    });
  }

  logUsage(entry: ApiKeyAuditEntry): Promise<void> {
    return guarded(async () => {
      const { keyId } = entry;
      const keys =
        keyId === undefined ? [this.unknownUsageKey()] : [this.usageKey(keyId), this.keyKey(keyId)];
      const max = keyId === undefined ? MAX_UNKNOWN_USAGE : MAX_USAGE_PER_KEY;
      await LOG_API_KEY_USAGE.run(this.client, keys, [encodeEntry(entry), max]);
    });
  }

  /**
   * Newest first by createdAt (ties by id, descending). Without `filter`, one page of the
   * sorted set is read; with one, every key of the set (all keys, or the user's) is read and
   * matched here: O(keys), fine for an admin page.
   */
  listKeys(options: ListApiKeysOptions = {}): Promise<ApiKey[]> {
    return guarded(async () => {
      const { limit, offset } = paging(options);
      if (limit === 0) return [];
      const index = options.userId === undefined ? this.allKey() : this.userKey(options.userId);
      const needle = options.filter?.toLowerCase();
      if (!needle) {
        const ids = await NEWEST_IDS.run(this.client, [index], [offset, offset + limit - 1]);
        return this.loadAll(asStrings(ids));
      }
      const all = await this.loadAll(
        asStrings(await NEWEST_IDS.run(this.client, [index], [0, -1])),
      );
      const matching = all.filter((k) =>
        [k.name, k.keyPrefix, k.serviceId ?? ''].some((v) => v.toLowerCase().includes(needle)),
      );
      return matching.slice(offset, offset + limit);
    });
  }

  delete(id: string): Promise<void> {
    return guarded(async () => {
      // The script must be told every key it touches; the prefix and owner are in the hash.
      const key = await this.load(id);
      if (!key) return;
      const keys = [
        this.keyKey(id),
        this.prefixKey(key.keyPrefix),
        this.allKey(),
        this.usageKey(id),
      ];
      if (key.userId !== undefined) keys.push(this.userKey(key.userId));
      await DELETE_API_KEY.run(this.client, keys, [id]);
    });
  }

  /** Newest first, in the order entries were written. */
  listUsage(keyId: string, options: ListApiKeyUsageOptions = {}): Promise<ApiKeyAuditEntry[]> {
    return guarded(async () => {
      const { limit, offset } = paging(options);
      if (limit === 0) return [];
      const reply = await LIST_SLICE.run(
        this.client,
        [this.usageKey(keyId)],
        [offset, offset + limit - 1],
      );
      return asStrings(reply).map(decodeEntry);
    });
  }

  private async load(id: string): Promise<ApiKey | null> {
    return decodeKey(await this.client.hgetall(this.keyKey(id)));
  }

  /** Keys by id, in the order given; ids whose hash is gone are left out. */
  private async loadAll(ids: readonly string[]): Promise<ApiKey[]> {
    const keys = await inBatches(ids, BATCH, (batch) =>
      Promise.all(batch.map((id) => this.load(id))),
    );
    return keys.filter((k): k is ApiKey => k !== null);
  }

  private keyKey(id: string): string {
    return `${this.prefix}apikey:${id}`;
  }
  private prefixKey(keyPrefix: string): string {
    return `${this.prefix}apikey-prefix:${keyPrefix}`;
  }
  private allKey(): string {
    return `${this.prefix}apikeys`;
  }
  private userKey(userId: string): string {
    return `${this.prefix}apikeys-user:${userId}`;
  }
  private usageKey(id: string): string {
    return `${this.prefix}apikey-usage:${id}`;
  }
  private unknownUsageKey(): string {
    return `${this.prefix}apikey-usage-unknown`;
  }
}
