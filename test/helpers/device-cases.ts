// The behaviour of a user's own device list (GET/DELETE /auth/sessions…), written once and run
// on every session store that keeps one record per sign-in (test/devices*.test.ts).
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { AuthEventNames } from 'keyward';
import { bearerLoginRequest, bearerRefresh, sidOf, sha256Hex, type TestApp } from './app';
import { SECRET_FIELDS } from './secret-fields';

/** Exactly what a device entry holds. */
export const DEVICE_FIELDS = [
  'createdAt',
  'current',
  'expiresAt',
  'ip',
  'lastActiveAt',
  'sessionHandle',
  'userAgent',
].sort();

export interface Pair {
  accessToken: string;
  refreshToken: string;
}

/** A bearer login from a device named by its User-Agent. */
export async function loginFrom(t: TestApp, email: string, userAgent: string): Promise<Pair> {
  const res = await bearerLoginRequest(t.app, email).set('User-Agent', userAgent);
  if (res.status !== 200)
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Pair;
}

const bearer = (token: string) => `Bearer ${token}`;

/** GET /auth/sessions as the holder of `accessToken`. */
export function listDevices(t: TestApp, accessToken: string) {
  return request(t.app).get('/auth/sessions').set('Authorization', bearer(accessToken));
}

/** DELETE /auth/sessions/:handle as the holder of `accessToken`. */
export function endDevice(t: TestApp, accessToken: string, handle: string) {
  return request(t.app)
    .delete(`/auth/sessions/${encodeURIComponent(handle)}`)
    .set('Authorization', bearer(accessToken));
}

/** POST /auth/sessions/revoke-others as the holder of `accessToken`. */
export function endOtherDevices(t: TestApp, accessToken: string) {
  return request(t.app)
    .post('/auth/sessions/revoke-others')
    .set('Authorization', bearer(accessToken));
}

/** Fails when any token, token id or token hash of `pairs` appears anywhere in `body`. */
export function expectNoTokenMaterial(body: unknown, pairs: Pair[]): void {
  const text = JSON.stringify(body);
  for (const field of [...SECRET_FIELDS, 'refreshTokenHash', 'previousRefreshTokenHash', 'data']) {
    expect(text).not.toContain(`"${field}"`);
  }
  for (const pair of pairs) {
    const { jti } = jwt.decode(pair.refreshToken) as { jti: string };
    for (const secret of [pair.accessToken, pair.refreshToken, jti, sha256Hex(jti)]) {
      expect(text).not.toContain(secret);
    }
  }
}

/**
 * The device-list behaviour for a store with one session per sign-in. `app` is called inside
 * the tests, so the store behind it may be opened in a beforeAll.
 */
