import { randomUUID } from 'node:crypto';
import { AuthError, type WebhookConfig, type WebhookDelivery } from 'keyward';
import { createRedisStores, type RedisStores } from 'keyward/redis';
import type { Redis } from 'ioredis';
import { describeWithService } from '../helpers/services';
import { RedisFixture, rejection } from './redis-support';

const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;

/** A time with a non-zero millisecond part, so a round trip that loses milliseconds shows. */
const T0 = new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678));
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

const hook = (extra: Partial<WebhookConfig> = {}): WebhookConfig => ({
  id: `wh-${randomUUID()}`,
  url: 'https://hooks.example.test/in',
  events: ['identity.auth.*'],
  ...extra,
});

const delivery = (webhookId: string, extra: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  id: `dl-${randomUUID()}`,
  webhookId,
  eventId: '1700000000000-0',
  event: 'identity.auth.login.success',
  payload: JSON.stringify({ type: 'identity.auth.login.success', data: { userId: 'u1' } }),
  status: 'pending',
  attempts: 0,
  nextAttemptAt: at(0),
  createdAt: at(0),
  updatedAt: at(0),
  ...extra,
});

describeWithService('redis', 'the Redis webhook store', (url) => {
  const fixture = new RedisFixture(url);
  let client: Redis;
  /** Stores with a prefix of their own, so each test starts from an empty registry and queue. */
  const fresh = (): RedisStores => createRedisStores({ client, keyPrefix: fixture.prefix() });

  beforeAll(() => {
    client = fixture.client();
  });
  afterAll(() => fixture.closeAll());

  it('registers, finds, lists newest first, updates and removes webhooks', async () => {
    const { webhookStore: store } = fresh();
    const older = hook({
      createdAt: at(-SECOND),
      secret: 'whsec_x',
      maxRetries: 5,
      tenantId: 't1',
    });
    const newer = hook({ createdAt: at(0), events: ['*'], isActive: true, provider: 'stripe' });
    await store.add(older);
    await store.add(newer);
    expect(await store.findById(older.id)).toEqual(older);
    expect(await store.findById('wh-none')).toBeNull();
    expect(await store.listAll()).toEqual([newer, older]);
    expect(await store.listAll(1, 1)).toEqual([older]);
    expect(await store.listAll(0)).toEqual([]);
    expect(await store.findByProvider('stripe')).toEqual(newer);
    expect(await store.findByProvider('github')).toBeNull();

    await store.update(older.id, { url: 'https://hooks.example.test/v2', isActive: false });
    expect(await store.findById(older.id)).toEqual({
      ...older,
      url: 'https://hooks.example.test/v2',
      isActive: false,
    });
    await store.update('wh-none', { url: 'https://x.example.test' });
    expect(await store.findById('wh-none')).toBeNull();

    await store.remove(newer.id);
    expect(await store.findById(newer.id)).toBeNull();
    expect(await store.listAll()).toEqual([
      { ...older, url: 'https://hooks.example.test/v2', isActive: false },
    ]);
    expect(await store.findByProvider('stripe')).toBeNull();
  });

  it('gives a webhook without createdAt the time of its registration', async () => {
    const { webhookStore: store } = fresh();
    const before = Date.now();
    const plain = hook();
    await store.add(plain);
    const stored = await store.findById(plain.id);
    expect(stored?.createdAt).toBeInstanceOf(Date);
    expect(stored!.createdAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(stored!.createdAt!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('finds active webhooks by exact name, prefix or "*", global or of the tenant', async () => {
    const { webhookStore: store } = fresh();
    const exact = hook({ events: ['identity.user.created'], createdAt: at(1) });
    const prefixed = hook({ events: ['identity.user.*'], createdAt: at(2) });
    const all = hook({ events: ['*'], createdAt: at(3) });
    const tenant = hook({ events: ['*'], tenantId: 't1', createdAt: at(4) });
    const inactive = hook({ events: ['*'], isActive: false, createdAt: at(5) });
    const otherName = hook({ events: ['identity.user.deleted'], createdAt: at(6) });
    for (const h of [exact, prefixed, all, tenant, inactive, otherName]) await store.add(h);
    const ids = async (event: string, tenantId?: string) =>
      (await store.findByEvent(event, tenantId)).map((h) => h.id).sort();
    expect(await ids('identity.user.created')).toEqual([exact.id, prefixed.id, all.id].sort());
    expect(await ids('identity.user.created', 't1')).toEqual(
      [exact.id, prefixed.id, all.id, tenant.id].sort(),
    );
    expect(await ids('identity.user.created', 't2')).toEqual(
      [exact.id, prefixed.id, all.id].sort(),
    );
    expect(await ids('identity.session.created')).toEqual([all.id]);
  });

  it('loses no field when concurrent updates change different fields', async () => {
    const prefix = fixture.prefix();
    const one = createRedisStores({ client, keyPrefix: prefix }).webhookStore;
    const two = createRedisStores({ client: fixture.client(), keyPrefix: prefix }).webhookStore;
    const target = hook({ createdAt: at(0) });
    await one.add(target);
    const patches: Partial<WebhookConfig>[] = [
      { url: 'https://hooks.example.test/new' },
      { secret: 'whsec_new' },
      { maxRetries: 7 },
      { retryDelayMs: 250 },
      { tenantId: 't9' },
      { isActive: false },
      { provider: 'github' },
      { allowedActions: ['createUser'] },
      { jsScript: 'return 1' },
      { events: ['*'] },
    ];
    await Promise.all(patches.map((patch, i) => (i % 2 ? two : one).update(target.id, patch)));
    expect(await one.findById(target.id)).toEqual(Object.assign({}, target, ...patches));
  });

  it('enqueues idempotently: a delivery whose id is stored already is left as it is', async () => {
    const { webhookStore: store } = fresh();
    const first = delivery('wh-1');
    await store.enqueueDeliveries([first, first]);
    await store.enqueueDeliveries([{ ...first, payload: '{"changed":true}', attempts: 9 }]);
    expect(await store.findDelivery(first.id)).toEqual(first);
    expect(await store.listDeliveries('wh-1')).toEqual([first]);
    expect(await store.claimDueDeliveries(at(0), 10, 30 * SECOND)).toHaveLength(1);
    expect(await store.findDelivery('dl-none')).toBeNull();
  });

  it('claims due deliveries oldest first, leases them, and hands them out again when the lease ends', async () => {
    const { webhookStore: store } = fresh();
    const late = delivery('wh-1', { nextAttemptAt: at(-1 * SECOND) });
    const early = delivery('wh-1', { nextAttemptAt: at(-3 * SECOND) });
    const middle = delivery('wh-2', { nextAttemptAt: at(-2 * SECOND) });
    const future = delivery('wh-1', { nextAttemptAt: at(60 * SECOND) });
    const done = delivery('wh-1', { status: 'delivered', nextAttemptAt: at(-9 * SECOND) });
    await store.enqueueDeliveries([late, early, middle, future, done]);

    const claimed = await store.claimDueDeliveries(at(0), 2, 30 * SECOND);
    expect(claimed.map((d) => d.id)).toEqual([early.id, middle.id]);
    expect(claimed[0]).toEqual({ ...early, nextAttemptAt: at(30 * SECOND), updatedAt: at(0) });
    expect(await store.findDelivery(early.id)).toEqual(claimed[0]);

    expect((await store.claimDueDeliveries(at(0), 10, 30 * SECOND)).map((d) => d.id)).toEqual([
      late.id,
    ]);
    expect(await store.claimDueDeliveries(at(1), 10, 30 * SECOND)).toEqual([]);
    expect(await store.claimDueDeliveries(at(0), 0, 30 * SECOND)).toEqual([]);
    // Leases of 30 s from 0: at 31 s the three are due again, with the future one (due at 60 s) not yet.
    const again = await store.claimDueDeliveries(at(31 * SECOND), 10, 30 * SECOND);
    expect(again.map((d) => d.id).sort()).toEqual([early.id, middle.id, late.id].sort());
  });

  it('never hands one delivery to two claimers, however many claim at once on two connections', async () => {
    const prefix = fixture.prefix();
    const one = createRedisStores({ client, keyPrefix: prefix }).webhookStore;
    const two = createRedisStores({ client: fixture.client(), keyPrefix: prefix }).webhookStore;
    const queued = Array.from({ length: 40 }, (_, i) =>
      delivery(`wh-${i % 4}`, { nextAttemptAt: at(-i) }),
    );
    await one.enqueueDeliveries(queued);
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? two : one).claimDueDeliveries(at(0), 5, 60_000),
      ),
    );
    const ids = claims.flat().map((d) => d.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(await one.claimDueDeliveries(at(0), 100, 60_000)).toEqual([]);
  });

  it('records attempts: pending is due again, delivered and dead leave the queue, a replay resets', async () => {
    const { webhookStore: store } = fresh();
    const d = delivery('wh-1');
    await store.enqueueDeliveries([d]);
    await store.recordAttempt(d.id, {
      status: 'pending',
      httpStatus: 503,
      error: 'HTTP 503',
      nextAttemptAt: at(5 * SECOND),
      at: at(1),
    });
    expect(await store.findDelivery(d.id)).toEqual({
      ...d,
      attempts: 1,
      lastStatus: 503,
      lastError: 'HTTP 503',
      nextAttemptAt: at(5 * SECOND),
      updatedAt: at(1),
    });
    expect(await store.claimDueDeliveries(at(4 * SECOND), 10, 1000)).toEqual([]);
    expect(await store.claimDueDeliveries(at(5 * SECOND), 10, 1000)).toHaveLength(1);

    await store.recordAttempt(d.id, { status: 'dead', error: 'timed out', at: at(2) });
    const dead = await store.findDelivery(d.id);
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: 2,
      lastStatus: 503,
      lastError: 'timed out',
    });
    expect(await store.claimDueDeliveries(at(DAY), 10, 1000)).toEqual([]);

    await store.requeueDelivery(d.id, at(10 * SECOND));
    expect(await store.findDelivery(d.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at(10 * SECOND),
      updatedAt: at(10 * SECOND),
    });
    expect((await store.claimDueDeliveries(at(10 * SECOND), 10, 1000)).map((x) => x.id)).toEqual([
      d.id,
    ]);

    await store.recordAttempt(d.id, { status: 'delivered', httpStatus: 204, at: at(11 * SECOND) });
    const delivered = await store.findDelivery(d.id);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 204 });
    expect(delivered).not.toHaveProperty('lastError');
    expect(await store.claimDueDeliveries(at(DAY), 10, 1000)).toEqual([]);

    // Unknown ids change nothing and create nothing.
    await store.recordAttempt('dl-none', { status: 'delivered', httpStatus: 200, at: at(0) });
    await store.requeueDelivery('dl-none', at(0));
    expect(await store.findDelivery('dl-none')).toBeNull();
  });

  it('lists a webhook’s deliveries newest first, by status, page by page', async () => {
    const { webhookStore: store } = fresh();
    const list = Array.from({ length: 7 }, (_, i) =>
      delivery('wh-a', { createdAt: at(i * SECOND), status: i % 3 === 0 ? 'dead' : 'pending' }),
    );
    await store.enqueueDeliveries([...list, delivery('wh-b')]);
    const ids = (ds: WebhookDelivery[]) => ds.map((d) => d.id);
    const newestFirst = [...list].reverse();
    expect(ids(await store.listDeliveries('wh-a'))).toEqual(ids(newestFirst));
    expect(ids(await store.listDeliveries('wh-a', { limit: 2, offset: 1 }))).toEqual(
      ids(newestFirst.slice(1, 3)),
    );
    const dead = newestFirst.filter((d) => d.status === 'dead');
    expect(ids(await store.listDeliveries('wh-a', { status: 'dead' }))).toEqual(ids(dead));
    expect(
      ids(await store.listDeliveries('wh-a', { status: 'dead', offset: 1, limit: 1 })),
    ).toEqual([dead[1]!.id]);
    expect(await store.listDeliveries('wh-a', { status: 'delivered' })).toEqual([]);
    expect(await store.listDeliveries('wh-none')).toEqual([]);
  });

  it('removes a webhook with its deliveries, leaving other webhooks’ deliveries', async () => {
    const { webhookStore: store } = fresh();
    const gone = hook();
    const stays = hook();
    await store.add(gone);
    await store.add(stays);
    const goneDeliveries = [delivery(gone.id), delivery(gone.id, { status: 'dead' })];
    const kept = delivery(stays.id);
    await store.enqueueDeliveries([...goneDeliveries, kept]);
    await store.remove(gone.id);
    for (const d of goneDeliveries) expect(await store.findDelivery(d.id)).toBeNull();
    expect(await store.listDeliveries(gone.id)).toEqual([]);
    expect((await store.claimDueDeliveries(at(0), 10, 1000)).map((d) => d.id)).toEqual([kept.id]);
  });

  it('keeps awkward payload text exact through leases and attempts', async () => {
    const { webhookStore: store } = fresh();
    const payload = JSON.stringify({
      text: 'héllo ✓ "q" </script> \\ 😀 \u0000 \u2028',
      n: 1234567890123,
    });
    const d = delivery('wh-1', { payload });
    await store.enqueueDeliveries([d]);
    const [claimed] = await store.claimDueDeliveries(at(0), 1, 1000);
    expect(claimed!.payload).toBe(payload);
    await store.recordAttempt(d.id, {
      status: 'pending',
      error: 'résumé 😀 "x"',
      nextAttemptAt: at(1),
      at: at(1),
    });
    expect(await store.findDelivery(d.id)).toMatchObject({ payload, lastError: 'résumé 😀 "x"' });
    // A lone surrogate cannot be sent as UTF-8: it is stored as U+FFFD, as sending would make it.
    const lone = delivery('wh-1', { payload: 'a\uD800b' });
    await store.enqueueDeliveries([lone]);
    expect((await store.findDelivery(lone.id))!.payload).toBe('a\uFFFDb');
    expect(await store.claimDueDeliveries(at(2), 5, 1000)).toHaveLength(2);
  });

  it('rejects every call with STORE_UNAVAILABLE (503) when Redis cannot be reached', async () => {
    const down = await fixture.unreachableClient({ enableOfflineQueue: false });
    const { webhookStore: s } = createRedisStores({ client: down, keyPrefix: fixture.prefix() });
    const calls = [
      () => s.findByEvent('x'),
      () => s.findByProvider('p'),
      () => s.listAll(),
      () => s.findById('w'),
      () => s.add(hook()),
      () => s.update('w', { url: 'https://x.example.test' }),
      () => s.remove('w'),
      () => s.enqueueDeliveries([delivery('w')]),
      () => s.claimDueDeliveries(at(0), 1, 1000),
      () => s.recordAttempt('d', { status: 'dead', error: 'x', at: at(0) }),
      () => s.findDelivery('d'),
      () => s.listDeliveries('w', { status: 'dead' }),
      () => s.requeueDelivery('d', at(0)),
    ];
    for (const call of calls) {
      const err = await rejection(call());
      expect(err).toBeInstanceOf(AuthError);
      expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', statusCode: 503 });
    }
  });
});
