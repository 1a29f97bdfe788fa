import request from 'supertest';
import { InMemorySessionStore } from 'keyward';
import { appFactory, bearerRefresh, PASSWORD, setCookies, sidOf } from './helpers/app';
import {
  DEVICE_FIELDS,
  endDevice,
  endOtherDevices,
  expectNoTokenMaterial,
  listDevices,
  loginFrom,
  multiDeviceCases,
} from './helpers/device-cases';

const app = appFactory();

describe('own devices with a session store', () => {
  const sessionStore = new InMemorySessionStore();
  const t = app({ configurator: { sessionStore } });

  multiDeviceCases(() => t);

  it('refuses every device route without an access token', async () => {
    for (const res of [
      await request(t.app).get('/auth/sessions'),
      await request(t.app).delete('/auth/sessions/some-handle'),
      await request(t.app).post('/auth/sessions/revoke-others'),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
    }
  });

  it('leaves expired sessions out of the list and cannot end them', async () => {
    const user = await t.createUser();
    const pair = await loginFrom(t, user.email, 'LaptopBrowser/2.0');
    const past = new Date(Date.now() - 60_000);
    const expired = await sessionStore.createSession({
      userId: user.id,
      createdAt: new Date(Date.now() - 120_000),
      expiresAt: past,
      userAgent: 'Old/1.0',
    });
    const list = await listDevices(t, pair.accessToken);
    expect((list.body.sessions as unknown[]).length).toBe(1);
    expect((await endDevice(t, pair.accessToken, expired.sessionHandle)).status).toBe(404);
  });

  it('lists the most recently active device first', async () => {
    const user = await t.createUser();
    const older = await loginFrom(t, user.email, 'Older/1.0');
    const newer = await loginFrom(t, user.email, 'Newer/1.0');
    await sessionStore.rotateRefreshToken(
      sidOf(older.accessToken),
      (await sessionStore.getSession(sidOf(older.accessToken)))!.refreshTokenHash!,
      {
        refreshTokenHash: 'a'.repeat(64),
        previousRefreshTokenHash: 'b'.repeat(64),
        rotatedAt: new Date(Date.now() + 5_000),
        lastActiveAt: new Date(Date.now() + 5_000),
        expiresAt: new Date(Date.now() + 3600_000),
      },
    );
    const list = await listDevices(t, newer.accessToken);
    expect((list.body.sessions as Array<{ userAgent: string }>).map((s) => s.userAgent)).toEqual([
      'Older/1.0',
      'Newer/1.0',
    ]);
  });

  it('works with the cookies of a browser, and ending its own session signs it out', async () => {
    const user = await t.createUser();
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(login.status).toBe(200);
    // Sent by hand: a Secure cookie would not be sent back by a cookie jar over plain HTTP.
    const cookies = setCookies(login).map((line) => line.split(';')[0]!);
    const refreshCookie = cookies.find((c) => /^(__Host-|__Secure-)?refreshToken=/.test(c));
    expect(refreshCookie).toBeDefined();
    const refreshToken = decodeURIComponent(refreshCookie!.slice(refreshCookie!.indexOf('=') + 1));

    const list = await request(t.app).get('/auth/sessions').set('Cookie', cookies.join('; '));
    expect(list.status).toBe(200);
    const [own] = list.body.sessions as Array<{ sessionHandle: string; current: boolean }>;
    expect(own).toMatchObject({ sessionHandle: sidOf(refreshToken), current: true });

    const out = await request(t.app)
      .delete(`/auth/sessions/${own!.sessionHandle}`)
      .set('Cookie', cookies.join('; '));
    expect(out.status).toBe(200);
    // The token cookies are cleared, as a logout clears them.
    const cleared = setCookies(out).filter((c) => /refreshToken=;/.test(c));
    expect(cleared).toHaveLength(1);
    expect((await bearerRefresh(t.app, refreshToken)).status).toBe(401);
  });
});

describe('own devices without a session store (one session on the user record)', () => {
  const t = app({ sessionsOnUserRecord: true });

  it('lists the one session as current, without token material', async () => {
    const user = await t.createUser();
    const pair = await loginFrom(t, user.email, 'LaptopBrowser/2.0');
    const res = await listDevices(t, pair.accessToken);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.sessions).toHaveLength(1);
    expect(Object.keys(res.body.sessions[0] as object).sort()).toEqual(DEVICE_FIELDS);
    expect(res.body.sessions[0]).toMatchObject({
      sessionHandle: sidOf(pair.accessToken),
      current: true,
      userAgent: 'LaptopBrowser/2.0',
    });
    expectNoTokenMaterial(res.body, [pair]);
  });

  it('has no other device to end, and the session lives on', async () => {
    const user = await t.createUser();
    const pair = await loginFrom(t, user.email, 'LaptopBrowser/2.0');
    const res = await endOtherDevices(t, pair.accessToken);
    expect(res.body).toEqual({ success: true, revoked: 0 });
    expect((await bearerRefresh(t.app, pair.refreshToken)).status).toBe(200);
  });

  it("answers another user's handle exactly as an unknown one", async () => {
    const user = await t.createUser();
    const other = await t.createUser();
    const mine = await loginFrom(t, user.email, 'Mine/1.0');
    const theirs = await loginFrom(t, other.email, 'Theirs/1.0');
    const foreign = await endDevice(t, mine.accessToken, sidOf(theirs.accessToken));
    const unknown = await endDevice(t, mine.accessToken, 'not-a-handle');
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(foreign.body);
    expect((await bearerRefresh(t.app, theirs.refreshToken)).status).toBe(200);
  });

  it('ends the session when its own handle is deleted', async () => {
    const user = await t.createUser();
    const pair = await loginFrom(t, user.email, 'LaptopBrowser/2.0');
    const res = await endDevice(t, pair.accessToken, sidOf(pair.accessToken));
    expect(res.status).toBe(200);
    expect((await bearerRefresh(t.app, pair.refreshToken)).status).toBe(401);
    expect((await listDevices(t, pair.accessToken)).status).toBe(401);
  });

  it('refuses the access token of a session a newer sign-in replaced', async () => {
    const user = await t.createUser();
    const first = await loginFrom(t, user.email, 'First/1.0');
    const second = await loginFrom(t, user.email, 'Second/1.0');
    const stale = await listDevices(t, first.accessToken);
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('SESSION_REVOKED');
    const fresh = await listDevices(t, second.accessToken);
    expect(fresh.body.sessions).toEqual([
      expect.objectContaining({ userAgent: 'Second/1.0', current: true }),
    ]);
  });
});
