import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  AuthEventNames,
  InMemoryUserStore,
  MagicLinkStrategy,
  type BaseUser,
  type RouterOptions,
} from 'keyward';
import {
  PASSWORD,
  cookieValue,
  createTestApp,
  type CapturedMail,
  type TestApp,
  sha256Hex,
} from './helpers/app';
import { bearer, challenge, enrol } from './helpers/totp';

/** Posts /magic-link/send for `email` and returns the mail that follows. */
async function linkFor(t: TestApp, email: string): Promise<CapturedMail> {
  const mail = t.nextMail();
  const res = await request(t.app).post('/auth/magic-link/send').send({ email });
  expect(res.status).toBe(200);
  return mail;
}

/** Posts /magic-link/send in 2fa mode for the sign-in of `tempToken`; returns the mail. */
async function secondFactorLink(t: TestApp, tempToken: string): Promise<CapturedMail> {
  const mail = t.nextMail();
  const res = await request(t.app).post('/auth/magic-link/send').send({ mode: '2fa', tempToken });
  expect(res.status).toBe(200);
  return mail;
}

const UNTHROTTLED_SENDS: RouterOptions = {
  rateLimit: { routes: { 'magic-link/send': { recipient: false } } },
};

const verify = (t: TestApp, body: Record<string, unknown>) =>
  request(t.app).post('/auth/magic-link/verify').send(body);

