// The strategies as the reference SDK's documentation calls them from an app's own code:
// `localStrategy.authenticate({ email, password }, config)` and TotpStrategy's
// generateSecret / verify / enable / disable.
import request from 'supertest';
import { AuthError, TotpStrategy, type AuthConfig } from 'keyward';
import { ACCESS_SECRET, PASSWORD, createTestApp } from './helpers/app';
import { codeForStep, stepAt } from './helpers/totp';

async function authError(promise: Promise<unknown>): Promise<AuthError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AuthError)) throw new Error(`expected an AuthError, got ${String(err)}`);
  return err;
}

describe("auth.strategy('local').authenticate(credentials, config)", () => {
  const t = createTestApp();
  afterAll(() => t.close());

  it('refuses an unverified address under requireEmailVerification: true (403 EMAIL_NOT_VERIFIED)', async () => {
    const user = await t.createUser({ isEmailVerified: false });
    const config = { requireEmailVerification: true } as AuthConfig;
    const err = await authError(
      t.auth.strategy('local').authenticate({ email: user.email, password: PASSWORD }, config),
    );
    expect([err.code, err.statusCode]).toEqual(['EMAIL_NOT_VERIFIED', 403]);
  });

  it("treats emailVerificationMode: 'strict' the same, and lets a verified address in", async () => {
    const unverified = await t.createUser({ isEmailVerified: false });
    const verified = await t.createUser({ isEmailVerified: true });
    const config = { emailVerificationMode: 'strict' } as AuthConfig;
    const local = t.auth.strategy('local');
    const err = await authError(
      local.authenticate({ email: unverified.email, password: PASSWORD }, config),
    );
    expect(err.code).toBe('EMAIL_NOT_VERIFIED');
    const user = await local.authenticate({ email: verified.email, password: PASSWORD }, config);
    expect(user.id).toBe(verified.id);
  });

  it("lets emailVerificationMode win over requireEmailVerification ('none' admits)", async () => {
    const user = await t.createUser({ isEmailVerified: false });
    const config = { requireEmailVerification: true, emailVerificationMode: 'none' } as AuthConfig;
    const found = await t.auth
      .strategy('local')
      .authenticate({ email: user.email, password: PASSWORD }, config);
    expect(found.id).toBe(user.id);
  });

  it("refuses under 'lazy' once the user's deadline passed (403 EMAIL_VERIFICATION_REQUIRED)", async () => {
    const late = await t.createUser({
      isEmailVerified: false,
      emailVerificationDeadline: new Date(Date.now() - 60_000),
    });
    const inGrace = await t.createUser({
      isEmailVerified: false,
      emailVerificationDeadline: new Date(Date.now() + 3_600_000),
    });
    const config = { emailVerificationMode: 'lazy' } as AuthConfig;
    const local = t.auth.strategy('local');
    const err = await authError(
      local.authenticate({ email: late.email, password: PASSWORD }, config),
    );
    expect(err.code).toBe('EMAIL_VERIFICATION_REQUIRED');
    const found = await local.authenticate({ email: inGrace.email, password: PASSWORD }, config);
    expect(found.id).toBe(inGrace.id);
  });

  it('answers a wrong password with INVALID_CREDENTIALS even for an unverified address', async () => {
    const user = await t.createUser({ isEmailVerified: false });
    const config = { requireEmailVerification: true } as AuthConfig;
    const err = await authError(
      t.auth.strategy('local').authenticate({ email: user.email, password: 'wrong' }, config),
    );
    expect([err.code, err.statusCode]).toEqual(['INVALID_CREDENTIALS', 401]);
  });

  it("uses the configurator's own config as the reference's `config` argument", async () => {
    const strict = createTestApp({ config: { requireEmailVerification: true } });
    try {
      const user = await strict.createUser({ isEmailVerified: false });
      const err = await authError(
        strict.auth
          .strategy('local')
          .authenticate({ email: user.email, password: PASSWORD }, strict.auth.config),
      );
      expect(err.code).toBe('EMAIL_NOT_VERIFIED');
    } finally {
      await strict.close();
    }
  });
});

