import request from 'supertest';
import { AuthEventNames, type AuthEventPayload } from 'keyward';
import { PASSWORD, cookieLine, cookieValue, createTestApp, setCookies } from './helpers/app';

const INVALID_CREDENTIALS_CODE = 'INVALID_CREDENTIALS';

function login(app: Parameters<typeof request>[0], email: string, password: string) {
  return request(app).post('/auth/login').send({ email, password });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('POST /auth/login', () => {
  const t = createTestApp();
  afterAll(() => t.close());
  beforeEach(() => {
    t.events.length = 0;
  });

  describe('cookie mode (default)', () => {
    it('answers 200 {success:true} and sets HttpOnly access and refresh cookies', async () => {
      const user = await t.createUser();
      const res = await login(t.app, user.email, PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true });
      expect(cookieValue(res, 'accessToken')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(cookieValue(res, 'refreshToken')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(cookieLine(res, 'accessToken')).toMatch(/;\s*HttpOnly/i);
      expect(cookieLine(res, 'refreshToken')).toMatch(/;\s*HttpOnly/i);
    });

    it('puts no token in the body', async () => {
      const user = await t.createUser();
      const res = await login(t.app, user.email, PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body.accessToken).toBeUndefined();
      expect(res.body.refreshToken).toBeUndefined();
      expect(res.text).not.toContain(cookieValue(res, 'accessToken'));
    });

    it('sets an access cookie the protected route accepts as the logged-in user', async () => {
      const user = await t.createUser();
      const res = await login(t.app, user.email, PASSWORD);
      const access = cookieValue(res, 'accessToken');
      const me = await request(t.app).get('/api/private').set('Cookie', `accessToken=${access}`);
      expect(me.status).toBe(200);
      expect(me.body.user.sub).toBe(user.id);
      expect(me.body.user.email).toBe(user.email);
    });
  });

  describe('bearer mode (X-Auth-Strategy: bearer)', () => {
    it('returns both tokens in the body and sets no cookies', async () => {
      const user = await t.createUser();
      const res = await request(t.app)
        .post('/auth/login')
        .set('X-Auth-Strategy', 'bearer')
        .send({ email: user.email, password: PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
      });
      expect(setCookies(res)).toEqual([]);
    });

    it('accepts the strategy header case-insensitively', async () => {
      const user = await t.createUser();
      const res = await request(t.app)
        .post('/auth/login')
        .set('X-Auth-Strategy', 'Bearer')
        .send({ email: user.email, password: PASSWORD });
      expect(res.status).toBe(200);
      expect(typeof res.body.accessToken).toBe('string');
      expect(setCookies(res)).toEqual([]);
    });

    it('returns an access token the protected route accepts', async () => {
      const user = await t.createUser();
      const res = await request(t.app)
        .post('/auth/login')
        .set('X-Auth-Strategy', 'bearer')
        .send({ email: user.email, password: PASSWORD });
      const me = await request(t.app)
        .get('/api/private')
        .set('Authorization', `Bearer ${res.body.accessToken}`);
      expect(me.status).toBe(200);
      expect(me.body.user.sub).toBe(user.id);
    });
  });

  describe('email lookup', () => {
    it('finds the account whatever the case of the email typed', async () => {
      const user = await t.createUser({ email: 'Mixed.Case@Example.Test' });
      for (const typed of [
        'mixed.case@example.test',
        'MIXED.CASE@EXAMPLE.TEST',
        'mIxEd.CaSe@eXaMpLe.TeSt',
      ]) {
        const res = await login(t.app, typed, PASSWORD);
        expect(res.status).toBe(200);
        const access = cookieValue(res, 'accessToken');
        const me = await request(t.app).get('/api/private').set('Cookie', `accessToken=${access}`);
        expect(me.body.user.sub).toBe(user.id);
      }
    });
  });

  describe('failed credentials', () => {
    it('answers a wrong password with 401 INVALID_CREDENTIALS and sets no cookies', async () => {
      const user = await t.createUser();
      const res = await login(t.app, user.email, 'not the right password');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: expect.any(String), code: INVALID_CREDENTIALS_CODE });
      expect(setCookies(res)).toEqual([]);
    });

    it('answers an unknown email with 401 INVALID_CREDENTIALS', async () => {
      const res = await login(t.app, 'nobody-here@example.test', PASSWORD);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: expect.any(String), code: INVALID_CREDENTIALS_CODE });
    });

    it('answers an account without a password with 401 INVALID_CREDENTIALS', async () => {
      const oauthUser = await t.store.create({
        email: 'google-only@example.test',
        loginProvider: 'google',
      });
      expect(oauthUser.password ?? undefined).toBeUndefined();
      for (const password of [PASSWORD, 'anything at all']) {
        const res = await login(t.app, oauthUser.email, password);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error: expect.any(String), code: INVALID_CREDENTIALS_CODE });
      }
    });

    it('refuses an account whose password field is null or empty', async () => {
      const nullPw = await t.store.create({ email: 'null-pw@example.test', password: null });
      const emptyPw = await t.store.create({ email: 'empty-pw@example.test', password: '' });
      for (const u of [nullPw, emptyPw]) {
        const res = await login(t.app, u.email, PASSWORD);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe(INVALID_CREDENTIALS_CODE);
      }
    });

    it('gives wrong password, unknown email and password-less account the identical body', async () => {
      const user = await t.createUser();
      const oauthUser = await t.store.create({
        email: 'google-identical@example.test',
        loginProvider: 'google',
      });
      const wrong = await login(t.app, user.email, 'not the right password');
      const unknown = await login(t.app, 'never-registered@example.test', 'not the right password');
      const noPassword = await login(t.app, oauthUser.email, 'not the right password');
      for (const res of [wrong, unknown, noPassword]) {
        expect(res.status).toBe(401);
        expect(Object.keys(res.body).sort()).toEqual(['code', 'error']);
      }
      expect(unknown.body).toEqual(wrong.body);
      expect(noPassword.body).toEqual(wrong.body);
      expect(unknown.text).toBe(wrong.text);
      expect(noPassword.text).toBe(wrong.text);
    });
  });

  describe('timing of unknown emails', () => {
    // The default scheme with its production parameters (argon2id, 19 MiB, 2 passes).
    const slow = createTestApp({ config: { passwordHashing: {} } });
    afterAll(() => slow.close());

    it('spends a password comparison on unknown emails and password-less accounts', async () => {
      const user = await slow.createUser();
      const oauthUser = await slow.store.create({
        email: 'timing-google@example.test',
        loginProvider: 'google',
      });
      const time = async (email: string) => {
        const start = process.hrtime.bigint();
        const res = await login(slow.app, email, 'a wrong password here');
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        expect(res.status).toBe(401);
        return ms;
      };
      // Warm up: the first unknown-email login also makes the dummy hash; workers start lazily.
      await time('warm-up-unknown@example.test');
      await time(user.email);

      const wrongTimes: number[] = [];
      const unknownTimes: number[] = [];
      const noPasswordTimes: number[] = [];
      for (let i = 0; i < 5; i++) {
        wrongTimes.push(await time(user.email));
        unknownTimes.push(await time(`unknown-${i}@example.test`));
        noPasswordTimes.push(await time(oauthUser.email));
      }
      const wrong = median(wrongTimes);
      // An argon2id comparison at OWASP parameters (about 9 ms on a quiet 2-core machine, more
      // under load) is well above request overhead (about 1 ms), so the comparison is meaningful.
      expect(wrong).toBeGreaterThan(5);
      expect(median(unknownTimes)).toBeGreaterThanOrEqual(0.4 * wrong);
      expect(median(noPasswordTimes)).toBeGreaterThanOrEqual(0.4 * wrong);
    });
  });

  describe('password length and exactness', () => {
    it('refuses a password over 256 characters with 400 PASSWORD_TOO_LONG', async () => {
      const user = await t.createUser();
      const res = await login(t.app, user.email, 'a'.repeat(257));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), code: 'PASSWORD_TOO_LONG' });
    });

    it('counts characters, not bytes: 256 emoji (1024 bytes) are not too long', async () => {
      const user = await t.createUser();
      const res = await login(t.app, user.email, '🔐'.repeat(256));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(INVALID_CREDENTIALS_CODE);
    });

    it('answers PASSWORD_TOO_LONG for unknown emails as well', async () => {
      const res = await login(t.app, 'nobody-long@example.test', 'b'.repeat(300));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('PASSWORD_TOO_LONG');
    });

    it('accepts a password of 256 characters', async () => {
      const password = 'c'.repeat(255) + 'é';
      const user = await t.createUser({ plainPassword: password });
      const res = await login(t.app, user.email, password);
      expect(res.status).toBe(200);
    });

    it('does not match a password that extends the real one past 72 bytes', async () => {
      const password = 'd'.repeat(72);
      const user = await t.createUser({ plainPassword: password });
      const res = await login(t.app, user.email, `${password}extra`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(INVALID_CREDENTIALS_CODE);
    });

    const unicodePassword = '  Pässwörd 🔐 ñandú ';

    it('accepts a Unicode password with spaces at both ends exactly as given', async () => {
      const user = await t.createUser({ plainPassword: unicodePassword });
      const res = await login(t.app, user.email, unicodePassword);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true });
    });

    it('accepts a password of 8 emoji', async () => {
      const password = '🔐🦄🌍🎉🍕🚀🐙🌈';
      expect([...password].length).toBe(8);
      const user = await t.createUser({ plainPassword: password });
      const res = await login(t.app, user.email, password);
      expect(res.status).toBe(200);
    });

    it('refuses variants that differ only by surrounding spaces', async () => {
      const user = await t.createUser({ plainPassword: unicodePassword });
      for (const variant of [
        unicodePassword.trimEnd(),
        unicodePassword.trimStart(),
        unicodePassword.trim(),
        `${unicodePassword} `,
      ]) {
        const res = await login(t.app, user.email, variant);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe(INVALID_CREDENTIALS_CODE);
      }
    });

    it('refuses variants that differ only by case', async () => {
      const user = await t.createUser({ plainPassword: unicodePassword });
      for (const variant of [unicodePassword.toUpperCase(), unicodePassword.toLowerCase()]) {
        expect(variant).not.toBe(unicodePassword);
        const res = await login(t.app, user.email, variant);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe(INVALID_CREDENTIALS_CODE);
      }
    });

    it('does not normalise Unicode: the decomposed form of an accented password fails', async () => {
      const composed = 'Crème brûlée!';
      const decomposed = composed.normalize('NFD');
      expect(decomposed).not.toBe(composed);
      const user = await t.createUser({ plainPassword: composed });
      expect((await login(t.app, user.email, composed)).status).toBe(200);
      const res = await login(t.app, user.email, decomposed);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(INVALID_CREDENTIALS_CODE);
    });
  });

  describe('request validation', () => {
    it('answers a body without email with 400 VALIDATION_ERROR', async () => {
      const res = await request(t.app).post('/auth/login').send({ password: PASSWORD });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
    });

    it('answers malformed JSON with 400 INVALID_JSON', async () => {
      const res = await request(t.app)
        .post('/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email": ');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_JSON');
    });
  });

  describe('events', () => {
    const byName = (name: string): AuthEventPayload[] => t.events.filter((e) => e.event === name);

    it('publishes SESSION_CREATED and AUTH_LOGIN_SUCCESS with userId, ip and the session', async () => {
      const user = await t.createUser();
      const res = await login(t.app, user.email, PASSWORD);
      expect(res.status).toBe(200);

      const success = byName(AuthEventNames.AUTH_LOGIN_SUCCESS);
      const created = byName(AuthEventNames.SESSION_CREATED);
      expect(success).toHaveLength(1);
      expect(created).toHaveLength(1);
      expect(success[0]).toMatchObject({
        userId: user.id,
        ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      });
      expect(created[0]).toMatchObject({
        userId: user.id,
        ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      });
      expect(typeof success[0]!.sessionId).toBe('string');
      expect(created[0]!.sessionId).toBe(success[0]!.sessionId);
      expect(new Date(success[0]!.timestamp).toString()).not.toBe('Invalid Date');
      expect(byName(AuthEventNames.AUTH_LOGIN_FAILED)).toHaveLength(0);
    });

    it('names the session of the access token in the events', async () => {
      const user = await t.createUser();
      const res = await request(t.app)
        .post('/auth/login')
        .set('X-Auth-Strategy', 'bearer')
        .send({ email: user.email, password: PASSWORD });
      const me = await request(t.app)
        .get('/api/private')
        .set('Authorization', `Bearer ${res.body.accessToken}`);
      expect(byName(AuthEventNames.SESSION_CREATED)[0]!.sessionId).toBe(me.body.user.sid);
    });

    it('publishes AUTH_LOGIN_FAILED with the ip and no success or session events for a wrong password', async () => {
      const user = await t.createUser();
      const res = await login(t.app, user.email, 'not the right password');
      expect(res.status).toBe(401);
      const failed = byName(AuthEventNames.AUTH_LOGIN_FAILED);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1|::1/) });
      expect(failed[0]!.data).toMatchObject({ email: user.email });
      expect(byName(AuthEventNames.AUTH_LOGIN_SUCCESS)).toHaveLength(0);
      expect(byName(AuthEventNames.SESSION_CREATED)).toHaveLength(0);
    });

    it('publishes AUTH_LOGIN_FAILED for an unknown email too', async () => {
      const res = await login(t.app, 'ghost@example.test', PASSWORD);
      expect(res.status).toBe(401);
      const failed = byName(AuthEventNames.AUTH_LOGIN_FAILED);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.data).toMatchObject({ email: 'ghost@example.test' });
      expect(failed[0]!.userId).toBeUndefined();
    });

    it('uses the client address Express reports, honouring trust proxy', async () => {
      const proxied = createTestApp();
      try {
        proxied.app.set('trust proxy', true);
        const user = await proxied.createUser();
        const res = await request(proxied.app)
          .post('/auth/login')
          .set('X-Forwarded-For', '203.0.113.7')
          .send({ email: user.email, password: PASSWORD });
        expect(res.status).toBe(200);
        const success = proxied.events.find((e) => e.event === AuthEventNames.AUTH_LOGIN_SUCCESS);
        expect(success?.ip).toBe('203.0.113.7');
      } finally {
        await proxied.close();
      }
    });
  });
});
