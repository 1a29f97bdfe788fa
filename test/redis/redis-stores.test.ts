import { AuthError } from 'keyward';
import {
  RedisPendingLinkStore,
  RedisRateLimitStore,
  createRedisStores,
  type RedisStores,
} from 'keyward/redis';
import type { Redis } from 'ioredis';
import { sleep } from '../helpers/app';
import { describeWithService } from '../helpers/services';
import { RedisFixture, rotation, sessionFor } from './redis-support';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

function expectStoreUnavailable(err: unknown) {
  expect(err).toBeInstanceOf(AuthError);
  expect(err).toMatchObject({
    code: 'STORE_UNAVAILABLE',
    statusCode: 503,
    message: 'The data store is unavailable',
  });
}

describeWithService('redis', 'Redis pending-link and rate-limit stores, and outages', (url) => {
  const fixture = new RedisFixture(url);
  let client: Redis;
  let prefix: string;
  let stores: RedisStores;
  let userSeq = 0;
  const newUser = () => `user-${++userSeq}`;

  beforeAll(() => {
    client = fixture.client();
    prefix = fixture.prefix();
    stores = createRedisStores({ client, keyPrefix: prefix });
  });
  afterAll(() => fixture.closeAll());

  describe('pending links', () => {
    it('stashes, retrieves case-insensitively by email, per provider, and removes', async () => {
      const store = stores.pendingLinkStore;
      await store.stash('Ada@Example.TEST', 'github', 'gh-1');
      await store.stash('ada@example.test', 'google', 'g-1');
      expect(await store.retrieve('ADA@example.test', 'github')).toEqual({
        providerAccountId: 'gh-1',
      });
      expect(await store.retrieve('ada@example.test', 'google')).toEqual({
        providerAccountId: 'g-1',
      });
      expect(await store.retrieve('ada@example.test', 'gitlab')).toBeNull();

      await store.stash('ada@example.test', 'github', 'gh-2');
      expect(await store.retrieve('ada@example.test', 'github')).toEqual({
        providerAccountId: 'gh-2',
      });

      await store.remove('ADA@EXAMPLE.TEST', 'github');
      expect(await store.retrieve('ada@example.test', 'github')).toBeNull();
      expect(await store.retrieve('ada@example.test', 'google')).toEqual({
        providerAccountId: 'g-1',
      });
    });

    it('stores each link with its TTL and forgets it when the TTL ends', async () => {
      const defaults = createRedisStores({ client, keyPrefix: prefix }).pendingLinkStore;
      await defaults.stash('ttl@example.test', 'github', 'gh-ttl');
      const pttl = await client.pttl(`${prefix}pending-link:github:ttl@example.test`);
      expect(pttl).toBeGreaterThan(3590_000);
      expect(pttl).toBeLessThanOrEqual(3600_000);

      const short = new RedisPendingLinkStore(client, { keyPrefix: prefix, ttlSeconds: 0.3 });
      await short.stash('brief@example.test', 'github', 'gh-3');
      expect(await short.retrieve('brief@example.test', 'github')).toEqual({
        providerAccountId: 'gh-3',
      });
      await sleep(450);
      expect(await short.retrieve('brief@example.test', 'github')).toBeNull();
    });

    it('keeps providers with a colon apart from emails with one', async () => {
      const store = stores.pendingLinkStore;
      await store.stash('b:c@example.test', 'a', 'first');
      await store.stash('c@example.test', 'a:b', 'second');
      expect(await store.retrieve('b:c@example.test', 'a')).toEqual({ providerAccountId: 'first' });
      expect(await store.retrieve('c@example.test', 'a:b')).toEqual({
        providerAccountId: 'second',
      });
    });
  });

  describe('rate limits', () => {
    it('counts 50 concurrent hits from several connections: each count from 1 to 50 exactly once', async () => {
      const connections = [
        client,
        fixture.client(),
        fixture.client(),
        fixture.client(),
        fixture.client(),
      ];
      const limiters = connections.map((c) => new RedisRateLimitStore(c, { keyPrefix: prefix }));
      const before = Date.now();
      const hits = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          limiters[i % limiters.length]!.hit('login:burst', 60_000),
        ),
      );
      expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      for (const h of hits) {
        expect(h.resetAt.getTime()).toBeGreaterThan(before + 59_000);
        expect(h.resetAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
      }
    });

    it('starts a new window when the old one ends, and keeps the end of a window fixed', async () => {
      const store = stores.rateLimitStore;
      const first = await store.hit('ip:window', 300);
      const second = await store.hit('ip:window', 300);
      expect([first.count, second.count]).toEqual([1, 2]);
      // A fixed window: later hits do not push its end back.
      expect(Math.abs(second.resetAt.getTime() - first.resetAt.getTime())).toBeLessThan(50);

      await sleep(400);
      const fresh = await store.hit('ip:window', 300);
      expect(fresh.count).toBe(1);
      expect(fresh.resetAt.getTime()).toBeGreaterThan(first.resetAt.getTime());
    });

    it('resets a key on demand and counts keys separately', async () => {
      const store = stores.rateLimitStore;
      await store.hit('ip:reset', 60_000);
      await store.hit('ip:reset', 60_000);
      expect((await store.hit('ip:other', 60_000)).count).toBe(1);
      await store.reset('ip:reset');
      expect((await store.hit('ip:reset', 60_000)).count).toBe(1);
      expect((await store.hit('ip:other', 60_000)).count).toBe(2);
    });

    it('refuses a window that is not a positive number of milliseconds', async () => {
      await expect(stores.rateLimitStore.hit('ip:bad', 0)).rejects.toThrow(RangeError);
      await expect(stores.rateLimitStore.hit('ip:bad', Number.NaN)).rejects.toThrow(RangeError);
    });
  });

  describe('two-factor state', () => {
    it('keeps the step, the codes and used ids under the prefix, used ids with their TTL', async () => {
      const userId = newUser();
      const tf = stores.twoFactorStore;
      expect(await tf.recordTotpStep(userId, 58_000_002)).toBe(true);
      expect(await tf.recordTotpStep(userId, 58_000_001)).toBe(false);
      expect(await client.get(`${prefix}totp-step:${userId}`)).toBe('58000002');

      await tf.replaceRecoveryCodes(userId, ['c1', 'c2', 'c3', 'c1']);
      expect((await client.smembers(`${prefix}recovery-codes:${userId}`)).sort()).toEqual([
        'c1',
        'c2',
        'c3',
      ]);
      expect(await tf.consumeRecoveryCode(userId, 'c2')).toBe(true);
      expect(await tf.countRecoveryCodes(userId)).toBe(2);
      await tf.replaceRecoveryCodes(userId, []);
      expect(await client.exists(`${prefix}recovery-codes:${userId}`)).toBe(0);

      const id = `jti-${userId}`;
      expect(await tf.markUsed(id, new Date(Date.now() + 60_000))).toBe(true);
      const ttl = await client.pttl(`${prefix}used-id:${id}`);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(await tf.markUsed(id, new Date(Date.now() + 60_000))).toBe(false);

      const brief = `jti-brief-${userId}`;
      expect(await tf.markUsed(brief, new Date(Date.now() + 200))).toBe(true);
      await sleep(300);
      // Forgotten once expired, as the interface allows.
      expect(await client.exists(`${prefix}used-id:${brief}`)).toBe(0);

      await tf.replaceRecoveryCodes(userId, ['c4']);
      await tf.clearUser(userId);
      expect(await client.exists(`${prefix}totp-step:${userId}`)).toBe(0);
      expect(await client.exists(`${prefix}recovery-codes:${userId}`)).toBe(0);
      expect(await tf.recordTotpStep(userId, 1)).toBe(true);
      await tf.clearUser(userId);
    });

    it('lets one of 20 concurrent calls win from several connections', async () => {
      const userId = newUser();
      const others = [fixture.client(), fixture.client(), fixture.client()].map((c) =>
        createRedisStores({ client: c, keyPrefix: prefix }),
      );
      const on = (i: number) => others[i % others.length]!.twoFactorStore;
      const steps = await Promise.all(
        Array.from({ length: 20 }, (_, i) => on(i).recordTotpStep(userId, 42)),
      );
      expect(steps.filter(Boolean)).toHaveLength(1);
      await stores.twoFactorStore.replaceRecoveryCodes(userId, ['once']);
      const uses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => on(i).consumeRecoveryCode(userId, 'once')),
      );
      expect(uses.filter(Boolean)).toHaveLength(1);
      const marks = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          on(i).markUsed(`jti-race-${userId}`, new Date(Date.now() + 60_000)),
        ),
      );
      expect(marks.filter(Boolean)).toHaveLength(1);
      await stores.twoFactorStore.clearUser(userId);
    });
  });

  describe('when Redis cannot be reached', () => {
    const apiKey = {
      id: 'k',
      name: 'n',
      keyPrefix: 'ak_00000000',
      keyHash: '0'.repeat(64),
      scopes: [],
      isActive: true,
      createdAt: new Date(),
    };
    const usage = {
      keyPrefix: 'ak_0',
      ip: '::1',
      path: '/',
      method: 'GET',
      success: true,
      at: new Date(),
    };

    /** One call of every store method. */
    function everyCall(s: RedisStores): Array<[string, () => Promise<unknown>]> {
      const next = rotation('h1', 'h0');
      return [
        ['createSession', () => s.sessionStore.createSession(sessionFor('u'))],
        ['getSession', () => s.sessionStore.getSession('h')],
        ['getSessionsForUser', () => s.sessionStore.getSessionsForUser('u')],
        ['updateSessionLastActive', () => s.sessionStore.updateSessionLastActive('h')],
        ['revokeSession', () => s.sessionStore.revokeSession('h')],
        ['revokeAllSessionsForUser', () => s.sessionStore.revokeAllSessionsForUser('u', 't')],
        ['rotateRefreshToken', () => s.sessionStore.rotateRefreshToken('h', 'h0', next)],
        ['getAllSessions', () => s.sessionStore.getAllSessions!()],
        ['stash', () => s.pendingLinkStore.stash('a@example.test', 'github', 'x')],
        ['retrieve', () => s.pendingLinkStore.retrieve('a@example.test', 'github')],
        ['remove', () => s.pendingLinkStore.remove('a@example.test', 'github')],
        ['hit', () => s.rateLimitStore.hit('k', 1000)],
        ['reset', () => s.rateLimitStore.reset('k')],
        ['recordTotpStep', () => s.twoFactorStore.recordTotpStep('u', 1)],
        ['replaceRecoveryCodes', () => s.twoFactorStore.replaceRecoveryCodes('u', ['c'])],
        ['consumeRecoveryCode', () => s.twoFactorStore.consumeRecoveryCode('u', 'c')],
        ['countRecoveryCodes', () => s.twoFactorStore.countRecoveryCodes('u')],
        ['markUsed', () => s.twoFactorStore.markUsed('id', new Date(Date.now() + 60_000))],
        ['clearUser', () => s.twoFactorStore.clearUser('u')],
        ['save', () => s.apiKeyStore.save(apiKey)],
        ['findByPrefix', () => s.apiKeyStore.findByPrefix('ak_00000000')],
        ['findById', () => s.apiKeyStore.findById('k')],
        ['revoke', () => s.apiKeyStore.revoke('k')],
        ['updateLastUsed', () => s.apiKeyStore.updateLastUsed('k')],
        ['logUsage', () => s.apiKeyStore.logUsage(usage)],
        ['listKeys', () => s.apiKeyStore.listKeys({ filter: 'x' })],
        ['listUsage', () => s.apiKeyStore.listUsage('k')],
        ['delete', () => s.apiKeyStore.delete('k')],
      ];
    }

    it('rejects every call with STORE_UNAVAILABLE (503) when nothing listens on the port', async () => {
      const down = await fixture.unreachableClient({ enableOfflineQueue: false });
      const s = createRedisStores({ client: down, keyPrefix: prefix });
      for (const [, call] of everyCall(s)) expectStoreUnavailable(await rejection(call()));
    });

    it('rejects quickly with STORE_UNAVAILABLE when the client gives up retrying a queued command', async () => {
      // Offline queue on (the ioredis default), one retry: the command waits for one failed
      // reconnection, then ioredis rejects it.
      const down = await fixture.unreachableClient({
        lazyConnect: false,
        maxRetriesPerRequest: 1,
        retryStrategy: () => 20,
      });
      const s = createRedisStores({ client: down, keyPrefix: prefix });
      const started = Date.now();
      expectStoreUnavailable(await rejection(s.sessionStore.getSession('h')));
      expectStoreUnavailable(await rejection(s.rateLimitStore.hit('k', 1000)));
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('rejects every call with STORE_UNAVAILABLE once the client is disconnected', async () => {
      const closing = fixture.client();
      await closing.ping();
      const s = createRedisStores({ client: closing, keyPrefix: prefix });
      expect(await s.sessionStore.getSession('h')).toBeNull();
      closing.disconnect();
      for (const [, call] of everyCall(s)) expectStoreUnavailable(await rejection(call()));
    });

    it('does not disguise a Redis error that is not an outage', async () => {
      const userId = newUser();
      // The user's index key holds a string: SADD fails with WRONGTYPE, a bug, not an outage.
      await client.set(`${prefix}user-sessions:${userId}`, 'not a set');
      const err = await rejection(stores.sessionStore.createSession(sessionFor(userId)));
      expect(err).not.toBeInstanceOf(AuthError);
      expect(String(err)).toMatch(/WRONGTYPE/);
    });
  });
});
