import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiKey, ApiKeyAuditEntry } from 'keyward';
import { createRedisStores, type RedisStores } from 'keyward/redis';
import type { Redis } from 'ioredis';
import { describeWithService } from '../helpers/services';
import { RedisFixture } from './redis-support';

const keyRecord = (extra: Partial<ApiKey> = {}): ApiKey => ({
  id: randomUUID(),
  name: 'Nightly export',
  keyPrefix: `ak_${randomBytes(4).toString('hex')}`,
  keyHash: randomBytes(32).toString('hex'),
  scopes: ['reports:read'],
  isActive: true,
  createdAt: new Date(),
  ...extra,
});

const entry = (key: ApiKey | undefined, i: number): ApiKeyAuditEntry => ({
  ...(key && { keyId: key.id }),
  keyPrefix: key?.keyPrefix ?? 'not-a-key',
  ip: '203.0.113.5',
  path: `/tools/${i}`,
  method: 'GET',
  success: key !== undefined,
  at: new Date(Date.now() + i),
});

describeWithService('redis', 'the Redis API key store', (url) => {
  const fixture = new RedisFixture(url);
  let client: Redis;
  let prefix: string;
  let stores: RedisStores;

  beforeAll(() => {
    client = fixture.client();
    prefix = fixture.prefix();
    stores = createRedisStores({ client, keyPrefix: prefix });
  });
  afterAll(() => fixture.closeAll());

  it('refuses a stored prefix from two connections saving at once', async () => {
    const other = createRedisStores({ client: fixture.client(), keyPrefix: prefix });
    const keyPrefix = `ak_${randomBytes(4).toString('hex')}`;
    const keys = Array.from({ length: 8 }, () => keyRecord({ keyPrefix }));
    const outcomes = await Promise.allSettled(
      keys.map((k, i) => (i % 2 ? other : stores).apiKeyStore.save(k)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason.message).toBe(`API key prefix ${keyPrefix} already exists`);
    // The refused saves wrote nothing: only the winner's hash and listing entry exist.
    const listed = await stores.apiKeyStore.listKeys({ filter: keyPrefix });
    expect(listed).toHaveLength(1);
    const losers = keys.filter((k) => k.id !== listed[0]!.id);
    for (const k of losers) expect(await client.exists(`${prefix}apikey:${k.id}`)).toBe(0);
    for (const k of losers) expect(await client.zscore(`${prefix}apikeys`, k.id)).toBeNull();
  });

  it("keeps a key's newest 1,000 usage entries, and unknown prefixes' newest 1,000 in one list", async () => {
    const key = keyRecord();
    await stores.apiKeyStore.save(key);
    await Promise.all(
      Array.from({ length: 1_005 }, (_, i) => stores.apiKeyStore.logUsage(entry(key, i))),
    );
    expect(await client.llen(`${prefix}apikey-usage:${key.id}`)).toBe(1_000);
    await Promise.all(
      Array.from({ length: 1_003 }, (_, i) => stores.apiKeyStore.logUsage(entry(undefined, i))),
    );
    expect(await client.llen(`${prefix}apikey-usage-unknown`)).toBe(1_000);
    const newest = await stores.apiKeyStore.listUsage(key.id, { limit: 1 });
    expect(newest.map((e) => e.path)).toEqual(['/tools/1004']);
  });

  it('writes no log for a key deleted before its entry arrives, and delete leaves no key behind', async () => {
    const key = keyRecord({ userId: `u-${randomBytes(4).toString('hex')}` });
    await stores.apiKeyStore.save(key);
    await stores.apiKeyStore.logUsage(entry(key, 0));
    await stores.apiKeyStore.delete(key.id);
    await stores.apiKeyStore.logUsage(entry(key, 1));
    for (const name of [
      `apikey:${key.id}`,
      `apikey-prefix:${key.keyPrefix}`,
      `apikey-usage:${key.id}`,
      `apikeys-user:${key.userId}`,
    ]) {
      expect(await client.exists(`${prefix}${name}`)).toBe(0);
    }
    expect(await client.zscore(`${prefix}apikeys`, key.id)).toBeNull();
  });

  it('revoke and updateLastUsed of a deleted key leave no fragment of a hash', async () => {
    const id = randomUUID();
    await stores.apiKeyStore.revoke(id);
    await stores.apiKeyStore.updateLastUsed(id);
    expect(await client.exists(`${prefix}apikey:${id}`)).toBe(0);
  });
});