describe('TotpStrategy enable / disable', () => {
  const t = createTestApp();
  afterAll(() => t.close());
  const totpStrategy = new TotpStrategy();

  const login = (email: string) =>
    request(t.app).post('/auth/login').send({ email, password: PASSWORD });

  it('enable(userId, secret, userStore, config) switches 2FA on: login asks for the code, and the code signs in', async () => {
    const user = await t.createUser();
    const { secret } = totpStrategy.generateSecret(user.email, 'MyApp');
    await totpStrategy.enable(user.id, secret, t.store, t.auth.config);
    const stored = await t.store.findById(user.id);
    expect(stored?.isTotpEnabled).toBe(true);
    // Encrypted at rest as the router stores it, not the plain secret.
    expect(stored?.totpSecret).not.toBe(secret);

    const first = await login(user.email);
    expect(first.body).toMatchObject({ requiresTwoFactor: true, available2faMethods: ['totp'] });
    const done = await request(t.app)
      .post('/auth/2fa/verify')
      .send({ tempToken: first.body.tempToken, totpCode: codeForStep(secret, stepAt()) });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ success: true });
  });

  it('enable takes the AuthConfig object itself, as an app passes it', async () => {
    const user = await t.createUser();
    const { secret } = totpStrategy.generateSecret(user.email);
    const config: AuthConfig = { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: 'x' };
    await totpStrategy.enable(user.id, secret, t.store, config);
    const first = await login(user.email);
    const done = await request(t.app)
      .post('/auth/2fa/verify')
      .send({ tempToken: first.body.tempToken, totpCode: codeForStep(secret, stepAt()) });
    expect(done.status).toBe(200);
  });

  it('enable(userId, secret, userStore) without config stores the secret as given (the reference call)', async () => {
    const user = await t.createUser();
    const { secret } = totpStrategy.generateSecret(user.email);
    await totpStrategy.enable(user.id, secret, t.store);
    const stored = await t.store.findById(user.id);
    expect(stored?.isTotpEnabled).toBe(true);
    expect(stored?.totpSecret).toBe(secret);
    expect((await login(user.email)).body.requiresTwoFactor).toBe(true);
  });

  it('refuses a secret no authenticator app can hold (400 INVALID_INPUT), storing nothing', async () => {
    const user = await t.createUser();
    const err = await authError(totpStrategy.enable(user.id, 'not base32!', t.store));
    expect([err.code, err.statusCode]).toEqual(['INVALID_INPUT', 400]);
    expect((await t.store.findById(user.id))?.isTotpEnabled).toBeFalsy();
  });

  it('disable(userId, userStore) switches 2FA off: login gives a session again', async () => {
    const user = await t.createUser();
    const { secret } = totpStrategy.generateSecret(user.email);
    await totpStrategy.enable(user.id, secret, t.store, t.auth.config);
    await totpStrategy.disable(user.id, t.store);
    const stored = await t.store.findById(user.id);
    expect(stored?.isTotpEnabled).toBe(false);
    expect(stored?.totpSecret).toBeNull();
    const res = await login(user.email);
    expect(res.status).toBe(200);
    expect(res.body.requiresTwoFactor).toBeUndefined();
    expect(res.headers['set-cookie']).toBeDefined();
  });

  it('leaves POST /auth/2fa/disable asking for a code after a programmatic enable', async () => {
    const user = await t.createUser();
    const { secret } = totpStrategy.generateSecret(user.email);
    await totpStrategy.enable(user.id, secret, t.store, t.auth.config);
    const first = await login(user.email);
    const session = await request(t.app)
      .post('/auth/2fa/verify')
      .set('X-Auth-Strategy', 'bearer')
      .send({ tempToken: first.body.tempToken, totpCode: codeForStep(secret, stepAt()) });
    const res = await request(t.app)
      .post('/auth/2fa/disable')
      .set('Authorization', `Bearer ${session.body.accessToken}`)
      .send({});
    expect(res.status).toBe(400);
    expect((await t.store.findById(user.id))?.isTotpEnabled).toBe(true);
  });
});
