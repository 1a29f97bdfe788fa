import type http from 'node:http';
import request from 'supertest';
import { AuthEventNames } from 'keyward';
import {
  PASSWORD,
  appFactory,
  bearerLogin,
  bearerRefresh,
  cookieValue,
  serverFactory,
  type TestApp,
} from './helpers/app';
import { advanceClock, fakeDateOnly } from './helpers/clock';

// Servers first: the afterAll hooks run in this order, closing servers before their apps.
const listen = serverFactory();
const app = appFactory();

/** `n` refreshes with one token, sent at once to a real server so they truly overlap. */
function concurrently(server: http.Server, n: number, token: string) {
  return Promise.all(Array.from({ length: n }, () => bearerRefresh(server, token)));
}

function revocations(t: TestApp) {
  return t.events.filter((e) => e.event === AuthEventNames.SESSION_REVOKED);
}

describe('refresh grace window (default configuration)', () => {
  // Two tabs, or a tab and a retry, refreshing at the same moment present the same token: that
  // is not theft and must not sign the user out.
  for (const n of [2, 5]) {
    it(`answers ${n} concurrent refreshes with one token with the same successor and keeps the session`, async () => {
      const t = app();
      const server = await listen(t.app);
      const user = await t.createUser();
      const r0 = (await bearerLogin(t.app, user.email)).refreshToken;

      const results = await concurrently(server, n, r0);
      expect(results.map((r) => r.status)).toEqual(Array(n).fill(200));
      const successors = new Set(results.map((r) => r.body.refreshToken as string));
      expect(successors.size).toBe(1);
      const [successor] = [...successors] as [string];
      expect(successor).not.toBe(r0);
      expect(revocations(t)).toHaveLength(0);

      // The session lives on: the successor rotates, and its access token opens the route.
      const next = await bearerRefresh(server, successor);
      expect(next.status).toBe(200);
      const me = await request(server)
        .get('/api/private')
        .set('Authorization', `Bearer ${next.body.accessToken as string}`);
      expect(me.status).toBe(200);
      expect(me.body.user.sub).toBe(user.id);
    });
  }

  it('answers two tabs refreshing the same cookie at once with the same successor cookie', async () => {
    const t = app();
    const server = await listen(t.app);
    const user = await t.createUser();
    const login = await request(server)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    const refresh = cookieValue(login, 'refreshToken')!;

    const tabs = await Promise.all(
      [1, 2].map(() =>
        request(server).post('/auth/refresh').set('Cookie', `refreshToken=${refresh}`),
      ),
    );
    expect(tabs.map((r) => r.status)).toEqual([200, 200]);
    const successors = new Set(tabs.map((r) => cookieValue(r, 'refreshToken')));
    expect(successors.size).toBe(1);
    expect(revocations(t)).toHaveLength(0);
  });

  it('answers a sequential re-presentation within the window (a retry after a lost answer)', async () => {
    const t = app();
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;
    const first = await bearerRefresh(t.app, r0);
    const retry = await bearerRefresh(t.app, r0);
    expect(retry.status).toBe(200);
    expect(retry.body.refreshToken).toBe(first.body.refreshToken);
    expect(revocations(t)).toHaveLength(0);
  });
});

describe('refresh grace window: reuse after it still revokes', () => {
  afterEach(() => jest.useRealTimers());
  it('revokes the session when the rotated token comes back after the window', async () => {
    // Rotation times are kept to the second, so a window of N seconds is open for N-1 to N
    // seconds: 2 leaves the concurrent pair at least one second, even on a loaded machine.
    const t = app({ config: { refreshReuseGraceSeconds: 2 } });
    const server = await listen(t.app);
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;

    const results = await concurrently(server, 2, r0);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const r1 = results[0]!.body.refreshToken as string;

    // Past the window on a moved clock: no waiting, and no race with a slow machine.
    fakeDateOnly();
    advanceClock(2100);
    const late = await bearerRefresh(server, r0);
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('REFRESH_TOKEN_REUSED');
    const successor = await bearerRefresh(server, r1);
    expect(successor.status).toBe(401);
    expect(successor.body.code).toBe('SESSION_REVOKED');
    expect(revocations(t).map((e) => e.data?.reason)).toEqual(['refresh_token_reuse']);
  });

  it('still treats a token two rotations old as reuse inside the window', async () => {
    const t = app();
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;
    const r1 = (await bearerRefresh(t.app, r0)).body.refreshToken as string;
    const r2 = (await bearerRefresh(t.app, r1)).body.refreshToken as string;
    const reuse = await bearerRefresh(t.app, r0);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await bearerRefresh(t.app, r2)).body.code).toBe('SESSION_REVOKED');
  });

  it('with refreshReuseGraceSeconds: 0 revokes at the first re-presentation', async () => {
    const t = app({ config: { refreshReuseGraceSeconds: 0 } });
    const user = await t.createUser();
    const r0 = (await bearerLogin(t.app, user.email)).refreshToken;
    expect((await bearerRefresh(t.app, r0)).status).toBe(200);
    const reuse = await bearerRefresh(t.app, r0);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
  });
});
