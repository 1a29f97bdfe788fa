import type http from 'node:http';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import {
  AuthEventNames,
  InMemorySessionStore,
  InMemoryUserStore,
  type AuthConfig,
  type BaseUser,
  type ISessionStore,
} from 'keyward';
import {
  REFRESH_SECRET,
  bearerLogin,
  cookieLine,
  cookieValue,
  appFactory,
  serverFactory,
  bearerRefresh,
  sidOf,
} from './helpers/app';
import { advanceClock, fakeDateOnly } from './helpers/clock';

// Servers first: the afterAll hooks run in this order, closing servers before their apps.
const listen = serverFactory();
const app = appFactory();

/** Yields to the event loop, as a store behind a network round trip would. */
const roundTrip = () => new Promise((resolve) => setTimeout(resolve, 2));

/** A user store with latency: concurrent requests really interleave between reads and writes. */
class SlowUserStore extends InMemoryUserStore {
  override async findById(id: string): Promise<BaseUser | null> {
    await roundTrip();
    return super.findById(id);
  }
  override async updateRefreshToken(userId: string, token: string | null, expiry: Date | null) {
    await roundTrip();
    return super.updateRefreshToken(userId, token, expiry);
  }
}

/** A session store with latency in front of InMemorySessionStore (its atomic rotation decides). */
function slowSessionStore(inner: InMemorySessionStore): ISessionStore {
  const slow =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await roundTrip();
      return fn(...args);
    };
  return {
    createSession: slow((info) => inner.createSession(info)),
    getSession: slow((h: string) => inner.getSession(h)),
    getSessionsForUser: slow((u: string, tenant?: string) => inner.getSessionsForUser(u, tenant)),
    updateSessionLastActive: slow((h: string) => inner.updateSessionLastActive(h)),
    revokeSession: slow((h: string) => inner.revokeSession(h)),
    revokeAllSessionsForUser: slow((u: string, tenant?: string) =>
      inner.revokeAllSessionsForUser(u, tenant),
    ),
    rotateRefreshToken: slow(
      (h: string, expected: string, next: Parameters<ISessionStore['rotateRefreshToken']>[2]) =>
        inner.rotateRefreshToken(h, expected, next),
    ),
  };
}

interface StoreSetup {
  /** Where sessions live; undefined means on the user record (no session store configured). */
  sessionStore?: ISessionStore;
  /** What to inspect: the in-memory session store behind `sessionStore`. */
  sessions?: InMemorySessionStore;
  userStore?: InMemoryUserStore;
}

/** The ways sessions are kept: on the user record, or in a device-aware session store. */
const STORE_MODES: Array<[string, () => StoreSetup]> = [
  ['sessions on the user record', () => ({})],
  [
    'InMemorySessionStore',
    () => {
      const sessions = new InMemorySessionStore();
      return { sessionStore: sessions, sessions };
    },
  ],
];

/** The same, with stores that answer after a round trip, so requests overlap for real. */
const SLOW_STORE_MODES: Array<[string, () => StoreSetup]> = [
  ['sessions on a slow user record', () => ({ userStore: new SlowUserStore() })],
  [
    'slow session store',
    () => {
      const sessions = new InMemorySessionStore();
      return { sessionStore: slowSessionStore(sessions), sessions };
    },
  ],
];

function appFor(mode: () => StoreSetup, config: Partial<AuthConfig> = {}) {
  const { sessionStore, sessions, userStore } = mode();
  const t = app({ config, configurator: sessionStore ? { sessionStore } : {}, userStore });
  return { t, sessionStore: sessions };
}

