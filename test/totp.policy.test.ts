import request from 'supertest';
import { AuthEventNames, InMemorySettingsStore, InMemoryUserStore, type BaseUser } from 'keyward';
import { PASSWORD, bearerLogin, createTestApp } from './helpers/app';
import { bearer, codeForStep, enrol } from './helpers/totp';

/**
 * The application's user store, where an administrator can set `require2FA` on an account
 * after the user enrolled.
 */
class AdminFlaggedUserStore extends InMemoryUserStore {
  readonly flagged = new Set<string>();
  override async findById(id: string) {
    return this.flag(await super.findById(id));
  }
  override async findByEmail(email: string) {
    return this.flag(await super.findByEmail(email));
  }
  private flag(user: BaseUser | null): BaseUser | null {
    return user && this.flagged.has(user.id) ? { ...user, require2FA: true } : user;
  }
}

describe('POST /auth/2fa/disable and the require2FA policy', () => {
  const settingsStore = new InMemorySettingsStore();
  const t = createTestApp({ router: { settingsStore } });
  const userStore = new AdminFlaggedUserStore();
  const flaggedApp = createTestApp({ userStore });
  afterAll(async () => {
    await t.close();
    await flaggedApp.close();
  });
  afterEach(() => settingsStore.updateSettings({ require2FA: false }));

  it('disables 2FA with a current code: secret cleared, login no longer challenged, event published', async () => {
    const { user, secret, step, accessToken } = await enrol(t);
    t.events.length = 0;
    const res = await request(t.app)
      .post('/auth/2fa/disable')
      .set(bearer(accessToken))
      .send({ totpCode: codeForStep(secret, step) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    const stored = await t.store.findById(user.id);
    expect(stored?.isTotpEnabled).toBe(false);
    expect(stored?.totpSecret ?? null).toBeNull();
    expect(t.events.map((e) => e.event)).toContain(AuthEventNames.USER_2FA_DISABLED);
    const login = await bearerLogin(t.app, user.email);
    expect(typeof login.accessToken).toBe('string');
  });

  it('disables 2FA with a recovery code instead of a TOTP code', async () => {
    const { user, accessToken, recoveryCodes } = await enrol(t);
    const res = await request(t.app)
      .post('/auth/2fa/disable')
      .set(bearer(accessToken))
      .send({ recoveryCode: recoveryCodes[0] });
    expect(res.status).toBe(200);
    expect((await t.store.findById(user.id))?.isTotpEnabled).toBe(false);
  });

  it('refuses with the access token alone (400) or a wrong code (401); 2FA stays on', async () => {
    const { user, accessToken } = await enrol(t);
    const bare = await request(t.app).post('/auth/2fa/disable').set(bearer(accessToken));
    expect(bare.status).toBe(400);
    expect(bare.body.code).toBe('VALIDATION_ERROR');
    const wrong = await request(t.app)
      .post('/auth/2fa/disable')
      .set(bearer(accessToken))
      .send({ totpCode: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_2FA_CODE');
    expect((await t.store.findById(user.id))?.isTotpEnabled).toBe(true);
  });

  it('refuses with 403 2FA_REQUIRED when the user has require2FA set', async () => {
    const { user, secret, step, accessToken } = await enrol(flaggedApp);
    userStore.flagged.add(user.id);
    const res = await request(flaggedApp.app)
      .post('/auth/2fa/disable')
      .set(bearer(accessToken))
      .send({ totpCode: codeForStep(secret, step) });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('2FA_REQUIRED');
    expect((await userStore.findById(user.id))?.isTotpEnabled).toBe(true);
  });

  it('refuses with 403 2FA_REQUIRED when the settings store requires 2FA for everyone', async () => {
    const { user, secret, step, accessToken } = await enrol(t);
    await settingsStore.updateSettings({ require2FA: true });
    const res = await request(t.app)
      .post('/auth/2fa/disable')
      .set(bearer(accessToken))
      .send({ totpCode: codeForStep(secret, step) });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('2FA_REQUIRED');
    expect((await t.store.findById(user.id))?.isTotpEnabled).toBe(true);
  });

  it('answers 400 2FA_NOT_ENABLED when 2FA is already off', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await request(t.app)
      .post('/auth/2fa/disable')
      .set(bearer(accessToken))
      .send({ totpCode: '123456' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('2FA_NOT_ENABLED');
  });

  it('answers a require2FA user without any method with 403 2FA_SETUP_REQUIRED and a temporary token', async () => {
    const user = await t.createUser({ require2FA: true });
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      requires2FASetup: true,
      tempToken: expect.any(String),
      code: '2FA_SETUP_REQUIRED',
    });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('offers ["totp"] to a require2FA user who has enrolled', async () => {
    const { user } = await enrol(flaggedApp);
    userStore.flagged.add(user.id);
    const res = await request(flaggedApp.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.available2faMethods).toEqual(['totp']);
  });
});
