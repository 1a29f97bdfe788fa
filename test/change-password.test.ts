import request from 'supertest';
import { AuthEventNames, InMemorySessionStore } from 'keyward';
import {
  PASSWORD,
  bearerLogin,
  bearerLoginRequest,
  createTestApp,
  type TestApp,
  bearerRefresh,
} from './helpers/app';

const NEW_PASSWORD = 'a different passphrase';

function changePassword(
  t: TestApp,
  accessToken: string | undefined,
  body: Record<string, unknown>,
) {
  const req = request(t.app).post('/auth/change-password');
  if (accessToken) req.set('Authorization', `Bearer ${accessToken}`);
  return req.send(body);
}

describe('POST /auth/change-password', () => {
  const t = createTestApp();
  afterAll(() => t.close());

  it('requires authentication', async () => {
    const res = await changePassword(t, undefined, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });

  it('refuses an invalid access token', async () => {
    const res = await changePassword(t, 'not-a-token', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_TOKEN');
  });

  it('answers 401 INVALID_CREDENTIALS when the current password is wrong, and keeps the old password', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await changePassword(t, accessToken, {
      currentPassword: 'not the current password',
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
    expect((await bearerLoginRequest(t.app, user.email, PASSWORD)).status).toBe(200);
    expect((await bearerLoginRequest(t.app, user.email, NEW_PASSWORD)).status).toBe(401);
  });

  it('answers 400 NO_PASSWORD_SET for an account that has no password', async () => {
    const user = await t.createUser({ password: null, loginProvider: 'google' });
    const accessToken = t.auth.tokenService.signAccessToken({ sub: user.id });
    const res = await changePassword(t, accessToken, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('NO_PASSWORD_SET');
    expect((await t.store.findById(user.id))?.password ?? null).toBeNull();
  });

  it('validates the new password length', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await changePassword(t, accessToken, {
      currentPassword: PASSWORD,
      newPassword: 'short',
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('PASSWORD_TOO_SHORT');
    expect((await bearerLoginRequest(t.app, user.email, PASSWORD)).status).toBe(200);
  });

  it('validates the body', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await changePassword(t, accessToken, { newPassword: NEW_PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });

  it('changes the password and publishes USER_PASSWORD_CHANGED', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await changePassword(t, accessToken, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });

    expect((await bearerLoginRequest(t.app, user.email, NEW_PASSWORD)).status).toBe(200);
    const old = await bearerLoginRequest(t.app, user.email, PASSWORD);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('INVALID_CREDENTIALS');

    const event = t.events.find((e) => e.event === AuthEventNames.USER_PASSWORD_CHANGED);
    expect(event?.userId).toBe(user.id);
    expect(event?.event).toBe('identity.user.password.changed');
  });

  it('keeps the current session alive without a session store', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    await changePassword(t, pair.accessToken, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    }).expect(200);
    expect((await bearerRefresh(t.app, pair.refreshToken)).status).toBe(200);
  });
});

describe('POST /auth/change-password with InMemorySessionStore', () => {
  const sessionStore = new InMemorySessionStore();
  const t = createTestApp({ configurator: { sessionStore } });
  afterAll(() => t.close());

  it('revokes the other sessions of the user and keeps the current one', async () => {
    const user = await t.createUser();
    const bystander = await t.createUser();
    const current = await bearerLogin(t.app, user.email);
    const otherDevice = await bearerLogin(t.app, user.email);
    const thirdDevice = await bearerLogin(t.app, user.email);
    const bystanderPair = await bearerLogin(t.app, bystander.email);
    expect(await sessionStore.getSessionsForUser(user.id)).toHaveLength(3);

    await changePassword(t, current.accessToken, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    }).expect(200);

    const left = await sessionStore.getSessionsForUser(user.id);
    expect(left).toHaveLength(1);

    for (const gone of [otherDevice, thirdDevice]) {
      const res = await bearerRefresh(t.app, gone.refreshToken);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('SESSION_REVOKED');
    }
    expect((await bearerRefresh(t.app, current.refreshToken)).status).toBe(200);
    // Another user's session is untouched.
    expect((await bearerRefresh(t.app, bystanderPair.refreshToken)).status).toBe(200);

    const revoked = t.events.filter((e) => e.event === AuthEventNames.SESSION_REVOKED);
    expect(revoked).toHaveLength(2);
    expect(
      revoked.every((e) => e.data?.reason === 'password_changed' && e.userId === user.id),
    ).toBe(true);
  });
});
