import type { AuthEventPayload, LoggedEvent } from 'keyward';
import { createRedisStores } from 'keyward/redis';
import { describeWithService } from '../helpers/services';
import { eventually, RedisFixture, rejection } from './redis-support';

const event = (name: string, extra: Partial<AuthEventPayload> = {}): AuthEventPayload => ({
  event: name,
  timestamp: new Date().toISOString(),
  ...extra,
});

describeWithService('redis', 'the Redis event broadcast', (url) => {
  const fixture = new RedisFixture(url);
  afterAll(() => fixture.closeAll());

  const logged = (name: string, id: string): LoggedEvent => ({
    ...event(name, { userId: 'u-7', data: { ok: true } }),
    id,
  });

  it('carries an event from one connection to subscribers on another, and to its own', async () => {
    const prefix = fixture.prefix();
    const here = createRedisStores({ client: fixture.client(), keyPrefix: prefix }).eventBroadcast;
    const there = createRedisStores({ client: fixture.client(), keyPrefix: prefix }).eventBroadcast;
    const heardThere: LoggedEvent[] = [];
    const heardHere: LoggedEvent[] = [];
    await there.subscribe((e) => heardThere.push(e));
    await here.subscribe((e) => heardHere.push(e));
    const sent = { ...logged('identity.auth.login.success', '1700000000000-0'), topic: 'user:u-7' };
    await here.publish(sent);
    await eventually(() => expect(heardThere).toEqual([sent]));
    await eventually(() => expect(heardHere).toEqual([sent]));
    await here.close();
    await there.close();
  });

  it('ignores messages that are not logged events, and channels of other prefixes', async () => {
    const prefix = fixture.prefix();
    const raw = fixture.client();
    const broadcast = createRedisStores({
      client: fixture.client(),
      keyPrefix: prefix,
    }).eventBroadcast;
    const elsewhere = createRedisStores({
      client: raw,
      keyPrefix: fixture.prefix(),
    }).eventBroadcast;
    const heard: LoggedEvent[] = [];
    await broadcast.subscribe((e) => heard.push(e));
    for (const junk of [
      'not json',
      '{"event":',
      '42',
      'null',
      '[]',
      '{"event":"x","timestamp":"t"}',
    ]) {
      await raw.publish(`${prefix}events`, junk);
    }
    await elsewhere.publish(logged('app.elsewhere', '1-0'));
    const last = logged('app.last', '2-0');
    await raw.publish(`${prefix}events`, JSON.stringify(last));
    await eventually(() => expect(heard).toEqual([last]));
    await broadcast.close();
  });

  it('stops a listener that unsubscribed, and releases its connection with the last one and on close', async () => {
    const prefix = fixture.prefix();
    const raw = fixture.client();
    const channel = `${prefix}events`;
    const listeners = async () => ((await raw.pubsub('NUMSUB', channel)) as [string, number])[1];
    const broadcast = createRedisStores({
      client: fixture.client(),
      keyPrefix: prefix,
    }).eventBroadcast;
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = await broadcast.subscribe((e) => first.push(e.id));
    const stopSecond = await broadcast.subscribe((e) => second.push(e.id));
    expect(await listeners()).toBe(1); // one connection, shared
    await broadcast.publish(logged('app.a', '1-1'));
    await eventually(() => expect(second).toEqual(['1-1']));
    await stopFirst();
    await broadcast.publish(logged('app.b', '1-2'));
    await eventually(() => expect(second).toEqual(['1-1', '1-2']));
    expect(first).toEqual(['1-1']);
    await stopSecond();
    await eventually(async () => expect(await listeners()).toBe(0));
    await broadcast.subscribe(() => undefined);
    expect(await listeners()).toBe(1);
    await broadcast.close();
    await eventually(async () => expect(await listeners()).toBe(0));
  });

  it('rejects publish and subscribe with STORE_UNAVAILABLE (503) when Redis cannot be reached', async () => {
    const down = await fixture.unreachableClient({ enableOfflineQueue: false });
    const { eventBroadcast } = createRedisStores({
      client: down,
      keyPrefix: fixture.prefix(),
      eventBroadcast: { onError: () => undefined },
    });
    expect(await rejection(eventBroadcast.publish(logged('app.x', '1-0')))).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      statusCode: 503,
    });
    expect(await rejection(eventBroadcast.subscribe(() => undefined))).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      statusCode: 503,
    });
  });
});
