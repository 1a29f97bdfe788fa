import request from 'supertest';
import { AuthEventNames, InMemoryUserStore, type AuthConfig, type ISessionStore } from 'keyward';
import { createRedisStores } from 'keyward/redis';
import type { Redis } from 'ioredis';
import {
  appFactory,
  bearerLogin,
  bearerRefresh,
  serverFactory,
  sidOf,
  type TestApp,
} from '../helpers/app';
import { describeWithService } from '../helpers/services';
import { RedisFixture } from './redis-support';

describeWithService('redis', 'the auth router on Redis sessions', (url) => {
  const fixture = new RedisFixture(url);
  // The afterAll hooks run in this order: servers, then their apps, then the Redis clients.
  const listen = serverFactory();
  const openApp = appFactory();
  let client: Redis;
  let sessionStore: ISessionStore;

  beforeAll(() => {
    client = fixture.client();
    sessionStore = createRedisStores({ client, keyPrefix: fixture.prefix() }).sessionStore;
  });

  afterAll(() => fixture.closeAll());

  /** An app whose sessions live in Redis (users in memory). */
  function app(config: Partial<AuthConfig> = {}, store: ISessionStore = sessionStore): TestApp {
    return openApp({
      config,
      configurator: { sessionStore: store },
      userStore: new InMemoryUserStore(),
    });
  }

  it('stores the session of a login in Redis and checks it on each request', async () => {
    const t = app({ checkSessionOnRequest: true });
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);

    const sessions = await sessionStore.getSessionsForUser(user.id);
    expect(sessions.map((s) => s.sessionHandle)).toEqual([sidOf(pair.accessToken)]);

    const me = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${pair.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.user.sub).toBe(user.id);

    await sessionStore.revokeSession(sidOf(pair.accessToken));
    const revoked = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${pair.accessToken}`);
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe('SESSION_REVOKED');
  });

  it('rotates the refresh token on every use, keeping one session', async () => {
    const t = app();
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;
    const r1 = (await bearerRefresh(t.app, r0)).body.refreshToken as string;
    const r2 = (await bearerRefresh(t.app, r1)).body.refreshToken as string;
    expect(new Set([r0, r1, r2]).size).toBe(3);
    expect(new Set([r0, r1, r2].map(sidOf)).size).toBe(1);
    const [session] = await sessionStore.getSessionsForUser(user.id);
    expect(session?.previousRefreshTokenHash).toEqual(expect.any(String));
    expect(t.events.filter((e) => e.event === AuthEventNames.SESSION_ROTATED)).toHaveLength(2);
  });

  it('revokes the session when a rotated refresh token is presented again', async () => {
    // Strict reuse detection: no grace window.
    const t = app({ refreshReuseGraceSeconds: 0 });
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;
    const r1 = (await bearerRefresh(t.app, r0)).body.refreshToken as string;

    const reuse = await bearerRefresh(t.app, r0);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');

    const successor = await bearerRefresh(t.app, r1);
    expect(successor.status).toBe(401);
    expect(successor.body.code).toBe('SESSION_REVOKED');
    expect(await sessionStore.getSessionsForUser(user.id)).toEqual([]);
    const revoked = t.events.filter((e) => e.event === AuthEventNames.SESSION_REVOKED);
    expect(revoked.map((e) => e.data?.reason)).toEqual(['refresh_token_reuse']);
  });

  it('answers 20 concurrent refreshes with one token without a 5xx, forking no session', async () => {
    // Strict reuse detection: no grace window.
    const t = app({ refreshReuseGraceSeconds: 0 });
    const server = await listen(t.app);
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;

    const results = await Promise.all(Array.from({ length: 20 }, () => bearerRefresh(server, r0)));
    for (const res of results) expect([200, 401]).toContain(res.status);
    const successors = new Set(
      results.filter((r) => r.status === 200).map((r) => r.body.refreshToken as string),
    );
    expect(successors.size).toBeLessThanOrEqual(1);
    const refused = results.filter((r) => r.status === 401);
    expect(refused.length).toBeGreaterThanOrEqual(19);
    for (const r of refused)
      expect(['REFRESH_TOKEN_REUSED', 'SESSION_REVOKED']).toContain(r.body.code);

    // Strict mode: the re-presentations revoked the session, successor included.
    for (const token of [r0, ...successors])
      expect((await bearerRefresh(server, token)).status).toBe(401);
    expect(await sessionStore.getSessionsForUser(user.id)).toEqual([]);
  });

  it('with a grace window answers 20 concurrent refreshes with the very same successor', async () => {
    const t = app({ refreshReuseGraceSeconds: 10 });
    const server = await listen(t.app);
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;

    const results = await Promise.all(Array.from({ length: 20 }, () => bearerRefresh(server, r0)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const successors = new Set(results.map((r) => r.body.refreshToken as string));
    expect(successors.size).toBe(1);
    const [successor] = [...successors] as [string];
    expect((await bearerRefresh(server, successor)).status).toBe(200);
    expect(await sessionStore.getSessionsForUser(user.id)).toHaveLength(1);
  });

  it('answers 503 STORE_UNAVAILABLE as JSON when Redis cannot be reached', async () => {
    const down = await fixture.unreachableClient({ enableOfflineQueue: false });
    const t = app(
      {},
      createRedisStores({ client: down, keyPrefix: fixture.prefix() }).sessionStore,
    );
    const user = await t.createUser();

    const login = await request(t.app)
      .post('/auth/login')
      .set('X-Auth-Strategy', 'bearer')
      .send({ email: user.email, password: 'correct horse battery' });
    expect(login.status).toBe(503);
    expect(login.body).toEqual({
      error: 'The data store is unavailable',
      code: 'STORE_UNAVAILABLE',
    });
  });

  it('answers 503 STORE_UNAVAILABLE to a signed-in request once Redis goes away', async () => {
    const closing = fixture.client();
    const t = app(
      { checkSessionOnRequest: true },
      createRedisStores({ client: closing, keyPrefix: fixture.prefix() }).sessionStore,
    );
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    closing.disconnect();

    const me = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${pair.accessToken}`);
    expect(me.status).toBe(503);
    expect(me.body.code).toBe('STORE_UNAVAILABLE');
    const refresh = await bearerRefresh(t.app, pair.refreshToken);
    expect(refresh.status).toBe(503);
    expect(refresh.body.code).toBe('STORE_UNAVAILABLE');
  });
});
