import { AuthError, type AuthEventPayload, type LoggedEvent } from 'keyward';
import { createRedisStores, RedisEventLog, type RedisStores } from 'keyward/redis';
import {
  checkEventLog,
  checkWebhookStore,
  formatReport,
  type ConformanceReport,
} from 'keyward/testing';
import type { Redis } from 'ioredis';
import { describeWithService } from '../helpers/services';
import { RedisFixture, rejection } from './redis-support';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const event = (name: string, extra: Partial<AuthEventPayload> = {}): AuthEventPayload => ({
  event: name,
  timestamp: new Date().toISOString(),
  ...extra,
});

/** Orders stream ids numerically (`<ms>-<seq>`), independently of the store under test. */
const byStreamId = (a: string, b: string) => {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? Number(as - bs) : Number(am - bm);
};

describeWithService('redis', 'the Redis event log', (url) => {
  const fixture = new RedisFixture(url);
  let client: Redis;
  /** Stores with a prefix of their own, so each test starts from an empty log. */
  const fresh = (): RedisStores => createRedisStores({ client, keyPrefix: fixture.prefix() });

  beforeAll(() => {
    client = fixture.client();
  });
  afterAll(() => fixture.closeAll());

  it('gives 20 concurrent appends unique, ordered ids and reads them back in that order', async () => {
    const { eventLog } = fresh();
    const appended = await Promise.all(
      Array.from({ length: 20 }, (_, n) => eventLog.append(event('app.tick', { data: { n } }))),
    );
    const ids = appended.map((e) => e.id);
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) expect(id).toMatch(/^\d+-\d+$/);
    const read = await eventLog.readAfter(null, 100);
    expect(read.map((e) => e.id)).toEqual([...ids].sort(byStreamId));
    expect(read).toEqual(expect.arrayContaining(appended));
  });

  it('reads strictly after the given id, at most limit entries, across batches', async () => {
    const { eventLog } = fresh();
    const ids: string[] = [];
    for (let n = 0; n < 8; n++)
      ids.push((await eventLog.append(event('app.step', { data: { n } }))).id);
    expect((await eventLog.readAfter(ids[2]!, 3)).map((e) => e.id)).toEqual(ids.slice(3, 6));
    expect((await eventLog.readAfter(ids[7]!, 10)).map((e) => e.id)).toEqual([]);
    expect((await eventLog.readAfter(null, 2)).map((e) => e.id)).toEqual(ids.slice(0, 2));
    expect(await eventLog.readAfter(null, 0)).toEqual([]);
    const [first] = await eventLog.readAfter(ids[0]!, 1);
    expect(first).toMatchObject({ id: ids[1], event: 'app.step', data: { n: 1 } });
  });

  it('reads from the oldest entry for an id that is not a stream id, and for a pruned one', async () => {
    const { eventLog } = fresh();
    const old = await eventLog.append(
      event('app.old', { timestamp: new Date(Date.now() - 3 * DAY).toISOString() }),
    );
    const kept = await eventLog.append(event('app.kept'));
    for (const garbage of ['garbage', '', '12', '1-2-3', '-1-0', '99999999999999999999999-0']) {
      expect((await eventLog.readAfter(garbage, 10)).map((e) => e.id)).toEqual([old.id, kept.id]);
    }
    expect(await eventLog.prune(new Date(Date.now() - DAY))).toBe(1);
    expect((await eventLog.readAfter(old.id, 10)).map((e) => e.id)).toEqual([kept.id]);
    expect((await eventLog.readAfter('0-1', 10)).map((e) => e.id)).toEqual([kept.id]);
  });

  it('keeps topic, data and every context field, and takes nothing of a given id', async () => {
    const { eventLog } = fresh();
    const input = event('notification', {
      userId: 'u-1',
      tenantId: 't-1',
      sessionId: 's-1',
      ip: '203.0.113.9',
      data: { text: 'héllo ✓ "quoted" / \\ 😀', nested: { list: [1, null, true] } },
    });
    const logged = await eventLog.append({ ...input, topic: 'user:u-1' });
    expect(logged).toEqual({ ...input, topic: 'user:u-1', id: logged.id });
    await eventLog.save({ ...event('app.saved'), id: 'my-own-id' });
    const read = await eventLog.readAfter(null, 10);
    expect(read).toEqual([logged, expect.objectContaining({ event: 'app.saved' })]);
    expect(read[1]!.id).not.toBe('my-own-id');
    expect(read[1]!.id).toMatch(/^\d+-\d+$/);
  });

  it('queries newest first with event, prefix, user, tenant and paging filters', async () => {
    const { eventLog } = fresh();
    const a = await eventLog.append(
      event('identity.auth.login.success', { userId: 'u1', tenantId: 't1' }),
    );
    const b = await eventLog.append(event('identity.auth.logout', { userId: 'u1' }));
    const c = await eventLog.append(
      event('identity.user.created', { userId: 'u2', tenantId: 't1' }),
    );
    const d = await eventLog.append(event('app.custom', { userId: 'u2' }));
    const ids = (list: LoggedEvent[]) => list.map((e) => e.id);
    expect(ids(await eventLog.query({}))).toEqual([d.id, c.id, b.id, a.id]);
    expect(ids(await eventLog.query({ event: 'identity.auth.*' }))).toEqual([b.id, a.id]);
    expect(ids(await eventLog.query({ event: 'identity.auth.logout' }))).toEqual([b.id]);
    expect(ids(await eventLog.query({ event: 'identity.auth' }))).toEqual([]);
    expect(ids(await eventLog.query({ userId: 'u2' }))).toEqual([d.id, c.id]);
    expect(ids(await eventLog.query({ tenantId: 't1' }))).toEqual([c.id, a.id]);
    expect(ids(await eventLog.query({ userId: 'u1', tenantId: 't1' }))).toEqual([a.id]);
    expect(ids(await eventLog.query({ limit: 2, offset: 1 }))).toEqual([c.id, b.id]);
    expect(ids(await eventLog.query({ limit: 0 }))).toEqual([]);
    expect(ids(await eventLog.query({ offset: 4 }))).toEqual([]);
  });

  it('bounds queries and daily counts by each event’s own time, however late it was appended', async () => {
    const { eventLog } = fresh();
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    // Appended now, but stamped days ago (an import): the stream id cannot place these.
    const twoDays = await eventLog.append(event('app.seen', { timestamp: iso(now - 2 * DAY) }));
    const oneDay = await eventLog.append(
      event('app.seen', { timestamp: iso(now - DAY), tenantId: 't1' }),
    );
    const recent = await eventLog.append(event('app.seen', { timestamp: iso(now - 1000) }));
    const other = await eventLog.append(event('app.other', { timestamp: iso(now - 500) }));
    const ids = (list: LoggedEvent[]) => list.map((e) => e.id);

    expect(
      ids(
        await eventLog.query({
          from: new Date(now - DAY - MINUTE),
          to: new Date(now - DAY + MINUTE),
        }),
      ),
    ).toEqual([oneDay.id]);
    expect(ids(await eventLog.query({ to: new Date(now - DAY) }))).toEqual([oneDay.id, twoDays.id]);
    expect(ids(await eventLog.query({ from: new Date(now - DAY) }))).toEqual([
      other.id,
      recent.id,
      oneDay.id,
    ]);
    expect(
      ids(await eventLog.query({ from: new Date(now - 1000), to: new Date(now - 1000) })),
    ).toEqual([recent.id]);
    expect(ids(await eventLog.query({ from: new Date(now), to: new Date(now - DAY) }))).toEqual([]);
    expect(
      ids(
        await eventLog.query({
          from: new Date(now - 3 * DAY),
          to: new Date(now),
          offset: 1,
          limit: 2,
        }),
      ),
    ).toEqual([recent.id, oneDay.id]);

    const day = (ms: number) => iso(ms).slice(0, 10);
    const counts = await eventLog.countByDay(['app.seen'], new Date(now - 3 * DAY), new Date(now));
    const expected = [
      { day: day(now - 2 * DAY), event: 'app.seen', count: 1 },
      { day: day(now - DAY), event: 'app.seen', count: 1 },
      { day: day(now - 1000), event: 'app.seen', count: 1 },
    ];
    expect(counts).toEqual(expected);
    expect(
      await eventLog.countByDay(
        ['app.seen', 'app.other'],
        new Date(now - DAY - MINUTE),
        new Date(now - DAY + MINUTE),
        't1',
      ),
    ).toEqual([{ day: day(now - DAY), event: 'app.seen', count: 1 }]);
    expect(
      await eventLog.countByDay(
        ['app.seen'],
        new Date(now - 3 * DAY),
        new Date(now - 2 * DAY - MINUTE),
      ),
    ).toEqual([]);
    expect(await eventLog.countByDay([], new Date(now - 3 * DAY), new Date(now))).toEqual([]);
  });

  it('counts per UTC day and event, sorted, over many entries', async () => {
    const { eventLog } = fresh();
    const now = Date.now();
    for (let i = 0; i < 30; i++) await eventLog.append(event(i % 3 ? 'app.b' : 'app.a'));
    const today = new Date(now).toISOString().slice(0, 10);
    const counts = await eventLog.countByDay(
      ['app.a', 'app.b', 'app.none'],
      new Date(now - MINUTE),
      new Date(Date.now() + MINUTE),
    );
    // Appends crossing midnight would split a day: count the total per event instead then.
    const total = (name: string) =>
      counts.filter((c) => c.event === name).reduce((n, c) => n + c.count, 0);
    expect(total('app.a')).toBe(10);
    expect(total('app.b')).toBe(20);
    if (counts.length === 2)
      expect(counts.map((c) => [c.day, c.event])).toEqual([
        [today, 'app.a'],
        [today, 'app.b'],
      ]);
  });

  it('prunes exactly the entries older than the given time, and returns how many', async () => {
    const { eventLog } = fresh();
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const stamps = [now - 10 * DAY, now - 2 * DAY, now - 5000, now - 2000, now - 1, now + 1000];
    const appended: LoggedEvent[] = [];
    for (const ms of stamps)
      appended.push(await eventLog.append(event('app.x', { timestamp: iso(ms) })));
    // `before` falls within a second of the newest appends: only the comparison of each
    // entry's own time can tell these apart.
    expect(await eventLog.prune(new Date(now - 3000))).toBe(3);
    expect((await eventLog.readAfter(null, 10)).map((e) => e.id)).toEqual(
      appended.slice(3).map((e) => e.id),
    );
    expect(await eventLog.prune(new Date(now - 3000))).toBe(0);
    expect(await eventLog.prune(new Date(now))).toBe(2);
    expect((await eventLog.query({})).map((e) => e.id)).toEqual([appended[5]!.id]);
    expect(await eventLog.countByDay(['app.x'], new Date(now - 20 * DAY), new Date(now))).toEqual(
      [],
    );
  });

  it('shares named cursors between instances', async () => {
    const prefix = fixture.prefix();
    const one = createRedisStores({ client, keyPrefix: prefix }).eventLog;
    const two = createRedisStores({ client: fixture.client(), keyPrefix: prefix }).eventLog;
    expect(await one.getCursor('webhooks')).toBeNull();
    await one.setCursor('webhooks', '1700000000000-3');
    expect(await two.getCursor('webhooks')).toBe('1700000000000-3');
    await two.setCursor('webhooks', '1700000000001-0');
    expect(await one.getCursor('webhooks')).toBe('1700000000001-0');
    expect(await one.getCursor('other')).toBeNull();
  });

  it('keeps its keys under the prefix, and caps the stream near maxLen', async () => {
    const prefix = fixture.prefix();
    const capped = new RedisEventLog(client, { keyPrefix: prefix, maxLen: 10 });
    for (let i = 0; i < 250; i++) await capped.append(event('app.flood'));
    expect(await client.type(`${prefix}events`)).toBe('stream');
    const length = await client.xlen(`${prefix}events`);
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(250);
    expect(() => new RedisEventLog(client, { maxLen: 0 })).toThrow(RangeError);
  });

  it('rejects every call with STORE_UNAVAILABLE (503) when Redis cannot be reached', async () => {
    const down = await fixture.unreachableClient({ enableOfflineQueue: false });
    const { eventLog } = createRedisStores({ client: down, keyPrefix: fixture.prefix() });
    const calls = [
      () => eventLog.append(event('app.x')),
      () => eventLog.readAfter(null, 10),
      () => eventLog.query({}),
      () => eventLog.countByDay(['app.x'], new Date(0), new Date()),
      () => eventLog.prune(new Date()),
      () => eventLog.getCursor('c'),
      () => eventLog.setCursor('c', '1-0'),
    ];
    for (const call of calls) {
      const err = await rejection(call());
      expect(err).toBeInstanceOf(AuthError);
      expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', statusCode: 503 });
    }
  });
});

describeWithService('redis', 'the Redis event tools against the conformance kit', (url) => {
  const fixture = new RedisFixture(url);
  let stores: RedisStores;

  beforeAll(() => {
    stores = createRedisStores({ client: fixture.client(), keyPrefix: fixture.prefix() });
  });
  afterAll(() => fixture.closeAll());

  function expectConformant(report: ConformanceReport) {
    console.log(formatReport(report));
    expect(report.failures).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.passed.length).toBeGreaterThan(0);
  }

  it('the event log passes every event log check', async () => {
    expectConformant(await checkEventLog(stores.eventLog, { optional: 'require' }));
  });

  it('the webhook store passes every webhook store check, optional methods included', async () => {
    expectConformant(await checkWebhookStore(stores.webhookStore, { optional: 'require' }));
  });
});
