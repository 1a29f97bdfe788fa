import jwt from 'jsonwebtoken';
import request from 'supertest';
import { ACCESS_SECRET, PASSWORD, cookieValue, createTestApp } from './helpers/app';
import { bearer, challenge, codeForStep, enrol } from './helpers/totp';

describe('Signing in with TOTP: POST /auth/login then POST /auth/2fa/verify', () => {
  const t = createTestApp();
  afterAll(() => t.close());

  it('answers login with a challenge (methods ["totp"]) and no session, tokens or cookies', async () => {
    const { user } = await enrol(t);
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      requiresTwoFactor: true,
      tempToken: expect.any(String),
      available2faMethods: ['totp'],
    });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('completes the sign-in with the current code: session cookies the protected route accepts', async () => {
    const { user, secret, step } = await enrol(t);
    const tempToken = await challenge(t.app, user.email);
    const res = await request(t.app)
      .post('/auth/2fa/verify')
      .send({ tempToken, totpCode: codeForStep(secret, step) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    const access = cookieValue(res, 'accessToken');
    expect(access).toBeDefined();
    expect(cookieValue(res, 'refreshToken')).toBeDefined();
    const me = await request(t.app).get('/api/private').set('Cookie', `accessToken=${access}`);
    expect(me.status).toBe(200);
    expect(me.body.user.sub).toBe(user.id);
  });

  it('completes the sign-in in bearer mode with both tokens in the body and no cookies', async () => {
    const { user, secret, step } = await enrol(t);
    const tempToken = await challenge(t.app, user.email);
    const res = await request(t.app)
      .post('/auth/2fa/verify')
      .set('X-Auth-Strategy', 'bearer')
      .send({ tempToken, totpCode: codeForStep(secret, step) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(res.headers['set-cookie']).toBeUndefined();
    const me = await request(t.app).get('/api/private').set(bearer(res.body.accessToken));
    expect(me.body.user.sub).toBe(user.id);
  });

  it('refuses a wrong code with 401 INVALID_2FA_CODE and lets the same attempt retry', async () => {
    const { user, secret, step } = await enrol(t);
    const tempToken = await challenge(t.app, user.email);
    const right = codeForStep(secret, step);
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    const bad = await request(t.app).post('/auth/2fa/verify').send({ tempToken, totpCode: wrong });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('INVALID_2FA_CODE');
    expect(bad.headers['set-cookie']).toBeUndefined();
    const good = await request(t.app).post('/auth/2fa/verify').send({ tempToken, totpCode: right });
    expect(good.status).toBe(200);
  });

  it('refuses a body with neither or both of totpCode and recoveryCode (400)', async () => {
    const { user, secret, step, recoveryCodes } = await enrol(t);
    const tempToken = await challenge(t.app, user.email);
    for (const body of [
      { tempToken },
      { tempToken, totpCode: codeForStep(secret, step), recoveryCode: recoveryCodes[0] },
    ]) {
      const res = await request(t.app).post('/auth/2fa/verify').send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
    }
  });

  it('refuses a body without tempToken with 400 TEMP_TOKEN_REQUIRED', async () => {
    const { secret, step } = await enrol(t);
    const res = await request(t.app)
      .post('/auth/2fa/verify')
      .send({ totpCode: codeForStep(secret, step) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('TEMP_TOKEN_REQUIRED');
  });

  describe('temporary token misuse', () => {
    it('is not an access token: the protected route refuses it (401)', async () => {
      const { user } = await enrol(t);
      const tempToken = await challenge(t.app, user.email);
      const res = await request(t.app).get('/api/private').set(bearer(tempToken));
      expect(res.status).toBe(401);
    });

    it('works once: reused after a successful verify it answers 401 TEMP_TOKEN_USED', async () => {
      const { user, secret, step } = await enrol(t);
      const tempToken = await challenge(t.app, user.email);
      const first = await request(t.app)
        .post('/auth/2fa/verify')
        .send({ tempToken, totpCode: codeForStep(secret, step) });
      expect(first.status).toBe(200);
      const again = await request(t.app)
        .post('/auth/2fa/verify')
        .send({ tempToken, totpCode: codeForStep(secret, step + 1) });
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('TEMP_TOKEN_USED');
    });

    it('answers 401 TEMP_TOKEN_EXPIRED once it has expired', async () => {
      const { user, secret, step } = await enrol(t);
      const now = Math.floor(Date.now() / 1000);
      const expired = jwt.sign(
        {
          sub: user.id,
          jti: 'expired-attempt',
          methods: ['totp'],
          typ: 'temp-2fa',
          iat: now - 600,
          exp: now - 300,
        },
        ACCESS_SECRET,
        { algorithm: 'HS256', audience: 'keyward:2fa' },
      );
      const res = await request(t.app)
        .post('/auth/2fa/verify')
        .send({ tempToken: expired, totpCode: codeForStep(secret, step) });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('TEMP_TOKEN_EXPIRED');
    });

    it('refuses an access token presented as the temporary token (401)', async () => {
      const { accessToken, secret, step } = await enrol(t);
      const res = await request(t.app)
        .post('/auth/2fa/verify')
        .send({ tempToken: accessToken, totpCode: codeForStep(secret, step) });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_TEMP_TOKEN');
    });
  });
});
