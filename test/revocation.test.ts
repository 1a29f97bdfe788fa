import express from 'express';
import request from 'supertest';
import {
  AuthEventNames,
  InMemoryRevocationFeed,
  InMemorySessionStore,
  createAdminRouter,
  type Revocation,
} from 'keyward';
import {
  PASSWORD,
  appFactory,
  bearerLogin,
  bearerRefresh,
  cookieValue,
  sidOf,
  type TestApp,
} from './helpers/app';

const app = appFactory();
const ADMIN_SECRET = 'admin-secret-for-the-revocation-tests';

/** GET /api/private with a bearer token: the status and error code. */
async function access(t: TestApp, token: string) {
  const res = await request(t.app).get('/api/private').set('Authorization', `Bearer ${token}`);
  return { status: res.status, code: res.body.code as string | undefined };
}

const REFUSED = { status: 401, code: 'SESSION_REVOKED' };
const ADMITTED = { status: 200, code: undefined };

describe('attacks: a stolen access token after the session ended (default configuration)', () => {
  const sessionStore = new InMemorySessionStore();
  const t = app({ configurator: { sessionStore } });

  it('refuses the access token after logout, on the same instance, at once', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    expect(await access(t, pair.accessToken)).toEqual(ADMITTED);
    await request(t.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .expect(200);
    expect(await access(t, pair.accessToken)).toEqual(REFUSED);
    // The auth router's own protected routes refuse it too.
    const me = await request(t.app)
      .get('/auth/me')
      .set('Authorization', `Bearer ${pair.accessToken}`);
    expect(me.status).toBe(401);
  });

  it('refuses the access cookie after a cookie logout, and leaves the other device alone', async () => {
    const user = await t.createUser();
    const other = await bearerLogin(t.app, user.email);
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(200);
    // The cookies are Secure (https site URL), so they are sent by hand over the test's plain http.
    const cookie = `accessToken=${cookieValue(login, 'accessToken')}`;
    const both = [cookie, `refreshToken=${cookieValue(login, 'refreshToken')}`];
    await request(t.app).get('/api/private').set('Cookie', cookie).expect(200);
    await request(t.app).post('/auth/logout').set('Cookie', both).expect(200);
    // Replay the cookie the logout cleared, as a thief who copied it would.
    const replay = await request(t.app).get('/api/private').set('Cookie', cookie);
    expect({ status: replay.status, code: replay.body.code }).toEqual(REFUSED);
    expect(await access(t, other.accessToken)).toEqual(ADMITTED);
  });

  it('refuses the other sessions after a password change and keeps the current one', async () => {
    const user = await t.createUser();
    const phone = await bearerLogin(t.app, user.email);
    const laptop = await bearerLogin(t.app, user.email);
    await request(t.app)
      .post('/auth/change-password')
      .set('Authorization', `Bearer ${laptop.accessToken}`)
      .send({ currentPassword: PASSWORD, newPassword: 'another long passphrase' })
      .expect(200);
    expect(await access(t, phone.accessToken)).toEqual(REFUSED);
    expect(await access(t, laptop.accessToken)).toEqual(ADMITTED);
  });

  it('refuses every session after a password reset, and a sign-in in the same second works', async () => {
    const user = await t.createUser();
    const phone = await bearerLogin(t.app, user.email);
    const laptop = await bearerLogin(t.app, user.email);
    const mail = t.nextMail();
    await request(t.app).post('/auth/forgot-password').send({ email: user.email }).expect(200);
    const { token } = await mail;
    const newPassword = 'a reset long passphrase';
    await request(t.app).post('/auth/reset-password').send({ token, newPassword }).expect(200);
    expect(await access(t, phone.accessToken)).toEqual(REFUSED);
    expect(await access(t, laptop.accessToken)).toEqual(REFUSED);
    // At once after the reset: the new session must not fall under the reset's cutoff.
    const fresh = await bearerLogin(t.app, user.email, newPassword);
    expect(await access(t, fresh.accessToken)).toEqual(ADMITTED);
  });

  it('refuses the access tokens of a deleted account', async () => {
    const user = await t.createUser();
    const phone = await bearerLogin(t.app, user.email);
    const laptop = await bearerLogin(t.app, user.email);
    await request(t.app)
      .delete('/auth/account')
      .set('Authorization', `Bearer ${laptop.accessToken}`)
      .expect(200);
    expect(await access(t, phone.accessToken)).toEqual(REFUSED);
    expect(await access(t, laptop.accessToken)).toEqual(REFUSED);
  });

  it('refuses the session after refresh-token reuse: the thief and the owner are both out', async () => {
    const u = app({ config: { refreshReuseGraceSeconds: 0 }, configurator: { sessionStore } });
    const user = await u.createUser();
    const stolen = await bearerLogin(u.app, user.email);
    const rotated = await bearerRefresh(u.app, stolen.refreshToken);
    expect(rotated.status).toBe(200);
    const reuse = await bearerRefresh(u.app, stolen.refreshToken);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');
    expect(await access(u, rotated.body.accessToken as string)).toEqual(REFUSED);
    expect(await access(u, stolen.accessToken)).toEqual(REFUSED);
  });

  it("refuses every token of a user when identity.session.revoked says all the user's sessions ended", async () => {
    // What an admin route that ends a user's sessions publishes on the app's event bus.
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    t.bus.publish(AuthEventNames.SESSION_REVOKED, {
      userId: user.id,
      data: { reason: 'admin', allSessions: true },
    });
    expect(await access(t, pair.accessToken)).toEqual(REFUSED);
  });
});

