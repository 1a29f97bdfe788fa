import express from 'express';
import request from 'supertest';
import {
  AuthConfigurator,
  DoctorCodes,
  InMemorySessionStore,
  InMemoryUserStore,
  type AuthConfig,
  type BaseUser,
  type IUserStore,
  type RouterOptions,
} from 'keyward';
import {
  SITE,
  STRONG_ACCESS,
  TestProvider,
  cleanConfig,
  codes,
  find,
  recordingLogger,
  withNodeEnv,
} from './helpers/doctor';

const opened: AuthConfigurator[] = [];
afterAll(() => Promise.all(opened.map((a) => a.close())));

/** A configurator with `config` over the clean one, a router built with `router`, and its app. */
function setup(
  overrides: Partial<AuthConfig> = {},
  router: RouterOptions = {},
  users: IUserStore = new InMemoryUserStore(),
) {
  const { logger, lines } = recordingLogger();
  const auth = new AuthConfigurator(cleanConfig(logger, overrides), users);
  opened.push(auth);
  const app = express();
  app.use('/auth', auth.router({ doctor: false, ...router }));
  return { auth, app, lines };
}

describe('auth.doctor(): the configuration', () => {
  it('finds nothing in a clean configuration', async () => {
    const { auth } = setup({}, { cors: { origins: ['https://admin.example.test'] } });
    expect(await auth.doctor()).toEqual([]);
  });

  it('gives every finding a level, a stable code, a message and a fix', async () => {
    const { auth } = setup({ accessTokenSecret: 'changeme'.repeat(5) });
    const findings = await auth.doctor();
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(['error', 'warn', 'info']).toContain(f.level);
      expect(DoctorCodes).toContain(f.code);
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.fix.length).toBeGreaterThan(10);
    }
  });

  describe('cookies', () => {
    it('warns when cookieOptions.domain does not cover the site URL', async () => {
      const { auth } = setup({ cookieOptions: { domain: 'example.com' } });
      expect(find(await auth.doctor(), 'COOKIE_DOMAIN_MISMATCH')).toEqual([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining(SITE) }),
      ]);
    });

    it('without a site URL, warns when the cookie domain covers none of the configured origins', async () => {
      const email = { siteUrl: undefined };
      const cors = { origins: ['https://app.example.org'] };
      const off = setup({ cookieOptions: { domain: 'example.com' }, email }, { cors });
      expect(find(await off.auth.doctor(), 'COOKIE_DOMAIN_MISMATCH')).toEqual([
        expect.objectContaining({ message: expect.stringContaining('https://app.example.org') }),
      ]);
      const on = setup({ cookieOptions: { domain: 'example.org' }, email }, { cors });
      expect(find(await on.auth.doctor(), 'COOKIE_DOMAIN_MISMATCH')).toEqual([]);
    });

    it('accepts the site host and its parent domains as cookie domain', async () => {
      for (const domain of ['app.example.test', 'example.test', '.example.test']) {
        const { auth } = setup({ cookieOptions: { domain } });
        expect(codes(await auth.doctor())).toEqual([]);
      }
    });

    it('reports a cookie domain written as a URL, which browsers refuse', async () => {
      const { auth, app } = setup({ cookieOptions: { domain: 'https://example.test' } });
      expect(find(await auth.doctor(), 'COOKIE_DOMAIN_INVALID')).toEqual([
        expect.objectContaining({ level: 'error' }),
      ]);
      // What the finding is about: the cookie cannot even be written, so cookie sign-ins fail.
      const user = await auth.userStore.create({
        email: 'cookie@example.test',
        password: await auth.passwordService.hash('correct horse battery'),
      });
      const res = await request(app)
        .post('/auth/login')
        .set('Origin', SITE)
        .send({ email: user.email, password: 'correct horse battery' });
      expect(res.status).toBe(500);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('reports SameSite=None on a plain-http site, where the Secure cookies it needs are dropped', async () => {
      const { auth } = setup({
        cookieOptions: { sameSite: 'none' },
        email: { siteUrl: 'http://app.example.test' },
      });
      expect(find(await auth.doctor(), 'SAMESITE_NONE_WITHOUT_SECURE')).toEqual([
        expect.objectContaining({ level: 'error' }),
      ]);
    });

    it('accepts SameSite=None on an https site', async () => {
      const { auth } = setup({ cookieOptions: { sameSite: 'none' } });
      expect(codes(await auth.doctor())).toEqual([]);
    });

    it('warns when a form_post OAuth provider meets SameSite=Strict session cookies', async () => {
      const apple = new TestProvider({
        name: 'apple',
        responseMode: 'form_post',
        tokenUrl: 'http://127.0.0.1:9/token',
      });
      const { auth } = setup(
        { cookieOptions: { sameSite: 'strict' } },
        { oauthStrategies: [apple] },
      );
      expect(
        find(await auth.doctor({ clockSkew: false }), 'OAUTH_FORM_POST_STRICT_COOKIES'),
      ).toEqual([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining('apple') }),
      ]);
    });

    it('says nothing about SameSite=Strict with a query-mode provider, or form_post with Lax', async () => {
      const query = new TestProvider({ name: 'query', tokenUrl: 'http://127.0.0.1:9/token' });
      const strict = setup({ cookieOptions: { sameSite: 'strict' } }, { oauthStrategies: [query] });
      expect(codes(await strict.auth.doctor({ clockSkew: false }))).toEqual([]);
      const formPost = new TestProvider({
        name: 'apple',
        responseMode: 'form_post',
        tokenUrl: 'http://127.0.0.1:9/token',
      });
      const lax = setup({}, { oauthStrategies: [formPost] });
      expect(codes(await lax.auth.doctor({ clockSkew: false }))).toEqual([]);
    });
  });

  describe('allowed origins', () => {
    it('reports cors.origins entries that are not origins, with the origin to write', async () => {
      const origins = [
        'https://*.example.test',
        'https://app.example.test/app',
        'HTTPS://Admin.Example.test',
        'https://admin.example.test:443',
        'https://shop.example.test/',
        'https://ok.example.test',
      ];
      const { auth } = setup({}, { cors: { origins } });
      const found = find(await auth.doctor(), 'ALLOWED_ORIGIN_INVALID');
      const by = (value: string) => found.find((f) => f.message.includes(`'${value}'`));
      expect(by('https://*.example.test')).toMatchObject({ level: 'error' });
      expect(by('https://app.example.test/app')).toMatchObject({
        level: 'warn',
        fix: "Write 'https://app.example.test'",
      });
      expect(by('HTTPS://Admin.Example.test')).toMatchObject({
        level: 'warn',
        fix: "Write 'https://admin.example.test'",
      });
      expect(by('https://admin.example.test:443')).toMatchObject({ level: 'warn' });
      expect(by('https://shop.example.test/')).toMatchObject({ level: 'info' });
      expect(found).toHaveLength(5);
    });

    it('is right that a mis-written origin fails CORS: the preflight from that page is refused', async () => {
      const { app } = setup({}, { cors: { origins: ['HTTPS://Admin.Example.test'] } });
      const res = await request(app)
        .options('/auth/login')
        .set('Origin', 'https://admin.example.test')
        .set('Access-Control-Request-Method', 'POST');
      expect(res.status).toBe(403);
    });

    it('reports a trusted origin with a trailing slash as a note', async () => {
      const { auth } = setup({ csrf: { trustedOrigins: ['https://partner.example.test/'] } });
      expect(find(await auth.doctor(), 'ALLOWED_ORIGIN_INVALID')).toEqual([
        expect.objectContaining({
          level: 'info',
          message: expect.stringContaining('csrf.trustedOrigins'),
        }),
      ]);
    });
  });

  describe('secrets', () => {
    it.each([
      ['a placeholder word', 'changeme-changeme-changeme-please-00'],
      ['one part repeated', 'k9Xq'.repeat(10)],
      [
        'one character repeated',
        `${STRONG_ACCESS.slice(0, 20)}zzzzzzzzzzzz${STRONG_ACCESS.slice(20)}`,
      ],
      ['few different characters', '0101101001101011100101101001011010'],
    ])('warns about a secret with %s, without repeating it', async (_why, secret) => {
      const { auth } = setup({ accessTokenSecret: secret });
      const found = find(await auth.doctor(), 'WEAK_SECRET');
      expect(found).toEqual([
        expect.objectContaining({
          level: 'warn',
          message: expect.stringContaining('accessTokenSecret'),
        }),
      ]);
      expect(JSON.stringify(found)).not.toContain(secret.slice(0, 8));
    });

    it("checks the router's sessionCleanupSecret too", async () => {
      const { auth } = setup({}, { sessionCleanupSecret: 'password-password-password-1' });
      expect(find(await auth.doctor(), 'WEAK_SECRET')).toEqual([
        expect.objectContaining({ message: expect.stringContaining('sessionCleanupSecret') }),
      ]);
    });
  });

  describe('stores', () => {
    it('reports in-memory stores when NODE_ENV is production', async () => {
      const { auth } = setup({}, { sessionStore: new InMemorySessionStore() });
      const found = await withNodeEnv('production', () => auth.doctor());
      const inMemory = find(found, 'IN_MEMORY_STORE_IN_PRODUCTION');
      expect(inMemory).toEqual([
        expect.objectContaining({
          level: 'error',
          message: expect.stringMatching(/user store and the session store/),
        }),
        expect.objectContaining({
          level: 'warn',
          message: expect.stringContaining('rateLimitStore'),
        }),
      ]);
    });

    it("says nothing of the application's own user store, nor of in-memory stores outside production", async () => {
      // A store of the application's own: not one of keyward's in-memory classes.
      const memory = new InMemoryUserStore();
      const own: IUserStore = {
        findByEmail: (email) => memory.findByEmail(email),
        findById: (id) => memory.findById(id),
        create: (data: Partial<BaseUser>) => memory.create(data),
        updateRefreshToken: (...a) => memory.updateRefreshToken(...a),
        updateResetToken: (...a) => memory.updateResetToken(...a),
        updatePassword: (...a) => memory.updatePassword(...a),
      };
      const { auth } = setup({}, {}, own);
      const found = await withNodeEnv('production', () => auth.doctor());
      expect(find(found, 'IN_MEMORY_STORE_IN_PRODUCTION')).toEqual([
        expect.objectContaining({ level: 'warn' }),
      ]);
      expect(codes(await withNodeEnv('development', () => auth.doctor()))).toEqual([]);
    });
  });

  describe('mail and SMS transports', () => {
    const noMail = {
      siteUrl: SITE,
      sendPasswordReset: undefined,
      sendVerificationEmail: undefined,
      sendMagicLink: undefined,
    };

    it('reports strict email verification without a way to send the mail as an error', async () => {
      const { auth } = setup({ emailVerificationMode: 'strict', email: noMail });
      expect(find(await auth.doctor(), 'MAIL_TRANSPORT_MISSING')).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: expect.stringContaining("emailVerificationMode is 'strict'"),
        }),
      );
    });

    it('warns that password reset is mounted but cannot mail, as POST /forgot-password shows', async () => {
      const { auth, app } = setup({ email: noMail });
      expect(find(await auth.doctor(), 'MAIL_TRANSPORT_MISSING')).toEqual([
        expect.objectContaining({
          level: 'warn',
          message: expect.stringContaining('forgot-password'),
        }),
      ]);
      const res = await request(app)
        .post('/auth/forgot-password')
        .send({ email: 'someone@example.test' });
      expect(res.status).toBe(501);
      expect(res.body.code).toBe('MAIL_NOT_CONFIGURED');
    });

    it("warns when 'magic-link' is a listed second factor without a sender", async () => {
      const { auth } = setup({
        twoFactor: { methods: ['totp', 'magic-link'] },
        email: { siteUrl: SITE, sendMagicLink: undefined },
      });
      expect(find(await auth.doctor(), 'MAIL_TRANSPORT_MISSING')).toEqual([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining('magic-link') }),
      ]);
    });

    it('is satisfied by the HTTP mailer alone', async () => {
      const { auth } = setup({
        emailVerificationMode: 'strict',
        email: {
          ...noMail,
          mailer: {
            endpoint: 'https://mail.example.test/send',
            apiKey: 'k',
            from: 'a@example.test',
          },
        },
      });
      expect(codes(await auth.doctor())).toEqual([]);
    });

    it("warns when 'sms' is listed as a second factor without config.sms, and notes it otherwise", async () => {
      const listed = setup({ sms: undefined, twoFactor: { methods: ['totp', 'sms'] } });
      expect(find(await listed.auth.doctor(), 'SMS_TRANSPORT_MISSING')).toEqual([
        expect.objectContaining({ level: 'warn' }),
      ]);
      const byDefault = setup({ sms: undefined });
      expect(find(await byDefault.auth.doctor(), 'SMS_TRANSPORT_MISSING')).toEqual([
        expect.objectContaining({ level: 'info' }),
      ]);
      const res = await request(byDefault.app)
        .post('/auth/sms/send')
        .send({ mode: 'login', email: 'someone@example.test' });
      expect(res.body.code).toBe('SMS_NOT_CONFIGURED');
    });
  });

  it('lists errors first, then warnings, then notes', async () => {
    const { auth } = setup({
      sms: undefined,
      accessTokenSecret: 'changeme'.repeat(5),
      cookieOptions: { domain: 'https://example.test' },
    });
    const levels = (await auth.doctor()).map((f) => f.level);
    expect(levels).toEqual(['error', 'warn', 'info']);
  });
});
