import type { ApiKey, ApiKeyAuditEntry } from '../../stores/api-key';

/**
 * How an API key is laid out in its Redis hash: text fields as they are, `scopes` and
 * `allowedIps` as JSON, dates as Unix milliseconds, `isActive` as '1' or '0'. Optional fields
 * that are undefined are not written, so they read back as absent.
 */
export function encodeKey(key: ApiKey): string[] {
  const pairs = [
    'id',
    key.id,
    'name',
    key.name,
    'keyPrefix',
    key.keyPrefix,
    'keyHash',
    key.keyHash,
    'scopes',
    JSON.stringify(key.scopes),
    'isActive',
    key.isActive ? '1' : '0',
    'createdAt',
    String(millis(key.createdAt)),
  ];
  if (key.serviceId !== undefined) pairs.push('serviceId', key.serviceId);
  if (key.allowedIps !== undefined) pairs.push('allowedIps', JSON.stringify(key.allowedIps));
  if (key.expiresAt !== undefined) pairs.push('expiresAt', String(millis(key.expiresAt)));
  if (key.lastUsedAt !== undefined) pairs.push('lastUsedAt', String(millis(key.lastUsedAt)));
  if (key.userId !== undefined) pairs.push('userId', key.userId);
  return pairs;
}

/** A key from its hash (HGETALL); null for an empty or incomplete hash (no such key). */
export function decodeKey(hash: Record<string, string>): ApiKey | null {
  const { id, name, keyPrefix, keyHash, scopes, isActive, createdAt } = hash;
  if (!id || name === undefined || !keyPrefix || !keyHash || !scopes || !createdAt) return null;
  const key: ApiKey = {
    id,
    name,
    keyPrefix,
    keyHash,
    scopes: JSON.parse(scopes) as string[],
    isActive: isActive === '1',
    createdAt: new Date(Number(createdAt)),
  };
  if (hash.serviceId !== undefined) key.serviceId = hash.serviceId;
  if (hash.allowedIps !== undefined) key.allowedIps = JSON.parse(hash.allowedIps) as string[];
  if (hash.expiresAt !== undefined) key.expiresAt = new Date(Number(hash.expiresAt));
  if (hash.lastUsedAt !== undefined) key.lastUsedAt = new Date(Number(hash.lastUsedAt));
  if (hash.userId !== undefined) key.userId = hash.userId;
  return key;
}

/** An audit entry as the JSON one list element holds; `at` as Unix milliseconds. */
export function encodeEntry(entry: ApiKeyAuditEntry): string {
  const { keyId, keyPrefix, ip, path, method, success, reason, at } = entry;
  return JSON.stringify({ keyId, keyPrefix, ip, path, method, success, reason, at: millis(at) });
}

export function decodeEntry(text: string): ApiKeyAuditEntry {
  const stored = JSON.parse(text) as Omit<ApiKeyAuditEntry, 'at'> & { at: number };
  return { ...stored, at: new Date(stored.at) };
}

/** A Date's epoch milliseconds; anything else is refused before it reaches Redis. */
export function millis(value: Date): number {
  const ms = value instanceof Date ? value.getTime() : new Date(value).getTime();
  if (!Number.isFinite(ms)) throw new TypeError(`Not a valid date: ${String(value)}`);
  return ms;
}
