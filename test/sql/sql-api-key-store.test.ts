import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ApiKey, ApiKeyAuditEntry } from 'keyward';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { uniquePrefix } from '../helpers/services';
import { forEachDialect, withMigratedStores, type RawDb } from './dialects';

const DAY = 86_400_000;

const keyRecord = (extra: Partial<ApiKey> = {}): ApiKey => ({
  id: randomUUID(),
  name: 'Nightly export',
  keyPrefix: `ak_${randomBytes(4).toString('hex')}`,
  keyHash: randomBytes(32).toString('hex'),
  scopes: ['reports:read', 'webhooks:receive'],
  allowedIps: ['192.0.2.0/24'],
  isActive: true,
  createdAt: new Date(Date.now() - 60_000),
  ...extra,
});

const entry = (key: ApiKey | undefined, at: Date): ApiKeyAuditEntry => ({
  ...(key && { keyId: key.id }),
  keyPrefix: key?.keyPrefix ?? `ak_${randomBytes(4).toString('hex')}`,
  ip: '203.0.113.5',
  path: '/tools/data',
  method: 'GET',
  success: key !== undefined,
  ...(key === undefined && { reason: 'API_KEY_INVALID' }),
  at,
});

forEachDialect('the SQL API key store', (d) => {
  const prefix = uniquePrefix('kwk');
  let stores: SqlStores;
  let raw: RawDb;
  /** Stores opened by one test; closed after it. */
  const extra: SqlStores[] = [];
  const open = (options: { apiKeyUsageRetentionDays?: number } = {}) => {
    const opened = d.open(prefix, { poolSize: 4, ...options });
    extra.push(opened);
    return opened;
  };

  withMigratedStores(d, prefix, { poolSize: 4 }, (s, r) => {
    stores = s;
    raw = r;
  });
  afterEach(async () => {
    for (const s of extra.splice(0)) await s.destroy();
  });

  it('keeps scopes and allowedIps as JSON text and instants as epoch milliseconds', async () => {
    const key = keyRecord({ expiresAt: new Date(Date.now() + DAY), serviceId: 'Svc-Reports' });
    await stores.apiKeyStore.save(key);
    const [row] = await raw.rows(`${prefix}api_keys`, 'id', key.id);
    expect(row).toMatchObject({
      key_prefix: key.keyPrefix,
      key_hash: key.keyHash,
      scopes: '["reports:read","webhooks:receive"]',
      allowed_ips: '["192.0.2.0/24"]',
      service_id: 'Svc-Reports',
      service_id_lower: 'svc-reports',
      user_id: null,
      last_used_at: null,
    });
    expect(Number(row!.created_at)).toBe(key.createdAt.getTime());
    expect(Number(row!.expires_at)).toBe(key.expiresAt!.getTime());
    expect(Number(row!.is_active)).toBe(1);
  });

  it('refuses a stored prefix from two instances saving at once: the database holds the index', async () => {
    const other = open();
    const keyPrefix = `ak_${randomBytes(4).toString('hex')}`;
    const keys = Array.from({ length: 8 }, () => keyRecord({ keyPrefix }));
    const outcomes = await Promise.allSettled(
      keys.map((k, i) => (i % 2 ? other : stores).apiKeyStore.save(k)),
    );
    const saved = outcomes.filter((o) => o.status === 'fulfilled');
    expect(saved).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason.message).toMatch(
      new RegExp(`its id or prefix ${keyPrefix} is taken`),
    );
    expect(await raw.rows(`${prefix}api_keys`, 'key_prefix', keyPrefix)).toHaveLength(1);
  });

  it('deleteOldUsage deletes entries past the retention, of every key and of unknown prefixes', async () => {
    const retaining = open({ apiKeyUsageRetentionDays: 1 });
    const key = keyRecord();
    await stores.apiKeyStore.save(key);
    const old = new Date(Date.now() - 2 * DAY);
    const recent = new Date(Date.now() - DAY / 2);
    const unknownOld = entry(undefined, old);
    // Written through the default store (90 days), so nothing prunes them on the way in.
    for (const e of [entry(key, old), entry(key, recent), unknownOld]) {
      await stores.apiKeyStore.logUsage(e);
    }
    expect(await retaining.apiKeyStore.deleteOldUsage()).toBeGreaterThanOrEqual(2);
    expect(await stores.apiKeyStore.listUsage(key.id)).toEqual([entry(key, recent)]);
    expect(await raw.rows(`${prefix}api_key_usage`, 'key_prefix', unknownOld.keyPrefix)).toEqual(
      [],
    );
    expect(await retaining.apiKeyStore.deleteOldUsage()).toBe(0);
  });

  it('logUsage deletes old entries itself, at most once a minute per instance', async () => {
    const retaining = open({ apiKeyUsageRetentionDays: 1 });
    const key = keyRecord();
    await retaining.apiKeyStore.save(key);
    const old = entry(key, new Date(Date.now() - 2 * DAY));
    // The first write of an instance prunes, its own too-old entry included.
    await retaining.apiKeyStore.logUsage(old);
    expect(await retaining.apiKeyStore.listUsage(key.id)).toEqual([]);
    // Within the minute, writes do not prune again.
    await retaining.apiKeyStore.logUsage(old);
    expect(await retaining.apiKeyStore.listUsage(key.id)).toEqual([old]);
  });

  it('delete removes the key and its usage rows in one go', async () => {
    const key = keyRecord();
    await stores.apiKeyStore.save(key);
    await stores.apiKeyStore.logUsage(entry(key, new Date()));
    expect(await raw.rows(`${prefix}api_key_usage`, 'key_id', key.id)).toHaveLength(1);
    await stores.apiKeyStore.delete(key.id);
    expect(await raw.rows(`${prefix}api_keys`, 'id', key.id)).toEqual([]);
    expect(await raw.rows(`${prefix}api_key_usage`, 'key_id', key.id)).toEqual([]);
  });
});

describe('the SQL API key store: options', () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses apiKeyUsageRetentionDays %p when the stores are created',
    (days) => {
      const database = new Database(':memory:');
      try {
        expect(() =>
          createSqlStores({ dialect: 'sqlite', database, apiKeyUsageRetentionDays: days }),
        ).toThrow(/apiKeyUsageRetentionDays must be a positive number/);
      } finally {
        database.close();
      }
    },
  );
});