export function multiDeviceCases(app: () => TestApp): void {
  async function twoDevices() {
    const t = app();
    const user = await t.createUser();
    const phone = await loginFrom(t, user.email, 'PhoneBrowser/1.0');
    const laptop = await loginFrom(t, user.email, 'LaptopBrowser/2.0');
    return { t, user, phone, laptop };
  }

  it('lists the current and the other device, exactly one current, without token material', async () => {
    const { t, phone, laptop } = await twoDevices();
    const res = await listDevices(t, laptop.accessToken);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const sessions = res.body.sessions as Array<Record<string, unknown>>;
    expect(sessions).toHaveLength(2);
    for (const s of sessions) expect(Object.keys(s).sort()).toEqual(DEVICE_FIELDS);

    const current = sessions.filter((s) => s.current === true);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({
      sessionHandle: sidOf(laptop.accessToken),
      userAgent: 'LaptopBrowser/2.0',
    });
    expect(sessions.find((s) => s.current === false)).toMatchObject({
      sessionHandle: sidOf(phone.accessToken),
      userAgent: 'PhoneBrowser/1.0',
      current: false,
    });
    for (const s of sessions) {
      expect(s.ip).toMatch(/127\.0\.0\.1|::1/);
      expect(Date.parse(s.createdAt as string)).not.toBeNaN();
      expect(Date.parse(s.expiresAt as string)).toBeGreaterThan(Date.now());
    }
    expectNoTokenMaterial(res.body, [phone, laptop]);

    // The other device sees the same two, with itself as the current one.
    const fromPhone = await listDevices(t, phone.accessToken);
    const mine = (fromPhone.body.sessions as Array<Record<string, unknown>>).filter(
      (s) => s.current,
    );
    expect(mine.map((s) => s.sessionHandle)).toEqual([sidOf(phone.accessToken)]);
  });

  it('ends another own device: its refresh token is refused, the current one lives on', async () => {
    const { t, user, phone, laptop } = await twoDevices();
    const handle = sidOf(phone.accessToken);
    const res = await endDevice(t, laptop.accessToken, handle);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect(res.headers['cache-control']).toBe('no-store');

    const refused = await bearerRefresh(t.app, phone.refreshToken);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('SESSION_REVOKED');
    expect((await bearerRefresh(t.app, laptop.refreshToken)).status).toBe(200);

    const left = await listDevices(t, laptop.accessToken);
    expect(
      (left.body.sessions as Array<{ sessionHandle: string }>).map((s) => s.sessionHandle),
    ).toEqual([sidOf(laptop.accessToken)]);
    const event = t.events.find(
      (e) => e.event === AuthEventNames.SESSION_REVOKED && e.sessionId === handle,
    );
    expect(event).toMatchObject({ userId: user.id, data: { reason: 'device_signed_out' } });
  });

  it("answers another user's handle exactly as an unknown one, and leaves that session alone", async () => {
    const { t, laptop } = await twoDevices();
    const victim = await t.createUser();
    const theirs = await loginFrom(t, victim.email, 'VictimBrowser/1.0');

    const foreign = await endDevice(t, laptop.accessToken, sidOf(theirs.accessToken));
    const unknown = await endDevice(t, laptop.accessToken, 'no-such-session-handle-0123456789');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: 'Session not found', code: 'SESSION_NOT_FOUND' });
    expect(unknown.status).toBe(foreign.status);
    expect(unknown.body).toEqual(foreign.body);
    expect(unknown.headers['content-type']).toBe(foreign.headers['content-type']);

    expect((await bearerRefresh(t.app, theirs.refreshToken)).status).toBe(200);
    expect(
      t.events.some(
        (e) =>
          e.event === AuthEventNames.SESSION_REVOKED && e.sessionId === sidOf(theirs.accessToken),
      ),
    ).toBe(false);
  });

  it('ends every other device and keeps the current one working', async () => {
    const t = app();
    const user = await t.createUser();
    const others = [
      await loginFrom(t, user.email, 'PhoneBrowser/1.0'),
      await loginFrom(t, user.email, 'TabletBrowser/1.0'),
    ];
    const laptop = await loginFrom(t, user.email, 'LaptopBrowser/2.0');

    const res = await endOtherDevices(t, laptop.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, revoked: 2 });
    expect(res.headers['cache-control']).toBe('no-store');

    for (const pair of others) {
      const refused = await bearerRefresh(t.app, pair.refreshToken);
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('SESSION_REVOKED');
    }
    const list = await listDevices(t, laptop.accessToken);
    expect(list.status).toBe(200);
    expect(list.body.sessions).toEqual([
      expect.objectContaining({ sessionHandle: sidOf(laptop.accessToken), current: true }),
    ]);
    expect((await bearerRefresh(t.app, laptop.refreshToken)).status).toBe(200);

    const revoked = t.events.filter(
      (e) => e.event === AuthEventNames.SESSION_REVOKED && e.userId === user.id,
    );
    expect(revoked.map((e) => e.sessionId).sort()).toEqual(
      others.map((p) => sidOf(p.accessToken)).sort(),
    );
    for (const e of revoked) expect(e.data).toEqual({ reason: 'other_devices_signed_out' });

    const again = await endOtherDevices(t, laptop.accessToken);
    expect(again.body).toEqual({ success: true, revoked: 0 });
  });

  it('lets an access token whose session has ended neither list nor end devices', async () => {
    // A thief's copy of the phone session, still within its access-token lifetime.
    const { t, phone, laptop } = await twoDevices();
    expect((await endDevice(t, laptop.accessToken, sidOf(phone.accessToken))).status).toBe(200);

    for (const res of [
      await listDevices(t, phone.accessToken),
      await endOtherDevices(t, phone.accessToken),
      await endDevice(t, phone.accessToken, sidOf(laptop.accessToken)),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('SESSION_REVOKED');
    }
    expect((await bearerRefresh(t.app, laptop.refreshToken)).status).toBe(200);
  });
}
