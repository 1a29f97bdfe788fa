import { AuthError, type PendingPlan } from 'keyward';
import { createRedisStores, RedisPendingPlanStore, type RedisStores } from 'keyward/redis';
import type { Redis } from 'ioredis';
import { describeWithService } from '../helpers/services';
import { RedisFixture } from './redis-support';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

const plan = (githubId: string, extra: Partial<PendingPlan> = {}): PendingPlan => ({
  githubId,
  createdAt: new Date(Date.now() - 1_437),
  ...extra,
});

describeWithService('redis', 'the Redis inbound webhook stores', (url) => {
  const fixture = new RedisFixture(url);
  let client: Redis;
  let prefix: string;
  let stores: RedisStores;
  const members = () => client.zrange(`${prefix}pending-plan-emails`, '0', '-1');

  beforeEach(() => {
    client = fixture.client();
    prefix = fixture.prefix();
    stores = createRedisStores({ client, keyPrefix: prefix });
  });
  afterAll(() => fixture.closeAll());

  it('keeps a pending plan in one hash under the prefix, indexed by its lower-cased email', async () => {
    const createdAt = new Date(Date.now() - 2_437);
    await stores.pendingPlanStore.save(
      plan('42', { githubLogin: 'Octo', email: 'Ada@Example.TEST', createdAt }),
    );
    expect(await client.hgetall(`${prefix}pending-plan:42`)).toEqual({
      githubId: '42',
      githubLogin: 'Octo',
      email: 'ada@example.test',
      createdAt: String(createdAt.getTime()),
    });
    expect(await members()).toEqual(['ada@example.test\u000042']);
    expect(await stores.pendingPlanStore.findByEmail('ADA@example.test')).toEqual({
      githubId: '42',
      githubLogin: 'Octo',
      email: 'ada@example.test',
      createdAt,
    });
  });

  it('save moves the index entry to the new email, and remove leaves neither hash nor entry', async () => {
    const store = stores.pendingPlanStore;
    await store.save(plan('7', { email: 'old@example.test', tier: 'Gold' }));
    await store.save(plan('8', { email: 'old@example.test' }));
    await store.save(plan('7', { email: 'new@example.test' }));
    expect((await members()).sort()).toEqual([
      'new@example.test\u00007',
      'old@example.test\u00008',
    ]);
    expect(await client.hget(`${prefix}pending-plan:7`, 'tier')).toBeNull();
    await store.save(plan('7'));
    expect(await members()).toEqual(['old@example.test\u00008']);
    await store.remove('8');
    await store.remove('7');
    expect(await members()).toEqual([]);
    expect(await client.exists(`${prefix}pending-plan:7`, `${prefix}pending-plan:8`)).toBe(0);
  });

  it('an email is not found through another address that starts with it', async () => {
    await stores.pendingPlanStore.save(plan('1', { email: 'ada@example.test.evil' }));
    await stores.pendingPlanStore.save(plan('2', { email: 'ada@example.tes' }));
    expect(await stores.pendingPlanStore.findByEmail('ada@example.test')).toBeNull();
    expect((await stores.pendingPlanStore.findByEmail('ada@example.tes'))?.githubId).toBe('2');
  });

  it('of 20 concurrent saves of one plan with different emails, the index ends with the stored one only', async () => {
    const store = new RedisPendingPlanStore(fixture.client(), { keyPrefix: prefix });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.save(plan('99', { email: `sponsor${i}@example.test` })),
      ),
    );
    const stored = await store.findByGithubId('99');
    expect(await members()).toEqual([`${stored!.email}\u000099`]);
    expect((await store.findByEmail(stored!.email!))?.githubId).toBe('99');
  });

  it('keeps a webhook verify object in its JSON, and drops it when updated to undefined', async () => {
    const verify = { kind: 'hmac' as const, header: 'X-Sig', encoding: 'base64' as const };
    await stores.webhookStore.add({ id: 'h1', url: 'https://example.com/h', events: [], verify });
    const json = async () =>
      JSON.parse((await client.hget(`${prefix}webhooks`, 'h1'))!) as Record<string, unknown>;
    expect((await json()).verify).toEqual(verify);
    await stores.webhookStore.update('h1', { verify: undefined });
    expect(await json()).not.toHaveProperty('verify');
  });

  it('rejects every pendingPlanStore call with STORE_UNAVAILABLE (503) when Redis cannot be reached', async () => {
    const down = await fixture.unreachableClient({ enableOfflineQueue: false });
    const { pendingPlanStore } = createRedisStores({ client: down, keyPrefix: prefix });
    const calls = [
      () => pendingPlanStore.save(plan('1', { email: 'a@example.test' })),
      () => pendingPlanStore.findByGithubId('1'),
      () => pendingPlanStore.findByEmail('a@example.test'),
      () => pendingPlanStore.remove('1'),
    ];
    for (const call of calls) {
      const err = await rejection(call());
      expect(err).toBeInstanceOf(AuthError);
      expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', statusCode: 503 });
    }
  });
});
