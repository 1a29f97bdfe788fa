import request from 'supertest';
import { AuthEventNames, InMemorySessionStore } from 'keyward';
import { appFactory, bearerLogin, bearerRefresh, sidOf } from './helpers/app';
import { advanceClock as advance, fakeDateOnly } from './helpers/clock';

const app = appFactory();
const HOUR = 3_600_000;

describe('sessionMaxLifetime', () => {
  afterEach(() => jest.useRealTimers());

  it("is '30d' by default", () => {
    const t = app();
    expect(t.auth.config.sessionMaxLifetimeSeconds).toBe(30 * 86_400);
  });

  it('refuses a refresh past the absolute lifetime with 401 SESSION_EXPIRED, however often it slid', async () => {
    const sessionStore = new InMemorySessionStore();
    const t = app({
      config: { sessionMaxLifetime: '2d', refreshTokenExpiresIn: '1d' },
      configurator: { sessionStore },
    });
    const user = await t.createUser();
    fakeDateOnly();
    const pair = await bearerLogin(t.app, user.email);
    let refreshToken = pair.refreshToken;
    // Refreshed every 20 hours: the sliding expiry (1 day) never runs out.
    for (let i = 0; i < 2; i++) {
      advance(20 * HOUR);
      const res = await bearerRefresh(t.app, refreshToken);
      expect(res.status).toBe(200);
      refreshToken = res.body.refreshToken as string;
    }
    advance(8 * HOUR + 60_000); // 48 h and a minute after sign-in
    const refused = await bearerRefresh(t.app, refreshToken);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('SESSION_EXPIRED');
    expect(await sessionStore.getSession(sidOf(pair.accessToken))).toBeNull();
    const expired = t.events.filter((e) => e.event === AuthEventNames.SESSION_EXPIRED);
    expect(expired).toEqual([
      expect.objectContaining({
        userId: user.id,
        sessionId: sidOf(pair.accessToken),
        data: { reason: 'max_lifetime' },
      }),
    ]);
  });

  it('refuses an access token whose session has passed the lifetime, before it expires itself', async () => {
    const t = app({ config: { sessionMaxLifetime: '1h', accessTokenExpiresIn: '15m' } });
    const user = await t.createUser();
    fakeDateOnly();
    const pair = await bearerLogin(t.app, user.email);
    advance(50 * 60_000);
    const fresh = await bearerRefresh(t.app, pair.refreshToken);
    expect(fresh.status).toBe(200);
    const token = fresh.body.accessToken as string;
    const auth = { Authorization: `Bearer ${token}` };
    expect((await request(t.app).get('/api/private').set(auth)).status).toBe(200);
    advance(11 * 60_000); // the token has 4 minutes left; the session is past its hour
    const res = await request(t.app).get('/api/private').set(auth);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SESSION_EXPIRED');
  });

  it('rejects a malformed value at construction', () => {
    expect(() => app({ config: { sessionMaxLifetime: 'forever' } })).toThrow(/sessionMaxLifetime/);
  });
});