describe('refresh in bearer mode', () => {
  const t = app();

  it('exchanges a refresh token from the body for a new pair in the body', async () => {
    const user = await t.createUser();
    const first = await bearerLogin(t.app, user.email);
    const res = await bearerRefresh(t.app, first.refreshToken);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['cache-control']).toContain('no-store');

    const me = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.user.sub).toBe(user.id);
  });

  it('rotates the refresh token on every use', async () => {
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;
    const r1 = (await bearerRefresh(t.app, r0)).body.refreshToken as string;
    const r2 = (await bearerRefresh(t.app, r1)).body.refreshToken as string;
    const r3 = (await bearerRefresh(t.app, r2)).body.refreshToken as string;
    expect(new Set([r0, r1, r2, r3]).size).toBe(4);
    // Rotation keeps the same session.
    expect(new Set([r0, r1, r2, r3].map(sidOf)).size).toBe(1);
  });

  it('answers 401 REFRESH_TOKEN_MISSING when no token is presented', async () => {
    const res = await request(t.app)
      .post('/auth/refresh')
      .set('X-Auth-Strategy', 'bearer')
      .send({});
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('REFRESH_TOKEN_MISSING');

    const noBody = await request(t.app).post('/auth/refresh');
    expect(noBody.status).toBe(401);
    expect(noBody.body.code).toBe('REFRESH_TOKEN_MISSING');
  });

  it('answers 401 INVALID_REFRESH_TOKEN for a garbage token', async () => {
    const res = await bearerRefresh(t.app, 'definitely.not.a-jwt');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('answers 401 INVALID_REFRESH_TOKEN for a refresh token signed by another deployment', async () => {
    const other = app({
      config: {
        accessTokenSecret: 'another-access-secret-0123456789abcdef012345',
        refreshTokenSecret: 'another-refresh-secret-0123456789abcdef01234',
      },
    });
    const user = await other.createUser();
    const foreign = await bearerLogin(other.app, user.email);
    const res = await bearerRefresh(t.app, foreign.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
    // The same token is a working one where it was issued.
    expect((await bearerRefresh(other.app, foreign.refreshToken)).status).toBe(200);
  });

  it('refuses an access token presented as a refresh token', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const res = await bearerRefresh(t.app, pair.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('refuses a token signed with the refresh secret whose typ is not refresh', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const real = jwt.decode(pair.refreshToken) as Record<string, unknown>;
    const forged = jwt.sign({ ...real, typ: 'access' }, REFRESH_SECRET, { algorithm: 'HS256' });
    const res = await bearerRefresh(t.app, forged);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('refuses an expired refresh token', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const real = jwt.decode(pair.refreshToken) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ ...real, iat: now - 100, exp: now - 10 }, REFRESH_SECRET, {
      algorithm: 'HS256',
    });
    const res = await bearerRefresh(t.app, expired);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('refuses a refresh token whose user was deleted', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    await t.store.deleteUser(user.id);
    const res = await bearerRefresh(t.app, pair.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SESSION_REVOKED');
  });
});

describe('refresh in cookie mode', () => {
  // No grace window: these tests present a rotated token again at once and expect reuse detection.
  const t = app({ config: { refreshReuseGraceSeconds: 0 } });

  async function cookieLogin(email: string) {
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email, password: 'correct horse battery' });
    expect(res.status).toBe(200);
    const refresh = cookieValue(res, 'refreshToken');
    const access = cookieValue(res, 'accessToken');
    if (!refresh || !access) throw new Error('login set no token cookies');
    return { refresh, access };
  }

  it('exchanges the refresh cookie for new cookies', async () => {
    const user = await t.createUser();
    const first = await cookieLogin(user.email);
    const res = await request(t.app)
      .post('/auth/refresh')
      .set('Cookie', `refreshToken=${first.refresh}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    const refresh = cookieValue(res, 'refreshToken');
    const access = cookieValue(res, 'accessToken');
    expect(refresh).toBeDefined();
    expect(access).toBeDefined();
    expect(refresh).not.toBe(first.refresh);
    expect(cookieLine(res, 'refreshToken')).toMatch(/HttpOnly/i);

    const me = await request(t.app).get('/api/private').set('Cookie', `accessToken=${access}`);
    expect(me.status).toBe(200);
    expect(me.body.user.sub).toBe(user.id);
  });

  it('revokes the session and clears the cookies when a rotated cookie is presented again', async () => {
    const user = await t.createUser();
    const first = await cookieLogin(user.email);
    const rotated = await request(t.app)
      .post('/auth/refresh')
      .set('Cookie', `refreshToken=${first.refresh}`);
    const successor = cookieValue(rotated, 'refreshToken')!;

    const reuse = await request(t.app)
      .post('/auth/refresh')
      .set('Cookie', `refreshToken=${first.refresh}`);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
    // The cookie is cleared (empty value, expiry in the past).
    expect(cookieLine(reuse, 'refreshToken')).toMatch(/^refreshToken=;.*Expires=Thu, 01 Jan 1970/);

    const after = await request(t.app)
      .post('/auth/refresh')
      .set('Cookie', `refreshToken=${successor}`);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('SESSION_REVOKED');
  });

  it('prefers a token in the body over the cookie', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const res = await request(t.app)
      .post('/auth/refresh')
      .set('Cookie', 'refreshToken=garbage')
      .set('X-Auth-Strategy', 'bearer')
      .send({ refreshToken: pair.refreshToken });
    expect(res.status).toBe(200);
    expect(typeof res.body.refreshToken).toBe('string');
  });
});

describe.each(STORE_MODES)('refresh token reuse (%s)', (_name, mode) => {
  afterEach(() => jest.useRealTimers());
  it('refuses a refresh token that was already rotated, revokes the session and publishes the reason', async () => {
    // Without a grace window (the default answers a re-presentation within 30 s with the successor).
    const { t } = appFor(mode, { refreshReuseGraceSeconds: 0 });
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;
    const rotated = await bearerRefresh(t.app, r0);
    expect(rotated.status).toBe(200);
    const r1 = rotated.body.refreshToken as string;
    expect(r1).not.toBe(r0);

    const reuse = await bearerRefresh(t.app, r0);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');

    // The successor issued from the stolen token is dead too: the whole session is gone.
    const successor = await bearerRefresh(t.app, r1);
    expect(successor.status).toBe(401);
    expect(successor.body.code).toBe('SESSION_REVOKED');

    const revoked = t.events.filter((e) => e.event === AuthEventNames.SESSION_REVOKED);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]!.data?.reason).toBe('refresh_token_reuse');
    expect(revoked[0]!.userId).toBe(user.id);
    expect(revoked[0]!.sessionId).toBe(sidOf(r0));
  });

  it('publishes SESSION_ROTATED for each successful refresh', async () => {
    const { t } = appFor(mode);
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;
    const r1 = (await bearerRefresh(t.app, r0)).body.refreshToken as string;
    await bearerRefresh(t.app, r1);
    const rotated = t.events.filter((e) => e.event === AuthEventNames.SESSION_ROTATED);
    expect(rotated).toHaveLength(2);
    expect(rotated.every((e) => e.userId === user.id && e.sessionId === sidOf(r0))).toBe(true);
  });

  it('with a grace window still treats a token two rotations old as reuse', async () => {
    const { t } = appFor(mode, { refreshReuseGraceSeconds: 10 });
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;
    const r1 = (await bearerRefresh(t.app, r0)).body.refreshToken as string;
    const r2 = (await bearerRefresh(t.app, r1)).body.refreshToken as string;
    expect(r2).toBeDefined();

    const reuse = await bearerRefresh(t.app, r0);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await bearerRefresh(t.app, r2)).body.code).toBe('SESSION_REVOKED');
  });

  it('treats re-presentation after the grace window as reuse', async () => {
    const { t } = appFor(mode, { refreshReuseGraceSeconds: 1 });
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;
    const first = await bearerRefresh(t.app, r0);
    expect(first.status).toBe(200);
    const r1 = first.body.refreshToken as string;

    // Past the grace window on a moved clock: no waiting, and no race with a slow machine.
    fakeDateOnly();
    advanceClock(2100);
    const late = await bearerRefresh(t.app, r0);
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('REFRESH_TOKEN_REUSED');
    const successor = await bearerRefresh(t.app, r1);
    expect(successor.status).toBe(401);
    expect(successor.body.code).toBe('SESSION_REVOKED');
    const revoked = t.events.find((e) => e.event === AuthEventNames.SESSION_REVOKED);
    expect(revoked?.data?.reason).toBe('refresh_token_reuse');
  });
});

describe.each([...STORE_MODES, ...SLOW_STORE_MODES])(
  'concurrent refreshes with one token (%s)',
  (_name, mode) => {
    const N = 20;

    function fire(server: http.Server, token: string) {
      return Promise.all(Array.from({ length: N }, () => bearerRefresh(server, token)));
    }

    it('in strict mode never answers 5xx, forks no session and ends with the session revoked', async () => {
      const { t, sessionStore } = appFor(mode, { refreshReuseGraceSeconds: 0 });
      const server = await listen(t.app);
      const user = await t.createUser();
      const r0 = (await bearerLogin(t.app, user.email)).refreshToken;

      const results = await fire(server, r0);
      for (const res of results) {
        expect(res.status).toBeLessThan(500);
        expect([200, 401]).toContain(res.status);
      }
      const successors = new Set(
        results.filter((r) => r.status === 200).map((r) => r.body.refreshToken as string),
      );
      expect(successors.size).toBeLessThanOrEqual(1);
      const refused = results.filter((r) => r.status === 401);
      expect(refused.length).toBeGreaterThanOrEqual(N - 1);
      for (const r of refused)
        expect(['REFRESH_TOKEN_REUSED', 'SESSION_REVOKED']).toContain(r.body.code);
      expect(refused.some((r) => r.body.code === 'REFRESH_TOKEN_REUSED')).toBe(true);

      // The session is revoked: neither the original nor any successor works any more.
      for (const token of [r0, ...successors]) {
        const res = await bearerRefresh(server, token);
        expect(res.status).toBe(401);
      }
      if (sessionStore) {
        expect(await sessionStore.getSessionsForUser(user.id)).toEqual([]);
      } else {
        expect((await t.store.findById(user.id))?.refreshToken ?? null).toBeNull();
      }
    });

    it('with a grace window answers all of them with the very same successor, which keeps working', async () => {
      const { t, sessionStore } = appFor(mode, { refreshReuseGraceSeconds: 10 });
      const server = await listen(t.app);
      const user = await t.createUser();
      const r0 = (await bearerLogin(t.app, user.email)).refreshToken;

      const results = await fire(server, r0);
      expect(results.map((r) => r.status)).toEqual(Array(N).fill(200));
      const successors = new Set(results.map((r) => r.body.refreshToken as string));
      expect(successors.size).toBe(1);
      const [successor] = [...successors] as [string];
      expect(successor).not.toBe(r0);
      expect(t.events.filter((e) => e.event === AuthEventNames.SESSION_REVOKED)).toHaveLength(0);

      const next = await bearerRefresh(server, successor);
      expect(next.status).toBe(200);
      expect(next.body.refreshToken).not.toBe(successor);
      const again = await bearerRefresh(server, next.body.refreshToken as string);
      expect(again.status).toBe(200);
      if (sessionStore) expect(await sessionStore.getSessionsForUser(user.id)).toHaveLength(1);
    });
  },
);
