import request from 'supertest';
import { AuthEventNames } from 'keyward';
import { bearerLogin, createTestApp } from './helpers/app';
import { bearer, codeForStep, enrol, stepAt } from './helpers/totp';

describe('TOTP enrolment: POST /auth/2fa/setup and /auth/2fa/verify-setup', () => {
  const t = createTestApp({ config: { twoFactor: { appName: 'Acme Portal' } } });
  afterAll(() => t.close());

  async function signedIn() {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    return { user, accessToken };
  }

  it('answers a base32 secret, an otpauth URL with the configured app name and a PNG QR code', async () => {
    const { user, accessToken } = await signedIn();
    const res = await request(t.app).post('/auth/2fa/setup').set(bearer(accessToken));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(res.body.otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe(`/Acme Portal:${user.email}`);
    expect(url.searchParams.get('secret')).toBe(res.body.secret);
    expect(url.searchParams.get('issuer')).toBe('Acme Portal');
    expect(res.body.qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
  });

  it('names the app "keyward" in the otpauth URL when twoFactor.appName is not set', async () => {
    const plain = createTestApp();
    try {
      const user = await plain.createUser();
      const { accessToken } = await bearerLogin(plain.app, user.email);
      const res = await request(plain.app).post('/auth/2fa/setup').set(bearer(accessToken));
      expect(new URL(res.body.otpauthUrl).searchParams.get('issuer')).toBe('keyward');
    } finally {
      await plain.close();
    }
  });

  it('does not enable 2FA: the store is unchanged and login still starts a session', async () => {
    const { user, accessToken } = await signedIn();
    await request(t.app).post('/auth/2fa/setup').set(bearer(accessToken)).expect(200);
    const stored = await t.store.findById(user.id);
    expect(stored?.isTotpEnabled).toBeFalsy();
    expect(stored?.totpSecret ?? null).toBeNull();
    const login = await bearerLogin(t.app, user.email);
    expect(typeof login.accessToken).toBe('string');
  });

  it('refuses both endpoints without an access token (401)', async () => {
    expect((await request(t.app).post('/auth/2fa/setup')).status).toBe(401);
    const res = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .send({ token: '123456', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' });
    expect(res.status).toBe(401);
  });

  it('enables 2FA on a correct code and returns 10 recovery codes once', async () => {
    t.events.length = 0;
    const { user, recoveryCodes } = await enrol(t);
    expect(recoveryCodes).toHaveLength(10);
    const stored = await t.store.findById(user.id);
    expect(stored?.isTotpEnabled).toBe(true);
    expect(t.events.map((e) => e.event)).toContain(AuthEventNames.USER_2FA_ENABLED);
    expect(t.events.find((e) => e.event === AuthEventNames.USER_2FA_ENABLED)?.userId).toBe(user.id);
  });

  it('stores the secret encrypted: the stored value differs from and does not contain it', async () => {
    const { user, secret } = await enrol(t);
    const stored = (await t.store.findById(user.id))?.totpSecret;
    expect(typeof stored).toBe('string');
    expect(stored).not.toBe(secret);
    expect(stored!.toUpperCase()).not.toContain(secret);
    expect(stored).not.toContain(secret.toLowerCase());
  });

  it('refuses a wrong code with 401 INVALID_2FA_CODE and leaves 2FA off', async () => {
    const { user, accessToken } = await signedIn();
    const setup = await request(t.app).post('/auth/2fa/setup').set(bearer(accessToken));
    const right = codeForStep(setup.body.secret, stepAt());
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const res = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .set(bearer(accessToken))
      .send({ token: wrong, secret: setup.body.secret });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_2FA_CODE');
    expect((await t.store.findById(user.id))?.isTotpEnabled).toBeFalsy();
  });

  it('refuses a code of the wrong length (401) and a secret that is not base32 (400)', async () => {
    const { accessToken } = await signedIn();
    const setup = await request(t.app).post('/auth/2fa/setup').set(bearer(accessToken));
    const short = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .set(bearer(accessToken))
      .send({ token: '12', secret: setup.body.secret });
    expect(short.status).toBe(401);
    expect(short.body.code).toBe('INVALID_2FA_CODE');
    const badSecret = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .set(bearer(accessToken))
      .send({ token: '123456', secret: 'not base32 at all!' });
    expect(badSecret.status).toBe(400);
    expect(badSecret.body.code).toBe('VALIDATION_ERROR');
  });

  it('answers 400 2FA_ALREADY_ENABLED to setup and verify-setup once 2FA is on', async () => {
    const { accessToken, secret, step } = await enrol(t);
    const setup = await request(t.app).post('/auth/2fa/setup').set(bearer(accessToken));
    expect(setup.status).toBe(400);
    expect(setup.body.code).toBe('2FA_ALREADY_ENABLED');
    const again = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .set(bearer(accessToken))
      .send({ token: codeForStep(secret, step), secret });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('2FA_ALREADY_ENABLED');
  });
});
