import jwt from 'jsonwebtoken';
import request from 'supertest';
import { AuthEventNames, InMemorySessionStore, type ISessionStore } from 'keyward';
import {
  appFactory,
  bearerLogin,
  bearerLoginRequest,
  bearerRefresh,
  sidOf,
  type TestApp,
} from './helpers/app';

const app = appFactory();

function loginFrom(t: TestApp, email: string, userAgent: string) {
  return bearerLoginRequest(t.app, email)
    .set('User-Agent', userAgent)
    .then((res) => {
      expect(res.status).toBe(200);
      return res.body as { accessToken: string; refreshToken: string };
    });
}

/** A session store implementing only the required interface (no deleteExpiredSessions). */
function storeWithoutCleanup(inner = new InMemorySessionStore()): ISessionStore {
  return {
    createSession: (info) => inner.createSession(info),
    getSession: (h) => inner.getSession(h),
    getSessionsForUser: (u, tenant) => inner.getSessionsForUser(u, tenant),
    updateSessionLastActive: (h) => inner.updateSessionLastActive(h),
    revokeSession: (h) => inner.revokeSession(h),
    revokeAllSessionsForUser: (u, tenant) => inner.revokeAllSessionsForUser(u, tenant),
    rotateRefreshToken: (h, expected, next) => inner.rotateRefreshToken(h, expected, next),
  };
}

describe('device-aware sessions with InMemorySessionStore', () => {
  const sessionStore = new InMemorySessionStore();
  const t = app({ configurator: { sessionStore } });

  it('creates one session per login and records user agent and IP address', async () => {
    const user = await t.createUser();
    const phone = await loginFrom(t, user.email, 'PhoneBrowser/1.0');
    const laptop = await loginFrom(t, user.email, 'LaptopBrowser/2.0');

    const sessions = await sessionStore.getSessionsForUser(user.id);
    expect(sessions).toHaveLength(2);
    expect(sessions.map((s) => s.userAgent).sort()).toEqual([
      'LaptopBrowser/2.0',
      'PhoneBrowser/1.0',
    ]);
    for (const s of sessions) {
      expect(s.userId).toBe(user.id);
      expect(s.ipAddress).toMatch(/127\.0\.0\.1|::1/);
      expect(s.expiresAt.getTime()).toBeGreaterThan(Date.now());
    }
    expect(sessions.map((s) => s.sessionHandle).sort()).toEqual(
      [sidOf(phone.accessToken), sidOf(laptop.accessToken)].sort(),
    );
  });

  it('puts the session id in access tokens and in the refresh token of the same session', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const sid = sidOf(pair.accessToken);
    expect(typeof sid).toBe('string');
    expect(sidOf(pair.refreshToken)).toBe(sid);
    expect(await sessionStore.getSession(sid)).not.toBeNull();

    const refreshed = await bearerRefresh(t.app, pair.refreshToken);
    expect(sidOf(refreshed.body.accessToken as string)).toBe(sid);
    const me = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${pair.accessToken}`);
    expect(me.body.user.sid).toBe(sid);
  });

  it('logs out only the session whose token is presented', async () => {
    const user = await t.createUser();
    const phone = await loginFrom(t, user.email, 'PhoneBrowser/1.0');
    const laptop = await loginFrom(t, user.email, 'LaptopBrowser/2.0');

    const out = await request(t.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${phone.accessToken}`);
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ success: true });

    const remaining = await sessionStore.getSessionsForUser(user.id);
    expect(remaining.map((s) => s.sessionHandle)).toEqual([sidOf(laptop.accessToken)]);

    const phoneRefresh = await bearerRefresh(t.app, phone.refreshToken);
    expect(phoneRefresh.status).toBe(401);
    expect(phoneRefresh.body.code).toBe('SESSION_REVOKED');
    const laptopRefresh = await bearerRefresh(t.app, laptop.refreshToken);
    expect(laptopRefresh.status).toBe(200);
  });

  it('logs out with only the refresh token when no access token is presented', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const out = await request(t.app)
      .post('/auth/logout')
      .set('X-Auth-Strategy', 'bearer')
      .send({ refreshToken: pair.refreshToken });
    expect(out.status).toBe(200);
    expect(await sessionStore.getSessionsForUser(user.id)).toEqual([]);
  });

  it('refuses the access token of a logged-out session at once without checkSessionOnRequest', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    await request(t.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .expect(200);
    expect(await sessionStore.getSession(sidOf(pair.accessToken))).toBeNull();

    const res = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${pair.accessToken}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SESSION_REVOKED');
  });
});

describe('checkSessionOnRequest', () => {
  const sessionStore = new InMemorySessionStore();
  const t = app({ config: { checkSessionOnRequest: true }, configurator: { sessionStore } });

  it('refuses the access token of a revoked session at once with 401 SESSION_REVOKED', async () => {
    const user = await t.createUser();
    const phone = await loginFrom(t, user.email, 'PhoneBrowser/1.0');
    const laptop = await loginFrom(t, user.email, 'LaptopBrowser/2.0');

    const before = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${phone.accessToken}`);
    expect(before.status).toBe(200);

    await request(t.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${phone.accessToken}`)
      .expect(200);

    for (const path of ['/api/private', '/auth/me']) {
      const res = await request(t.app)
        .get(path)
        .set('Authorization', `Bearer ${phone.accessToken}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('SESSION_REVOKED');
    }
    // The other device is unaffected.
    const other = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${laptop.accessToken}`);
    expect(other.status).toBe(200);
  });

  it('refuses an access token that carries no session id', async () => {
    const user = await t.createUser();
    const token = t.auth.tokenService.signAccessToken({ sub: user.id });
    const res = await request(t.app).get('/api/private').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SESSION_REVOKED');
  });

  it('updates lastActiveAt of the session on each authenticated request', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const sid = sidOf(pair.accessToken);
    const before = (await sessionStore.getSession(sid))!.lastActiveAt!.getTime();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .expect(200);
    const after = (await sessionStore.getSession(sid))!.lastActiveAt!.getTime();
    expect(after).toBeGreaterThan(before);
  });
});

