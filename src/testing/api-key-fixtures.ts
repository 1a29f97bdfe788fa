import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiKey, ApiKeyAuditEntry, IApiKeyStore } from '../stores/api-key';
import { hasMethod, type CheckContext } from './runner';
import { TRICKY_TEXT, fail, fakeHash, isDate, msDate, nonce, sameValue, show } from './support';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A prefix shaped like keyward's (`ak_` + 8 hex), random so runs never share one. */
export const freshPrefix = (): string => `ak_${randomBytes(4).toString('hex')}`;

/**
 * Instants at fixed offsets from one moment (with a millisecond part). Separate `msDate` calls
 * can straddle a second and collide; offsets from one base keep their order.
 */
export function timeline(): (offsetMs: number) => Date {
  const base = msDate(0).getTime();
  return (offsetMs) => new Date(base + offsetMs);
}

/** An id no store holds: keyward makes UUIDs, so a store may expect that shape. */
export const unknownId = (): string => randomUUID();

/** Every field set, with text stores tend to mangle in the name and a scope. */
export function fullKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: randomUUID(),
    name: `Nightly export ${TRICKY_TEXT}`,
    keyPrefix: freshPrefix(),
    keyHash: fakeHash(),
    serviceId: `svc-${nonce()}`,
    scopes: ['reports:read', 'webhooks:receive', `odd'"%_\\:${nonce()}`],
    allowedIps: ['192.0.2.10', '203.0.113.0/24', '2001:db8::/32'],
    isActive: true,
    expiresAt: msDate(30 * DAY),
    lastUsedAt: msDate(-MINUTE),
    createdAt: msDate(-HOUR),
    userId: `kw-user-${nonce()}`,
    ...overrides,
  };
}

/** Only the fields ApiKey requires: the optional ones are left out, not set to undefined. */
export function minimalKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: randomUUID(),
    name: `service ${nonce()}`,
    keyPrefix: freshPrefix(),
    keyHash: fakeHash(),
    scopes: [],
    isActive: true,
    createdAt: msDate(0),
    ...overrides,
  };
}

/** Removes the key after the check: `delete` when the store has it, else `revoke`. */
export function removeAfter(store: IApiKeyStore, ctx: CheckContext, id: string): void {
  ctx.defer(() => (hasMethod(store, 'delete') ? store.delete!(id) : store.revoke(id)));
}

/**
 * Saves a copy of `key` (so the check's own record stays as written, whatever the store does
 * with the object it is given) and removes it after the check.
 */
export async function saveKey(store: IApiKeyStore, ctx: CheckContext, key: ApiKey) {
  removeAfter(store, ctx, key.id);
  await store.save(structuredClone(key));
  return key;
}

/** One audit entry for `key` (or, without one, for an unknown prefix) at `at`. */
export function usageEntry(
  key: ApiKey | undefined,
  at: Date,
  overrides: Partial<ApiKeyAuditEntry> = {},
): ApiKeyAuditEntry {
  return {
    ...(key && { keyId: key.id }),
    keyPrefix: key?.keyPrefix ?? freshPrefix(),
    ip: '2001:db8::7',
    path: '/tools/data',
    method: 'GET',
    success: true,
    at,
    ...overrides,
  };
}

const DATE_FIELDS = ['createdAt', 'expiresAt', 'lastUsedAt'] as const;

/**
 * `actual` must be `expected` field by field: dates as Date objects at the same instant,
 * arrays as arrays, optional fields absent when `expected` has none (not null: the type does
 * not admit it). An absent `allowedIps` may come back as `[]`, which means the same.
 */
export function expectKey(actual: ApiKey | null | undefined, expected: ApiKey, what: string) {
  if (typeof actual !== 'object' || actual === null) {
    fail(`${what}: expected the key ${show(expected.id)}, got ${show(actual)}`);
  }
  for (const field of DATE_FIELDS) {
    if (expected[field] !== undefined && !isDate(actual[field])) {
      fail(`${what}: ${field} expected a Date, got ${show(actual[field])}`);
    }
  }
  const got: Record<string, unknown> = { ...actual };
  if (expected.allowedIps === undefined && sameValue(got.allowedIps, [])) delete got.allowedIps;
  const want: Record<string, unknown> = { ...expected };
  for (const field of new Set([...Object.keys(want), ...Object.keys(got)])) {
    if (!sameValue(got[field], want[field])) {
      fail(`${what}: ${field} expected ${show(want[field])}, got ${show(got[field])}`);
    }
  }
}

/** The ids of a listing, failing clearly when it is not an array. */
export function idsOf(keys: unknown, what: string): string[] {
  if (!Array.isArray(keys)) fail(`${what}: expected an array, got ${show(keys)}`);
  return keys.map((k: ApiKey) => k?.id);
}
