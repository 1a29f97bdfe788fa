import request from 'supertest';
import { AuthErrorCodes } from 'keyward';
import { PASSWORD, appFactory } from './helpers/app';

const app = appFactory();

describe("the reference's codes for a missing field", () => {
  const t = app({
    captureMagicLinks: true,
    config: {
      sms: { sendSms: async () => undefined },
      twoFactor: { methods: ['totp', 'sms', 'magic-link'] },
    },
  });
  const post = (path: string, body: Record<string, unknown>) =>
    request(t.app).post(path).send(body);

  it('are in the catalogue', () => {
    expect(AuthErrorCodes).toEqual(
      expect.arrayContaining(['TEMP_TOKEN_REQUIRED', 'EMAIL_REQUIRED', 'TOKEN_REQUIRED']),
    );
  });

  it.each([
    ['/auth/magic-link/send', { mode: '2fa' }],
    ['/auth/magic-link/verify', { mode: '2fa', token: 'abc' }],
    ['/auth/sms/send', { mode: '2fa' }],
    ['/auth/sms/verify', { mode: '2fa', code: '123456' }],
    ['/auth/2fa/verify', { totpCode: '123456' }],
  ])('POST %s %j answers 400 TEMP_TOKEN_REQUIRED', async (path, body) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'TEMP_TOKEN_REQUIRED' });
  });

  it.each([
    ['/auth/magic-link/send', {}],
    ['/auth/forgot-password', {}],
    ['/auth/forgot-password', { email: '' }],
  ])('POST %s %j answers 400 EMAIL_REQUIRED', async (path, body) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('EMAIL_REQUIRED');
  });

  it.each([
    ['/auth/magic-link/verify', {}],
    ['/auth/reset-password', { newPassword: PASSWORD }],
  ])('POST %s %j answers 400 TOKEN_REQUIRED', async (path, body) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('TOKEN_REQUIRED');
  });

  it('GET /auth/verify-email without a token answers 400 TOKEN_REQUIRED', async () => {
    const res = await request(t.app).get('/auth/verify-email');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('TOKEN_REQUIRED');
  });

  it('keeps VALIDATION_ERROR for a field that is present but malformed', async () => {
    const bad = await post('/auth/forgot-password', { email: 'not-an-email' });
    expect(bad.body.code).toBe('VALIDATION_ERROR');
    const wrongType = await post('/auth/sms/send', { mode: '2fa', tempToken: 42 });
    expect(wrongType.body.code).toBe('VALIDATION_ERROR');
  });

  it('still answers 401 for a missing access token on a protected route', async () => {
    const res = await request(t.app).get('/api/private');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });
});