describe('attacks: admin revocation reaches the access tokens', () => {
  const sessionStore = new InMemorySessionStore();
  const t = app({ configurator: { sessionStore } });
  const admin = express();
  admin.use(
    '/admin',
    createAdminRouter(t.store, {
      adminSecret: ADMIN_SECRET,
      sessionStore,
      authConfigurator: t.auth,
    }),
  );
  const api = (method: 'delete', path: string) =>
    request(admin)[method](`/admin/api${path}`).set('Authorization', `Bearer ${ADMIN_SECRET}`);

  it('DELETE /admin/api/sessions/:handle refuses that session at once, and only that one', async () => {
    const user = await t.createUser();
    const phone = await bearerLogin(t.app, user.email);
    const laptop = await bearerLogin(t.app, user.email);
    await api('delete', `/sessions/${encodeURIComponent(sidOf(phone.accessToken))}`).expect(200);
    expect(await access(t, phone.accessToken)).toEqual(REFUSED);
    expect(await access(t, laptop.accessToken)).toEqual(ADMITTED);
  });

  it('DELETE /admin/api/users/:id refuses every token of the user', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    await api('delete', `/users/${encodeURIComponent(user.id)}`).expect(200);
    expect(await access(t, pair.accessToken)).toEqual(REFUSED);
  });
});

describe('revocations shared between instances of one process', () => {
  it('an instance started after a revocation refuses the token (start-up load)', async () => {
    const feed = new InMemoryRevocationFeed();
    const sessionStore = new InMemorySessionStore();
    const a = app({ configurator: { sessionStore, revocationFeed: feed } });
    const user = await a.createUser();
    const pair = await bearerLogin(a.app, user.email);
    await request(a.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .expect(200);

    const b = app({ configurator: { sessionStore, revocationFeed: feed } });
    expect(await access(b, pair.accessToken)).toEqual(REFUSED);
  });

  it('a running instance sharing the feed refuses at once, and onRevocation hears it', async () => {
    const feed = new InMemoryRevocationFeed();
    const sessionStore = new InMemorySessionStore();
    const a = app({ configurator: { sessionStore, revocationFeed: feed } });
    const b = app({ configurator: { sessionStore, revocationFeed: feed } });
    const heard: Revocation[] = [];
    const stop = b.auth.onRevocation((r) => heard.push(r));
    const user = await a.createUser();
    const pair = await bearerLogin(a.app, user.email);
    expect(await access(b, pair.accessToken)).toEqual(ADMITTED);
    await request(a.app)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .expect(200);
    expect(await access(b, pair.accessToken)).toEqual(REFUSED);
    expect(heard).toEqual([
      expect.objectContaining({ kind: 'session', sessionId: sidOf(pair.accessToken) }),
    ]);
    stop();
  });
});