describe('sessions without a session store', () => {
  const t = app({ sessionsOnUserRecord: true });

  it('keeps a single session per user: a second login replaces the first', async () => {
    const user = await t.createUser();
    const first = await bearerLogin(t.app, user.email);
    const second = await bearerLogin(t.app, user.email);
    expect(sidOf(second.accessToken)).not.toBe(sidOf(first.accessToken));

    const old = await bearerRefresh(t.app, first.refreshToken);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('SESSION_REVOKED');
    const current = await bearerRefresh(t.app, second.refreshToken);
    expect(current.status).toBe(200);
  });

  it('stores only opaque session state, never the refresh token itself, on the user record', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const record = await t.store.findById(user.id);
    expect(typeof record?.refreshToken).toBe('string');
    expect(record?.refreshToken).not.toContain(pair.refreshToken);
    const jti = (jwt.decode(pair.refreshToken) as { jti: string }).jti;
    expect(record?.refreshToken).not.toContain(jti);
  });

  it('clears the session on logout', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    await request(t.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .expect(200);
    expect((await t.store.findById(user.id))?.refreshToken ?? null).toBeNull();
    expect((await bearerRefresh(t.app, pair.refreshToken)).status).toBe(401);
  });

  it('has no POST /auth/sessions/cleanup', async () => {
    const res = await request(t.app).post('/auth/sessions/cleanup');
    expect(res.status).toBe(404);
  });
});

describe('POST /auth/sessions/cleanup', () => {
  async function seed(t: TestApp, store: ISessionStore) {
    const user = await t.createUser();
    const live = await bearerLogin(t.app, user.email);
    const past = new Date(Date.now() - 60_000);
    const expired = await store.createSession({
      userId: user.id,
      createdAt: new Date(Date.now() - 120_000),
      expiresAt: past,
      lastActiveAt: past,
      userAgent: 'Old/1.0',
    });
    return { user, live, expired };
  }

  it('is 404 when the session store cannot delete expired sessions', async () => {
    const t = app({ configurator: { sessionStore: storeWithoutCleanup() } });
    const res = await request(t.app).post('/auth/sessions/cleanup');
    expect(res.status).toBe(404);
  });

  it('deletes only expired sessions (store given to the router)', async () => {
    const sessionStore = new InMemorySessionStore();
    const t = app({ router: { sessionStore } });
    const { user, live, expired } = await seed(t, sessionStore);

    const res = await request(t.app).post('/auth/sessions/cleanup');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, deleted: 1 });
    expect(await sessionStore.getSession(expired.sessionHandle)).toBeNull();
    const left = await sessionStore.getSessionsForUser(user.id);
    expect(left.map((s) => s.sessionHandle)).toEqual([sidOf(live.accessToken)]);
    expect((await bearerRefresh(t.app, live.refreshToken)).status).toBe(200);
    const expiredEvent = t.events.find((e) => e.event === AuthEventNames.SESSION_EXPIRED);
    expect(expiredEvent?.data?.deleted).toBe(1);

    const again = await request(t.app).post('/auth/sessions/cleanup');
    expect(again.body).toEqual({ success: true, deleted: 0 });
  });

  it('deletes only expired sessions (store given to the configurator)', async () => {
    const sessionStore = new InMemorySessionStore();
    const t = app({ configurator: { sessionStore } });
    const { user, live, expired } = await seed(t, sessionStore);

    const res = await request(t.app).post('/auth/sessions/cleanup');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, deleted: 1 });
    expect(await sessionStore.getSession(expired.sessionHandle)).toBeNull();
    expect(await sessionStore.getSessionsForUser(user.id)).toHaveLength(1);
    expect((await bearerRefresh(t.app, live.refreshToken)).status).toBe(200);
  });

  it('requires Authorization: Bearer <secret> when sessionCleanupSecret is set', async () => {
    const sessionStore = new InMemorySessionStore();
    const secret = 'cleanup-secret-for-cron-0123456789';
    const t = app({ router: { sessionStore, sessionCleanupSecret: secret } });
    const { expired } = await seed(t, sessionStore);

    const none = await request(t.app).post('/auth/sessions/cleanup');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHORIZED');
    const wrong = await request(t.app)
      .post('/auth/sessions/cleanup')
      .set('Authorization', 'Bearer not-the-secret');
    expect(wrong.status).toBe(401);
    expect(await sessionStore.getSession(expired.sessionHandle)).not.toBeNull();

    const right = await request(t.app)
      .post('/auth/sessions/cleanup')
      .set('Authorization', `Bearer ${secret}`);
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ success: true, deleted: 1 });
    expect(await sessionStore.getSession(expired.sessionHandle)).toBeNull();
  });
});
