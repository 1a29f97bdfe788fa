import request from 'supertest';
import { AuthError, AuthEventNames, type AuthConfig, type RouterOptions } from 'keyward';
import {
  ACCESS_SECRET,
  PASSWORD,
  createTestApp,
  type CapturedMail,
  type TestApp,
} from './helpers/app';

type OnRegister = NonNullable<RouterOptions['onRegister']>;

/** A logger that records instead of printing. */
const silentLogger = (): { error: jest.Mock; warn: jest.Mock } => ({
  error: jest.fn(),
  warn: jest.fn(),
});

describe('POST /auth/register', () => {
  describe('without onRegister', () => {
    const t = createTestApp();
    afterAll(() => t.close());

    it('is not mounted (404)', async () => {
      const res = await request(t.app)
        .post('/auth/register')
        .send({ email: 'new@example.test', password: PASSWORD });
      expect(res.status).toBe(404);
      expect(await t.store.findByEmail('new@example.test')).toBeNull();
    });
  });

  describe('with onRegister', () => {
    const calls: Array<{ data: Record<string, unknown>; config: AuthConfig }> = [];
    let behaviour: OnRegister | undefined;
    const logger = silentLogger();
    const onRegister: OnRegister = async (data, config, options) => {
      calls.push({ data, config });
      if (behaviour) return behaviour(data, config, options);
      return t.store.create({
        email: String(data.email),
        password: await t.auth.passwordService.hash(String(data.password)),
        firstName: typeof data.firstName === 'string' ? data.firstName : null,
        loginProvider: 'local',
      });
    };
    // The callback reads `t` only when a request arrives, after it is assigned.
    const t: TestApp = createTestApp({ router: { onRegister }, config: { logger } });
    afterAll(() => t.close());
    beforeEach(() => {
      calls.length = 0;
      behaviour = undefined;
      t.events.length = 0;
      t.mails.length = 0;
      logger.error.mockClear();
    });

    it('creates the user and answers 201 {success:true, userId}', async () => {
      const res = await request(t.app)
        .post('/auth/register')
        .send({ email: 'alice@example.test', password: PASSWORD, firstName: 'Alice' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ success: true, userId: expect.any(String) });
      const stored = await t.store.findByEmail('alice@example.test');
      expect(stored?.id).toBe(res.body.userId);
    });

    it('passes the parsed body and the configuration to onRegister', async () => {
      const res = await request(t.app)
        .post('/auth/register')
        .send({ email: 'bob@example.test', password: PASSWORD, plan: 'pro', nested: { a: 1 } });
      expect(res.status).toBe(201);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.data).toEqual({
        email: 'bob@example.test',
        password: PASSWORD,
        plan: 'pro',
        nested: { a: 1 },
      });
      expect(calls[0]!.config.accessTokenSecret).toBe(ACCESS_SECRET);
    });

    it('lets the new user log in with the chosen password', async () => {
      await request(t.app)
        .post('/auth/register')
        .send({ email: 'carol@example.test', password: PASSWORD })
        .expect(201);
      const res = await request(t.app)
        .post('/auth/login')
        .send({ email: 'carol@example.test', password: PASSWORD });
      expect(res.status).toBe(200);
    });

    it('does not sign the user in (no token cookies, no tokens in the body)', async () => {
      const res = await request(t.app)
        .post('/auth/register')
        .set('X-Auth-Strategy', 'bearer')
        .send({ email: 'dave@example.test', password: PASSWORD });
      expect(res.status).toBe(201);
      expect(res.body.accessToken).toBeUndefined();
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('publishes USER_CREATED with the new userId and the ip', async () => {
      const res = await request(t.app)
        .post('/auth/register')
        .send({ email: 'erin@example.test', password: PASSWORD });
      const created = t.events.filter((e) => e.event === AuthEventNames.USER_CREATED);
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({
        userId: res.body.userId,
        ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      });
    });

    it('sends a welcome mail with a login link built from email.siteUrl', async () => {
      const mail = t.nextMail();
      const res = await request(t.app)
        .post('/auth/register')
        .send({ email: 'frank@example.test', password: PASSWORD });
      expect(res.status).toBe(201);
      const welcome: CapturedMail = await mail;
      expect(welcome).toMatchObject({
        kind: 'welcome',
        to: 'frank@example.test',
        link: 'https://app.example.test/login',
      });
    });

    it('passes emailLang to the welcome mail', async () => {
      const mail = t.nextMail();
      await request(t.app)
        .post('/auth/register')
        .send({ email: 'gina@example.test', password: PASSWORD, emailLang: 'it' })
        .expect(201);
      expect((await mail).lang).toBe('it');
    });

    it('answers an AuthError thrown by onRegister with its status and {error, code}', async () => {
      behaviour = () =>
        Promise.reject(new AuthError('This email is already registered', 'EMAIL_IN_USE', 409));
      const res = await request(t.app)
        .post('/auth/register')
        .send({ email: 'taken@example.test', password: PASSWORD });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: 'This email is already registered', code: 'EMAIL_IN_USE' });
    });

    it('sends no welcome mail and publishes no USER_CREATED when onRegister fails', async () => {
      behaviour = () => Promise.reject(new AuthError('Nope', 'EMAIL_IN_USE', 409));
      await request(t.app)
        .post('/auth/register')
        .send({ email: 'taken2@example.test', password: PASSWORD })
        .expect(409);
      // Any mail the router started in the background has settled.
      await t.auth.idle();
      expect(t.mails).toEqual([]);
      expect(t.events.filter((e) => e.event === AuthEventNames.USER_CREATED)).toEqual([]);
    });

    it('includes the data of an AuthError in the answer', async () => {
      behaviour = () =>
        Promise.reject(
          new AuthError('Pick another name', 'USERNAME_TAKEN', 422, { field: 'username' }),
        );
      const res = await request(t.app).post('/auth/register').send({ username: 'root' });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        error: 'Pick another name',
        code: 'USERNAME_TAKEN',
        field: 'username',
      });
    });

    it('answers any other error from onRegister with a bare 500 that leaks nothing', async () => {
      behaviour = () => Promise.reject(new Error('db password is hunter2'));
      const res = await request(t.app)
        .post('/auth/register')
        .send({ email: 'boom@example.test', password: PASSWORD });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: expect.any(String), code: 'INTERNAL_ERROR' });
      expect(res.text).not.toContain('hunter2');
      expect(logger.error).toHaveBeenCalled();
    });

    it('answers a JSON array body with 400 without calling onRegister', async () => {
      const res = await request(t.app)
        .post('/auth/register')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify([{ email: 'x@example.test' }]));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(calls).toHaveLength(0);
    });

    it('answers a JSON scalar body with 400 without calling onRegister', async () => {
      for (const body of ['"just a string"', '42', 'null', 'true']) {
        const res = await request(t.app)
          .post('/auth/register')
          .set('Content-Type', 'application/json')
          .send(body);
        expect(res.status).toBe(400);
        expect(['VALIDATION_ERROR', 'INVALID_JSON']).toContain(res.body.code);
      }
      expect(calls).toHaveLength(0);
    });

    it('answers a non-JSON body (text, form) or no body with 400 without calling onRegister', async () => {
      const text = await request(t.app)
        .post('/auth/register')
        .set('Content-Type', 'text/plain')
        .send('email=x@example.test');
      const form = await request(t.app)
        .post('/auth/register')
        .type('form')
        .send('email=x@example.test');
      const none = await request(t.app).post('/auth/register');
      for (const res of [text, form, none]) {
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: expect.any(String), code: 'VALIDATION_ERROR' });
      }
      expect(calls).toHaveLength(0);
    });

    it('answers malformed JSON with 400 INVALID_JSON', async () => {
      const res = await request(t.app)
        .post('/auth/register')
        .set('Content-Type', 'application/json')
        .send('{"email":');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_JSON');
      expect(calls).toHaveLength(0);
    });
  });

  describe('welcome mail variations', () => {
    const makeOnRegister =
      (getApp: () => TestApp): OnRegister =>
      (data) =>
        getApp().store.create({ email: String(data.email), loginProvider: 'local' });

    it('builds the login link from email.linkPaths.login', async () => {
      const t: TestApp = createTestApp({
        router: { onRegister: makeOnRegister(() => t) },
        config: {
          email: { siteUrl: 'https://site.example.test/', linkPaths: { login: '/sign-in' } },
        },
      });
      try {
        const mail = t.nextMail();
        await request(t.app).post('/auth/register').send({ email: 'h@example.test' }).expect(201);
        expect((await mail).link).toBe('https://site.example.test/sign-in');
      } finally {
        await t.close();
      }
    });

    it('still answers 201 when the welcome mail fails, and logs the failure', async () => {
      const logger = silentLogger();
      const t: TestApp = createTestApp({
        router: { onRegister: makeOnRegister(() => t) },
        config: {
          logger,
          email: { sendWelcome: () => Promise.reject(new Error('mail API down')) },
        },
      });
      try {
        const res = await request(t.app).post('/auth/register').send({ email: 'i@example.test' });
        expect(res.status).toBe(201);
        expect(res.body.success).toBe(true);
        await new Promise((r) => setTimeout(r, 20));
        expect(logger.error).toHaveBeenCalled();
      } finally {
        await t.close();
      }
    });

    it('still answers 201 when no link base is known for the welcome mail (no siteUrl, no origin)', async () => {
      const logger = silentLogger();
      const t: TestApp = createTestApp({
        router: { onRegister: makeOnRegister(() => t) },
        config: { logger, email: { siteUrl: undefined } },
      });
      try {
        const res = await request(t.app).post('/auth/register').send({ email: 'k@example.test' });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ success: true, userId: expect.any(String) });
        expect(await t.store.findByEmail('k@example.test')).not.toBeNull();
        expect(t.mails).toEqual([]);
      } finally {
        await t.close();
      }
    });

    it('registers without sending anything when no welcome mail is configured', async () => {
      const t: TestApp = createTestApp({
        captureMail: false,
        router: { onRegister: makeOnRegister(() => t) },
      });
      try {
        const res = await request(t.app).post('/auth/register').send({ email: 'j@example.test' });
        expect(res.status).toBe(201);
        expect(t.mails).toEqual([]);
      } finally {
        await t.close();
      }
    });
  });
});
