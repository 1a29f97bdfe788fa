import type {
  ApiKey,
  ApiKeyAuditEntry,
  IApiKeyStore,
  ListApiKeysOptions,
  ListApiKeyUsageOptions,
} from '../api-key';

/** Usage entries kept per key: the newest ones, so a flood cannot grow memory without bound. */
const MAX_USAGE_PER_KEY = 1_000;
/** Usage entries of unknown prefixes (guesses), kept in one bounded list. */
const MAX_UNKNOWN_USAGE = 1_000;

/**
 * A copy of a key record: fresh arrays and Dates, so callers cannot change the stored one. Made
 * by hand rather than with structuredClone, which costs several times more, on every request.
 */
function copyKey(key: ApiKey): ApiKey {
  const copy: ApiKey = { ...key, scopes: [...key.scopes], createdAt: new Date(key.createdAt) };
  if (key.allowedIps) copy.allowedIps = [...key.allowedIps];
  if (key.expiresAt) copy.expiresAt = new Date(key.expiresAt);
  if (key.lastUsedAt) copy.lastUsedAt = new Date(key.lastUsedAt);
  return copy;
}

/** API keys and their usage log in process memory; suits tests and a single instance. */
export class InMemoryApiKeyStore implements Required<IApiKeyStore> {
  private readonly keys = new Map<string, ApiKey>();
  private readonly byPrefix = new Map<string, string>();
  private readonly usage = new Map<string, ApiKeyAuditEntry[]>();
  private readonly unknownUsage: ApiKeyAuditEntry[] = [];

  async save(key: ApiKey): Promise<void> {
    // The prefix is the lookup index, so two keys may never share one (createKey draws again).
    if (this.keys.has(key.id)) throw new Error(`API key id ${key.id} already exists`);
    if (this.byPrefix.has(key.keyPrefix)) {
      throw new Error(`API key prefix ${key.keyPrefix} already exists`);
    }
    this.keys.set(key.id, copyKey(key));
    this.byPrefix.set(key.keyPrefix, key.id);
  }

  async findByPrefix(prefix: string): Promise<ApiKey | null> {
    const id = this.byPrefix.get(prefix);
    return id === undefined ? null : this.copy(id);
  }

  async findById(id: string): Promise<ApiKey | null> {
    return this.copy(id);
  }

  async revoke(id: string): Promise<void> {
    const key = this.keys.get(id);
    if (key) key.isActive = false;
  }

  async updateLastUsed(id: string, at: Date = new Date()): Promise<void> {
    const key = this.keys.get(id);
    if (key) key.lastUsedAt = new Date(at);
  }

  async logUsage(entry: ApiKeyAuditEntry): Promise<void> {
    const list = entry.keyId ? (this.usage.get(entry.keyId) ?? []) : this.unknownUsage;
    list.push(structuredClone(entry));
    const max = entry.keyId ? MAX_USAGE_PER_KEY : MAX_UNKNOWN_USAGE;
    if (list.length > max) list.splice(0, list.length - max);
    if (entry.keyId && this.keys.has(entry.keyId)) this.usage.set(entry.keyId, list);
  }

  async listKeys(options: ListApiKeysOptions = {}): Promise<ApiKey[]> {
    const { limit = 50, offset = 0, userId } = options;
    const filter = options.filter?.toLowerCase();
    const matching = [...this.keys.values()]
      .filter((k) => userId === undefined || k.userId === userId)
      .filter(
        (k) =>
          !filter ||
          [k.name, k.keyPrefix, k.serviceId ?? ''].some((v) => v.toLowerCase().includes(filter)),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
    return matching.slice(offset, offset + limit).map(copyKey);
  }

  async delete(id: string): Promise<void> {
    const key = this.keys.get(id);
    if (!key) return;
    this.keys.delete(id);
    this.byPrefix.delete(key.keyPrefix);
    this.usage.delete(id);
  }

  async listUsage(
    keyId: string,
    options: ListApiKeyUsageOptions = {},
  ): Promise<ApiKeyAuditEntry[]> {
    const { limit = 50, offset = 0 } = options;
    const newestFirst = [...(this.usage.get(keyId) ?? [])].reverse();
    return newestFirst.slice(offset, offset + limit).map((e) => structuredClone(e));
  }

  private copy(id: string): ApiKey | null {
    const key = this.keys.get(id);
    return key ? copyKey(key) : null;
  }
}
