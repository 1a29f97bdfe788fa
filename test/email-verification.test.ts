import request from 'supertest';
import { AuthEventNames, InMemorySettingsStore } from 'keyward';
import {
  bearerLogin,
  bearerLoginRequest,
  appFactory,
  type CapturedMail,
  type TestApp,
  SITE_URL,
  sha256Hex,
} from './helpers/app';

const app = appFactory();

async function sendVerification(
  t: TestApp,
  accessToken: string,
  body: Record<string, unknown> = {},
) {
  const mail = t.nextMail();
  const res = await request(t.app)
    .post('/auth/send-verification-email')
    .set('Authorization', `Bearer ${accessToken}`)
    .send(body);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ success: true });
  return mail;
}

function verify(t: TestApp, token: string) {
  return request(t.app).get('/auth/verify-email').query({ token });
}

describe('email verification', () => {
  const t = app();

  it('requires authentication to send a verification mail', async () => {
    const res = await request(t.app).post('/auth/send-verification-email').send({});
    expect(res.status).toBe(401);
  });

  it('mails a verify link of the form siteUrl/auth/verify-email?token=...', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const mail: CapturedMail = await sendVerification(t, accessToken, { emailLang: 'it' });
    expect(mail.kind).toBe('verify');
    expect(mail.to).toBe(user.email);
    expect(mail.lang).toBe('it');
    expect(mail.link).toBe(
      `${SITE_URL}/auth/verify-email?token=${encodeURIComponent(mail.token!)}`,
    );
    // Only the hash is stored.
    const record = await t.store.findById(user.id);
    expect(record?.emailVerificationToken).toBe(sha256Hex(mail.token!));
  });

  it('marks the user verified through GET /auth/verify-email, visible in GET /auth/me', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const before = await request(t.app)
      .get('/auth/me')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(before.body.isEmailVerified).toBe(false);

    const { token } = await sendVerification(t, accessToken);
    const res = await verify(t, token!);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });

    const after = await request(t.app)
      .get('/auth/me')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(after.status).toBe(200);
    expect(after.body.isEmailVerified).toBe(true);
    expect(
      t.events.some((e) => e.event === AuthEventNames.USER_EMAIL_VERIFIED && e.userId === user.id),
    ).toBe(true);
  });

  it('accepts a verification token only once', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const { token } = await sendVerification(t, accessToken);
    expect((await verify(t, token!)).status).toBe(200);
    const again = await verify(t, token!);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
  });

  it('refuses an expired verification token and leaves the user unverified', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const { token } = await sendVerification(t, accessToken);
    await t.store.updateEmailVerificationToken(
      user.id,
      sha256Hex(token!),
      new Date(Date.now() - 1000),
    );
    const res = await verify(t, token!);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
    expect((await t.store.findById(user.id))?.isEmailVerified ?? false).toBe(false);
  });

  it('refuses a missing or unknown token', async () => {
    const missing = await request(t.app).get('/auth/verify-email');
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('TOKEN_REQUIRED');
    const unknown = await verify(t, 'never-issued-token');
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
  });

  it('answers 400 EMAIL_ALREADY_VERIFIED for a verified user and sends nothing', async () => {
    const user = await t.createUser({ isEmailVerified: true });
    const { accessToken } = await bearerLogin(t.app, user.email);
    const before = t.mails.length;
    const res = await request(t.app)
      .post('/auth/send-verification-email')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('EMAIL_ALREADY_VERIFIED');
    expect(t.mails.length).toBe(before);
  });
});

describe.each([
  ["emailVerificationMode: 'strict'", { emailVerificationMode: 'strict' as const }],
  ['requireEmailVerification: true', { requireEmailVerification: true }],
])('%s', (_name, config) => {
  const t = app({ config });

  it('refuses login of an unverified user with 403 EMAIL_NOT_VERIFIED after the right password', async () => {
    const user = await t.createUser({ isEmailVerified: false });
    const res = await bearerLoginRequest(t.app, user.email);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('EMAIL_NOT_VERIFIED');
    expect(res.body.accessToken).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers 401 INVALID_CREDENTIALS to an unverified user with the wrong password', async () => {
    const user = await t.createUser({ isEmailVerified: false });
    const res = await bearerLoginRequest(t.app, user.email, 'not the right password');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('lets a verified user sign in', async () => {
    const user = await t.createUser({ isEmailVerified: true });
    expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
  });
});

describe("emailVerificationMode: 'lazy'", () => {
  const t = app({ config: { emailVerificationMode: 'lazy' } });

  it('lets an unverified user sign in before the deadline', async () => {
    const user = await t.createUser({
      isEmailVerified: false,
      emailVerificationDeadline: new Date(Date.now() + 3600_000),
    });
    expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
  });

  it('refuses an unverified user after the deadline with 403 EMAIL_VERIFICATION_REQUIRED', async () => {
    const user = await t.createUser({
      isEmailVerified: false,
      emailVerificationDeadline: new Date(Date.now() - 1000),
    });
    const res = await bearerLoginRequest(t.app, user.email);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('EMAIL_VERIFICATION_REQUIRED');
  });

  it('lets a verified user sign in after the deadline', async () => {
    const user = await t.createUser({
      isEmailVerified: true,
      emailVerificationDeadline: new Date(Date.now() - 1000),
    });
    expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
  });

  it('still checks the password before the verification policy', async () => {
    const user = await t.createUser({
      isEmailVerified: false,
      emailVerificationDeadline: new Date(Date.now() - 1000),
    });
    const res = await bearerLoginRequest(t.app, user.email, 'not the right password');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('runtime settings store', () => {
  const settingsStore = new InMemorySettingsStore({ emailVerificationMode: 'strict' });
  const t = app({ config: { emailVerificationMode: 'none' }, router: { settingsStore } });

  it("overrides config 'none' with the stored 'strict' mode", async () => {
    const user = await t.createUser({ isEmailVerified: false });
    const res = await bearerLoginRequest(t.app, user.email);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('EMAIL_NOT_VERIFIED');
  });

  it('follows changes made at run time, without a restart', async () => {
    const user = await t.createUser({ isEmailVerified: false });
    await settingsStore.updateSettings({ emailVerificationMode: 'none' });
    expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
    await settingsStore.updateSettings({ emailVerificationMode: 'strict' });
    expect((await bearerLoginRequest(t.app, user.email)).status).toBe(403);
  });
});
