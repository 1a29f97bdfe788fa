import request from 'supertest';
import {
  AuthConfigurator,
  AuthEventNames,
  InMemorySessionStore,
  type ISessionStore,
  type SessionInfo,
} from 'keyward';
import { createAdminFixture } from './api-setup';

const HOUR = 3600_000;

describe('admin API: sessions', () => {
  const fx = createAdminFixture();
  const auth = new AuthConfigurator(
    {
      accessTokenSecret: 'admin-sessions-access-secret-0123456789abcdef',
      refreshTokenSecret: 'admin-sessions-refresh-secret-0123456789abcde',
      bcryptSaltRounds: 4,
    },
    fx.users,
    { sessionStore: fx.sessionStore },
  );
  // The app signs people in with the same stores the admin router looks at.
  fx.app.use('/auth', auth.router());
  afterAll(() => auth.close());

  async function signIn(email: string) {
    if (!(await fx.users.findByEmail(email))) {
      await fx.users.create({ email, password: await auth.passwordService.hash('pass word 1') });
    }
    const res = await request(fx.app)
      .post('/auth/login')
      .set('X-Auth-Strategy', 'bearer')
      .set('User-Agent', 'AdminTest/1.0')
      .send({ email, password: 'pass word 1' });
    expect(res.status).toBe(200);
    return res.body as { accessToken: string; refreshToken: string };
  }

  it('lists sessions paged by the store, without refresh hashes or app data', async () => {
    for (let i = 0; i < 5; i++) await signIn(`s${i}@example.test`);
    await fx.sessionStore.createSession({
      userId: 'someone',
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + HOUR),
      data: { private: 'app data' },
      refreshTokenHash: 'f'.repeat(64),
    });

    const first = await fx.api.get('/sessions?limit=4');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ limit: 4, offset: 0, hasMore: true });
    expect(first.body.sessions).toHaveLength(4);
    const second = await fx.api.get('/sessions?limit=4&offset=4');
    expect(second.body).toMatchObject({ limit: 4, offset: 4, hasMore: false });
    expect(second.body.sessions).toHaveLength(2);

    const all = [...first.body.sessions, ...second.body.sessions] as Array<Record<string, unknown>>;
    expect(new Set(all.map((s) => s.sessionHandle)).size).toBe(6);
    for (const s of all) {
      expect(Object.keys(s).sort()).toEqual(
        [
          'createdAt',
          'expiresAt',
          'ipAddress',
          'lastActiveAt',
          'sessionHandle',
          'tenantId',
          'userAgent',
          'userId',
        ].sort(),
      );
    }
    expect(JSON.stringify(all)).not.toContain('f'.repeat(64));
    expect(JSON.stringify(all)).not.toContain('app data');
    expect(all.find((s) => s.userAgent === 'AdminTest/1.0')).toBeDefined();
  });

  it('filters sessions on the server by user id', async () => {
    const res = await fx.api.get('/sessions?filter=someone');
    expect((res.body.sessions as SessionInfo[]).map((s) => s.userId)).toEqual(['someone']);
  });

  it('refuses bad paging with 400 INVALID_INPUT', async () => {
    const res = await fx.api.get('/sessions?offset=minus');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
  });

  it('revokes one session: its refresh token stops working, the others keep going', async () => {
    const phone = await signIn('revoke@example.test');
    const laptop = await signIn('revoke@example.test');
    const user = await fx.users.findByEmail('revoke@example.test');
    const [target, other] = await fx.sessionStore.getSessionsForUser(user!.id);

    const res = await fx.api.delete(`/sessions/${target!.sessionHandle}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect(await fx.sessionStore.getSession(target!.sessionHandle)).toBeNull();
    expect(await fx.sessionStore.getSession(other!.sessionHandle)).not.toBeNull();

    const refresh = (token: string) =>
      request(fx.app)
        .post('/auth/refresh')
        .set('X-Auth-Strategy', 'bearer')
        .send({ refreshToken: token });
    const results = [
      (await refresh(phone.refreshToken)).status,
      (await refresh(laptop.refreshToken)).status,
    ];
    expect(results.sort()).toEqual([200, 401]);

    expect(fx.eventsNamed(AuthEventNames.ADMIN_SESSION_REVOKED)[0]).toMatchObject({
      userId: user!.id,
      sessionId: target!.sessionHandle,
      data: { actor: 'admin-secret' },
    });
    expect(
      fx
        .eventsNamed(AuthEventNames.SESSION_REVOKED)
        .find((e) => e.sessionId === target!.sessionHandle),
    ).toMatchObject({ data: { reason: 'admin', actor: 'admin-secret' } });
  });

  it('answers 404 SESSION_NOT_FOUND for an unknown handle', async () => {
    const res = await fx.api.delete('/sessions/no-such-handle');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: expect.any(String), code: 'SESSION_NOT_FOUND' });
  });
});

describe('admin API: sessions not configured', () => {
  it('answers 404 FEATURE_NOT_ENABLED without a session store', async () => {
    const fx = createAdminFixture({ sessionStore: undefined });
    for (const res of [await fx.api.get('/sessions'), await fx.api.delete('/sessions/h')]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('FEATURE_NOT_ENABLED');
    }
  });

  it('lists nothing but still revokes when the store cannot list', async () => {
    const inner = new InMemorySessionStore();
    // Every required method, none of the optional ones.
    const unlisted: ISessionStore = {
      createSession: (info) => inner.createSession(info),
      getSession: (handle) => inner.getSession(handle),
      getSessionsForUser: (userId, tenantId) => inner.getSessionsForUser(userId, tenantId),
      updateSessionLastActive: (handle) => inner.updateSessionLastActive(handle),
      revokeSession: (handle) => inner.revokeSession(handle),
      revokeAllSessionsForUser: (userId, tenantId) =>
        inner.revokeAllSessionsForUser(userId, tenantId),
      rotateRefreshToken: (handle, expected, next) =>
        inner.rotateRefreshToken(handle, expected, next),
    };
    const fx = createAdminFixture({ sessionStore: unlisted });
    expect((await fx.api.get('/ping')).body.features.sessions).toBe(false);
    expect((await fx.api.get('/sessions')).body.code).toBe('FEATURE_NOT_ENABLED');
    const s = await inner.createSession({
      userId: 'u',
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + HOUR),
    });
    expect((await fx.api.delete(`/sessions/${s.sessionHandle}`)).status).toBe(200);
    expect(await inner.getSession(s.sessionHandle)).toBeNull();
  });
});
