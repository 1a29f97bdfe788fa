import request from 'supertest';
import { AuthEventNames } from 'keyward';
import {
  PASSWORD,
  bearerLogin,
  bearerLoginRequest,
  createTestApp,
  type CapturedMail,
  type TestApp,
  SITE_URL,
  sha256Hex,
  bearerRefresh,
} from './helpers/app';

const NEW_PASSWORD = 'a brand new passphrase';

describe('password reset', () => {
  let t: TestApp;
  beforeAll(() => {
    // These tests ask for several links per user within seconds, to check what each link does;
    // the per-recipient send throttle (one link a minute) has its own tests in brute-force.test.ts.
    t = createTestApp({
      router: { rateLimit: { routes: { 'forgot-password': { recipient: false } } } },
    });
  });
  afterAll(() => t.close());

  /** Asks for a reset link and returns the captured mail. */
  async function requestReset(
    email: string,
    extra: Record<string, unknown> = {},
  ): Promise<CapturedMail> {
    const mail = t.nextMail();
    const res = await request(t.app)
      .post('/auth/forgot-password')
      .send({ email, ...extra });
    expect(res.status).toBe(200);
    return mail;
  }

  function reset(token: string, newPassword = NEW_PASSWORD) {
    return request(t.app).post('/auth/reset-password').send({ token, newPassword });
  }

  it('answers forgot-password identically for known and unknown emails, and mails only the known one', async () => {
    const user = await t.createUser();
    const unknown = `nobody-${Date.now()}@example.test`;
    const mailsBefore = t.mails.length;

    const forUnknown = await request(t.app).post('/auth/forgot-password').send({ email: unknown });
    const mail = t.nextMail();
    const forKnown = await request(t.app).post('/auth/forgot-password').send({ email: user.email });

    expect(forKnown.status).toBe(200);
    expect(forUnknown.status).toBe(forKnown.status);
    expect(forUnknown.body).toEqual(forKnown.body);
    expect(forKnown.body.success).toBe(true);

    expect((await mail).to).toBe(user.email);
    await t.auth.idle();
    const sent = t.mails.slice(mailsBefore);
    expect(sent.map((m) => m.to)).toEqual([user.email]);
    expect(sent.some((m) => m.to === unknown)).toBe(false);
  });

  it('auth.idle() resolves only once the reset mail sent after the answer has gone out', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const sending = new Promise<void>((resolve) => (entered = resolve));
    const sent: string[] = [];
    const slow = createTestApp({
      config: {
        email: {
          siteUrl: SITE_URL,
          sendPasswordReset: async (to: string) => {
            entered();
            await gate;
            sent.push(to);
          },
        },
      },
    });
    try {
      const user = await slow.createUser();
      await request(slow.app).post('/auth/forgot-password').send({ email: user.email }).expect(200);
      await sending;
      let idle = false;
      const waiting = slow.auth.idle().then(() => (idle = true));
      // The mail is held at the gate: nothing has settled, so idle() is still waiting.
      await Promise.resolve();
      expect(idle).toBe(false);
      expect(sent).toEqual([]);
      release();
      await waiting;
      expect(sent).toEqual([user.email]);
    } finally {
      await slow.close();
    }
  });

  it('mails a link of the form siteUrl/auth/reset-password?token=... of kind reset', async () => {
    const user = await t.createUser();
    const mail = await requestReset(user.email);
    expect(mail.kind).toBe('reset');
    expect(mail.token).toBeTruthy();
    expect(mail.link).toBe(
      `${SITE_URL}/auth/reset-password?token=${encodeURIComponent(mail.token!)}`,
    );
  });

  it('stores only the SHA-256 hex of the reset token', async () => {
    const user = await t.createUser();
    const { token } = await requestReset(user.email);
    const record = await t.store.findById(user.id);
    expect(record?.resetToken).toBeTruthy();
    expect(record?.resetToken).not.toBe(token);
    expect(record?.resetToken).toBe(sha256Hex(token!));
    expect(record?.resetToken).toMatch(/^[0-9a-f]{64}$/);
    expect(record?.resetTokenExpiry?.getTime()).toBeGreaterThan(Date.now());
  });

  it('resets the password: the new one signs in, the old one no longer does', async () => {
    const user = await t.createUser();
    const { token } = await requestReset(user.email);
    const res = await reset(token!);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });

    expect((await bearerLoginRequest(t.app, user.email, NEW_PASSWORD)).status).toBe(200);
    const old = await bearerLoginRequest(t.app, user.email, PASSWORD);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('INVALID_CREDENTIALS');
    expect(
      t.events.some((e) => e.event === AuthEventNames.USER_PASSWORD_RESET && e.userId === user.id),
    ).toBe(true);
    expect((await t.store.findById(user.id))?.resetToken ?? null).toBeNull();
  });

  it('accepts the token only once', async () => {
    const user = await t.createUser();
    const { token } = await requestReset(user.email);
    expect((await reset(token!)).status).toBe(200);
    const second = await reset(token!, 'yet another passphrase');
    expect(second.status).toBe(400);
    expect(second.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
    // The first reset's password is still the one in force.
    expect((await bearerLoginRequest(t.app, user.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('lets exactly one of two concurrent resets with the same token succeed', async () => {
    const user = await t.createUser();
    const { token } = await requestReset(user.email);
    const [a, b] = await Promise.all([
      reset(token!, 'first concurrent pass'),
      reset(token!, 'second concurrent pass'),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 400]);
    const loser = a.status === 400 ? a : b;
    expect(loser.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
    const winnerPassword = a.status === 200 ? 'first concurrent pass' : 'second concurrent pass';
    const loserPassword = a.status === 200 ? 'second concurrent pass' : 'first concurrent pass';
    expect((await bearerLoginRequest(t.app, user.email, winnerPassword)).status).toBe(200);
    expect((await bearerLoginRequest(t.app, user.email, loserPassword)).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const user = await t.createUser();
    const { token } = await requestReset(user.email);
    await t.store.updateResetToken(user.id, sha256Hex(token!), new Date(Date.now() - 1000));
    const res = await reset(token!);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
    expect((await bearerLoginRequest(t.app, user.email, PASSWORD)).status).toBe(200);
  });

  it('refuses an unknown token', async () => {
    const res = await reset('this-token-was-never-issued');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
  });

  it('invalidates the earlier token when a new link is requested', async () => {
    const user = await t.createUser();
    const first = await requestReset(user.email);
    const second = await requestReset(user.email);
    expect(second.token).not.toBe(first.token);

    const stale = await reset(first.token!);
    expect(stale.status).toBe(400);
    expect(stale.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
    expect((await reset(second.token!)).status).toBe(200);
  });

  it('issues no session and revokes existing ones on success', async () => {
    const user = await t.createUser();
    const before = await bearerLogin(t.app, user.email);
    const { token } = await requestReset(user.email);

    const res = await request(t.app)
      .post('/auth/reset-password')
      .set('X-Auth-Strategy', 'bearer')
      .send({ token, newPassword: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body.accessToken).toBeUndefined();
    expect(res.body.refreshToken).toBeUndefined();

    const refresh = await bearerRefresh(t.app, before.refreshToken);
    expect(refresh.status).toBe(401);
    expect(refresh.body.code).toBe('SESSION_REVOKED');
    const revoked = t.events.find(
      (e) => e.event === AuthEventNames.SESSION_REVOKED && e.userId === user.id,
    );
    expect(revoked?.data?.reason).toBe('password_reset');
  });

  it('marks the email as verified, since the mail reached its owner', async () => {
    const user = await t.createUser({ isEmailVerified: false });
    const { token } = await requestReset(user.email);
    expect((await reset(token!)).status).toBe(200);
    expect((await t.store.findById(user.id))?.isEmailVerified).toBe(true);
  });

  it('passes emailLang to the mail callback', async () => {
    const user = await t.createUser();
    const mail = await requestReset(user.email, { emailLang: 'it' });
    expect(mail.lang).toBe('it');
  });

  it('answers 400 PASSWORD_TOO_SHORT for a short new password and keeps the token usable', async () => {
    const user = await t.createUser();
    const { token } = await requestReset(user.email);
    const short = await reset(token!, 'short');
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('PASSWORD_TOO_SHORT');
    expect((await t.store.findById(user.id))?.resetToken).toBe(sha256Hex(token!));

    expect((await reset(token!)).status).toBe(200);
    expect((await bearerLoginRequest(t.app, user.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('validates the forgot-password body', async () => {
    const res = await request(t.app).post('/auth/forgot-password').send({ email: 'not-an-email' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });
});

describe('password reset without a way to send mail', () => {
  const t = createTestApp({ captureMail: false });
  afterAll(() => t.close());

  it('answers 501 MAIL_NOT_CONFIGURED instead of pretending to send', async () => {
    const user = await t.createUser();
    const res = await request(t.app).post('/auth/forgot-password').send({ email: user.email });
    expect(res.status).toBe(501);
    expect(res.body.code).toBe('MAIL_NOT_CONFIGURED');
  });
});
