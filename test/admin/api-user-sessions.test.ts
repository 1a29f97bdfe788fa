import request from 'supertest';
import { AuthConfigurator, AuthEventNames, type IUserStore } from 'keyward';
import { createAdminFixture, type AdminFixture } from './api-setup';

const PASSWORD = 'pass word 1';

/** An auth router on the fixture's stores (with or without its session store), at /auth. */
function withAuth(fx: AdminFixture, useSessionStore: boolean) {
  const auth = new AuthConfigurator(
    {
      accessTokenSecret: 'admin-user-sessions-access-0123456789abcdefgh',
      refreshTokenSecret: 'admin-user-sessions-refresh-0123456789abcdefg',
      bcryptSaltRounds: 4,
    },
    fx.users,
    useSessionStore ? { sessionStore: fx.sessionStore } : {},
  );
  fx.app.use('/auth', auth.router());
  afterAll(() => auth.close());

  async function createUser(email: string) {
    return fx.users.create({ email, password: await auth.passwordService.hash(PASSWORD) });
  }
  async function signIn(email: string) {
    const res = await request(fx.app)
      .post('/auth/login')
      .set('X-Auth-Strategy', 'bearer')
      .send({ email, password: PASSWORD });
    expect(res.status).toBe(200);
    return res.body as { accessToken: string; refreshToken: string };
  }
  const refresh = (refreshToken: string) =>
    request(fx.app).post('/auth/refresh').set('X-Auth-Strategy', 'bearer').send({ refreshToken });
  return { createUser, signIn, refresh };
}

describe('admin API: signing a user out everywhere', () => {
  const fx = createAdminFixture();
  const { createUser, signIn, refresh } = withAuth(fx, true);

  it("ends every session of the user and no one else's, and says who did it", async () => {
    const user = await createUser('everywhere@example.test');
    const other = await createUser('bystander@example.test');
    const devices = [await signIn(user.email), await signIn(user.email)];
    const bystander = await signIn(other.email);

    const res = await fx.api.delete(`/users/${user.id}/sessions`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect(await fx.sessionStore.getSessionsForUser(user.id)).toEqual([]);
    for (const pair of devices) {
      const refused = await refresh(pair.refreshToken);
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('SESSION_REVOKED');
    }
    expect((await refresh(bystander.refreshToken)).status).toBe(200);

    expect(
      fx.eventsNamed(AuthEventNames.SESSION_REVOKED).filter((e) => e.userId === user.id),
    ).toEqual([
      expect.objectContaining({
        data: { reason: 'admin', allSessions: true, actor: 'admin-secret' },
      }),
    ]);
    expect(
      fx.eventsNamed(AuthEventNames.ADMIN_SESSION_REVOKED).filter((e) => e.userId === user.id),
    ).toEqual([expect.objectContaining({ data: { allSessions: true, actor: 'admin-secret' } })]);
  });

  it('answers 404 USER_NOT_FOUND for an unknown user, ending nothing', async () => {
    const before = fx.events.length;
    const res = await fx.api.delete('/users/no-such-user/sessions');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: expect.any(String), code: 'USER_NOT_FOUND' });
    expect(fx.events.slice(before)).toEqual([]);
  });

  it('refuses a request without the admin secret, ending nothing', async () => {
    const user = await createUser('guarded@example.test');
    const pair = await signIn(user.email);
    const res = await request(fx.app).delete(`/admin/api/users/${user.id}/sessions`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('ADMIN_UNAUTHORIZED');
    expect(await fx.sessionStore.getSessionsForUser(user.id)).toHaveLength(1);
    expect((await refresh(pair.refreshToken)).status).toBe(200);
  });
});

describe('admin API: signing a user out everywhere without a session store', () => {
  // The auth router keeps the one session on the user record; the admin router has no store.
  const fx = createAdminFixture({ sessionStore: undefined });
  const { createUser, signIn, refresh } = withAuth(fx, false);

  it('ends the session kept on the user record', async () => {
    const user = await createUser('record@example.test');
    const pair = await signIn(user.email);
    const res = await fx.api.delete(`/users/${user.id}/sessions`);
    expect(res.status).toBe(200);
    const refused = await refresh(pair.refreshToken);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('SESSION_REVOKED');
    const users: IUserStore = fx.users;
    expect((await users.findById(user.id))?.refreshToken ?? null).toBeNull();
  });
});