describe('Signing in with a magic link: POST /auth/magic-link/send then /verify', () => {
  // These tests ask for several links per user within seconds, to check what each link does;
  // the per-recipient send throttle (one link a minute) has its own tests in brute-force.test.ts.
  const t = createTestApp({ captureMagicLinks: true, router: UNTHROTTLED_SENDS });
  afterAll(() => t.close());

  it('mails a link to the verify page and signs in with its token (session cookies)', async () => {
    const user = await t.createUser();
    const mail = await linkFor(t, user.email);
    expect(mail).toMatchObject({ kind: 'magic', to: user.email });
    expect(mail.link).toBe(
      `https://app.example.test/auth/magic-link/verify?token=${encodeURIComponent(mail.token!)}`,
    );
    const res = await verify(t, { token: mail.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    const access = cookieValue(res, 'accessToken');
    const me = await request(t.app).get('/api/private').set('Cookie', `accessToken=${access}`);
    expect(me.body.user.sub).toBe(user.id);
    expect(t.events.map((e) => e.event)).toContain(AuthEventNames.AUTH_LOGIN_SUCCESS);
  });

  it('signs in in bearer mode with both tokens in the body and no cookies', async () => {
    const user = await t.createUser();
    const { token } = await linkFor(t, user.email);
    const res = await verify(t, { token }).set('X-Auth-Strategy', 'bearer');
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

  it('stores only the SHA-256 of the token, with a 15-minute expiry', async () => {
    const user = await t.createUser();
    const before = Date.now();
    const { token } = await linkFor(t, user.email);
    const stored = await t.store.findById(user.id);
    expect(stored?.magicLinkToken).not.toBe(token);
    expect(stored?.magicLinkToken).toBe(sha256Hex(token!));
    expect(Buffer.from(token!, 'base64url').length).toBeGreaterThanOrEqual(16);
    const expiry = new Date(stored!.magicLinkTokenExpiry!).getTime();
    expect(expiry - before).toBeGreaterThan(14 * 60_000);
    expect(expiry - before).toBeLessThanOrEqual(15 * 60_000 + 1000);
  });

  it('accepts a link once: the second use is 400 INVALID_OR_EXPIRED_TOKEN', async () => {
    const user = await t.createUser();
    const { token } = await linkFor(t, user.email);
    expect((await verify(t, { token })).status).toBe(200);
    const again = await verify(t, { token });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('refuses an expired link', async () => {
    const user = await t.createUser();
    const { token } = await linkFor(t, user.email);
    await t.store.updateMagicLinkToken(user.id, sha256Hex(token!), new Date(Date.now() - 1000));
    const res = await verify(t, { token });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
  });

  it('invalidates the older link when a newer one is sent', async () => {
    const user = await t.createUser();
    const older = await linkFor(t, user.email);
    const newer = await linkFor(t, user.email);
    expect((await verify(t, { token: older.token })).body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
    expect((await verify(t, { token: newer.token })).status).toBe(200);
  });

  it('gives an unknown email the same answer as a known one and sends no mail', async () => {
    const user = await t.createUser();
    const known = await request(t.app).post('/auth/magic-link/send').send({ email: user.email });
    const unknown = await request(t.app)
      .post('/auth/magic-link/send')
      .send({ email: 'nobody-here@example.test' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    expect(unknown.body).toEqual({ success: true, message: expect.any(String) });
    await t.auth.idle();
    expect(t.mails.filter((m) => m.to === 'nobody-here@example.test')).toEqual([]);
  });

  it('marks the email verified on the first link and publishes the event once', async () => {
    const user = await t.createUser({ isEmailVerified: false });
    await verify(t, { token: (await linkFor(t, user.email)).token });
    expect((await t.store.findById(user.id))?.isEmailVerified).toBe(true);
    await verify(t, { token: (await linkFor(t, user.email)).token });
    const verified = t.events.filter(
      (e) => e.event === AuthEventNames.USER_EMAIL_VERIFIED && e.userId === user.id,
    );
    expect(verified).toHaveLength(1);
  });

  it('answers a TOTP user with the 2FA challenge, not a session: the link is one factor', async () => {
    const { user } = await enrol(t);
    const res = await verify(t, { token: (await linkFor(t, user.email)).token });
    expect(res.status).toBe(200);
    // A second link from the same inbox would not be a second factor: it is not offered.
    expect(res.body).toEqual({
      requiresTwoFactor: true,
      tempToken: expect.any(String),
      available2faMethods: ['totp'],
    });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a second link as the second factor of a sign-in that began with a link', async () => {
    const user = await t.createUser({ require2FA: true });
    const first = await verify(t, { token: (await linkFor(t, user.email)).token });
    // No other method, and a link cannot enrol one on its own: no temporary token at all.
    expect(first.status).toBe(403);
    expect(first.body.code).toBe('2FA_SETUP_REQUIRED');
    expect(first.body.tempToken).toBeUndefined();
    expect(first.headers['set-cookie']).toBeUndefined();
  });

  it("refuses a body without email, token or tempToken with 400 and the missing field's code", async () => {
    const send = await request(t.app).post('/auth/magic-link/send').send({});
    expect(send.status).toBe(400);
    expect(send.body.code).toBe('EMAIL_REQUIRED');
    const check = await verify(t, { mode: '2fa', token: 'x' });
    expect(check.status).toBe(400);
    expect(check.body.code).toBe('TEMP_TOKEN_REQUIRED');
    const noToken = await verify(t, {});
    expect(noToken.status).toBe(400);
    expect(noToken.body.code).toBe('TOKEN_REQUIRED');
  });
});

describe('A magic link as the second factor (mode 2fa)', () => {
  // Not a second factor unless the configuration lists it. These tests ask for several links per
  // user within seconds, to check what each link does; the per-recipient send throttle (one link
  // a minute) has its own tests in brute-force.test.ts.
  const t = createTestApp({
    captureMagicLinks: true,
    config: { twoFactor: { methods: ['totp', 'sms', 'magic-link'] } },
    router: UNTHROTTLED_SENDS,
  });
  afterAll(() => t.close());
  const requiring2FA = () => t.createUser({ require2FA: true });

  it('offers "magic-link" to a require2FA user without TOTP and signs in with the link', async () => {
    const user = await requiring2FA();
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(login.body).toEqual({
      requiresTwoFactor: true,
      tempToken: expect.any(String),
      available2faMethods: ['magic-link'],
    });
    const tempToken = login.body.tempToken as string;
    const mail = await secondFactorLink(t, tempToken);
    expect(mail.to).toBe(user.email);
    const res = await verify(t, { token: mail.token, mode: '2fa', tempToken });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    const access = cookieValue(res, 'accessToken');
    const me = await request(t.app).get('/api/private').set('Cookie', `accessToken=${access}`);
    expect(me.body.user.sub).toBe(user.id);
  });

  it("refuses another user's link with the victim's temporary token (401), spending that link", async () => {
    const victim = await requiring2FA();
    const attacker = await t.createUser();
    const victimTemp = await challenge(t.app, victim.email);
    const attackerLink = await linkFor(t, attacker.email);
    const res = await verify(t, { token: attackerLink.token, mode: '2fa', tempToken: victimTemp });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
    expect(res.headers['set-cookie']).toBeUndefined();
    // The refused link is spent; the victim's own attempt is untouched.
    expect((await verify(t, { token: attackerLink.token })).status).toBe(400);
    const own = await secondFactorLink(t, victimTemp);
    const ok = await verify(t, { token: own.token, mode: '2fa', tempToken: victimTemp });
    expect(ok.status).toBe(200);
  });

  it('answers an invalid link in 2fa mode with 401 INVALID_OR_EXPIRED_TOKEN', async () => {
    const user = await requiring2FA();
    const tempToken = await challenge(t.app, user.email);
    const res = await verify(t, { token: 'not-a-real-token', mode: '2fa', tempToken });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
  });

  it('spends the temporary token: a second link cannot reuse it (401 TEMP_TOKEN_USED)', async () => {
    const user = await requiring2FA();
    const tempToken = await challenge(t.app, user.email);
    const first = await secondFactorLink(t, tempToken);
    expect((await verify(t, { token: first.token, mode: '2fa', tempToken })).status).toBe(200);
    const second = await secondFactorLink(t, tempToken);
    const res = await verify(t, { token: second.token, mode: '2fa', tempToken });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TEMP_TOKEN_USED');
  });

  it('refuses to send for a bad temporary token with 401 and sends nothing', async () => {
    const before = t.mails.length;
    const res = await request(t.app)
      .post('/auth/magic-link/send')
      .send({ mode: '2fa', tempToken: 'not-a-temp-token' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_TEMP_TOKEN');
    expect(t.mails.length).toBe(before);
  });
});

describe('Magic links without a mail sender', () => {
  const t = createTestApp({ captureMail: false });
  afterAll(() => t.close());

  it('answers /magic-link/send with 501 MAIL_NOT_CONFIGURED', async () => {
    const user = await t.createUser();
    const res = await request(t.app).post('/auth/magic-link/send').send({ email: user.email });
    expect(res.status).toBe(501);
    expect(res.body.code).toBe('MAIL_NOT_CONFIGURED');
  });

  it('does not offer the method: a require2FA user without TOTP must set up 2FA', async () => {
    const user = await t.createUser({ require2FA: true });
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('2FA_SETUP_REQUIRED');
  });
});

describe('Magic links through the HTTP mailer', () => {
  const bodies: Array<{ to: string; html: string; text: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof bodies)[number]);
      res.statusCode = 202;
      res.end('{}');
    });
  });
  let t: TestApp;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    t = createTestApp({
      captureMail: false,
      config: {
        email: {
          mailer: {
            endpoint: `http://127.0.0.1:${port}/send`,
            apiKey: 'mail-api-key-for-tests',
            from: 'auth@example.test',
          },
        },
      },
    });
  });
  afterAll(async () => {
    await t.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('posts a mail whose body carries the sign-in link', async () => {
    const user = await t.createUser();
    await request(t.app).post('/auth/magic-link/send').send({ email: user.email });
    await t.auth.idle();
    const [mail] = bodies;
    expect(mail?.to).toBe(user.email);
    const stored = (await t.store.findById(user.id))!.magicLinkToken;
    const link = /https:\/\/app\.example\.test\/auth\/magic-link\/verify\?token=([\w%-]+)/.exec(
      mail!.text,
    );
    expect(link).not.toBeNull();
    expect(mail!.html).toContain(link![0]);
    expect(sha256Hex(decodeURIComponent(link![1]!))).toBe(stored);
  });
});

describe('MagicLinkStrategy without the router', () => {
  const config = {
    accessTokenSecret: 'strategy-access-secret-0123456789abcdef012345',
    refreshTokenSecret: 'strategy-refresh-secret-0123456789abcdef01234',
  };

  it('sends a link, verifies its token once and marks the email verified', async () => {
    const store = new InMemoryUserStore();
    const user: BaseUser = await store.create({ email: 'grace@example.test' });
    const sent: string[] = [];
    const strategy = new MagicLinkStrategy();
    await strategy.sendMagicLink(
      user.email,
      store,
      {
        ...config,
        email: {
          siteUrl: 'https://site.example.test',
          sendMagicLink: async (_to, token) => {
            sent.push(token);
          },
        },
      },
      { lang: 'en' },
    );
    expect(sent).toHaveLength(1);
    const verified = await strategy.verify(sent[0]!, store);
    expect(verified.id).toBe(user.id);
    expect((await store.findById(user.id))?.isEmailVerified).toBe(true);
    await expect(strategy.verify(sent[0]!, store)).rejects.toMatchObject({
      code: 'INVALID_OR_EXPIRED_TOKEN',
    });
  });

  it('sends nothing for an unknown email and fails with MAIL_NOT_CONFIGURED without a sender', async () => {
    const store = new InMemoryUserStore();
    const strategy = new MagicLinkStrategy();
    const sent: string[] = [];
    const withSender = {
      ...config,
      email: {
        siteUrl: 'https://site.example.test',
        sendMagicLink: async (to: string) => {
          sent.push(to);
        },
      },
    };
    await strategy.sendMagicLink('nobody@example.test', store, withSender);
    expect(sent).toEqual([]);
    await expect(strategy.sendMagicLink('a@example.test', store, config)).rejects.toMatchObject({
      code: 'MAIL_NOT_CONFIGURED',
    });
  });
});
