import request from 'supertest';
import { PASSWORD, createTestApp, type CapturedMail, type TestApp, SITE_URL } from './helpers/app';

const APP_ORIGIN = 'https://app.example.test';
const ADMIN_ORIGIN = 'https://admin.example.test';

function preflight(t: TestApp, origin: string, path = '/auth/login') {
  return request(t.app)
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'content-type, x-csrf-token, x-auth-strategy');
}

function varyList(res: request.Response): string[] {
  return String(res.headers.vary ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
}

describe('CORS (router option cors.origins)', () => {
  const t = createTestApp({ router: { cors: { origins: [APP_ORIGIN, ADMIN_ORIGIN] } } });
  afterAll(() => t.close());

  describe('preflight', () => {
    it('answers an allowed origin with 204 and credentialed CORS headers echoing the origin', async () => {
      const res = await preflight(t, APP_ORIGIN);
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      const headers = String(res.headers['access-control-allow-headers']).toLowerCase();
      expect(headers).toContain('x-csrf-token');
      expect(headers).toContain('x-auth-strategy');
      expect(headers).toContain('content-type');
      expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
    });

    it('echoes each allowed origin, never a wildcard', async () => {
      const res = await preflight(t, ADMIN_ORIGIN);
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(ADMIN_ORIGIN);
    });

    it('answers another origin with 403 and no allow-origin or allow-credentials header', async () => {
      for (const origin of [
        'https://evil.test',
        'https://app.example.test.evil.test',
        'http://app.example.test',
        'https://app.example.test:8443',
        'null',
      ]) {
        const res = await preflight(t, origin);
        expect(res.status).toBe(403);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
        expect(res.headers['access-control-allow-headers']).toBeUndefined();
      }
    });

    it('sets a preflight cache lifetime', async () => {
      const res = await preflight(t, APP_ORIGIN);
      expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
    });
  });

  describe('actual requests', () => {
    it('carry the allow-origin and allow-credentials headers for an allowed origin', async () => {
      const user = await t.createUser();
      const res = await request(t.app)
        .post('/auth/login')
        .set('Origin', APP_ORIGIN)
        .send({ email: user.email, password: PASSWORD });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    });

    it('carry them on error answers too, so the browser lets the page read the error', async () => {
      const res = await request(t.app)
        .post('/auth/login')
        .set('Origin', APP_ORIGIN)
        .send({ email: 'nobody@example.test', password: PASSWORD });
      expect(res.status).toBe(401);
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    });

    it('carry no CORS headers for a disallowed origin', async () => {
      const res = await request(t.app)
        .post('/auth/login')
        .set('Origin', 'https://evil.test')
        .send({ email: 'nobody@example.test', password: PASSWORD });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });
  });

  describe('Vary: Origin', () => {
    it('is on every answer: preflights, allowed and disallowed origins, no origin, errors', async () => {
      const responses = [
        await preflight(t, APP_ORIGIN),
        await preflight(t, 'https://evil.test'),
        await request(t.app).post('/auth/login').set('Origin', APP_ORIGIN).send({}),
        await request(t.app).post('/auth/login').set('Origin', 'https://evil.test').send({}),
        await request(t.app).post('/auth/login').send({ email: 'a@b.test', password: PASSWORD }),
        await request(t.app).post('/auth/logout'),
        await request(t.app).get('/auth/me'),
      ];
      for (const res of responses) {
        expect(varyList(res)).toContain('origin');
      }
    });
  });

  describe('links in mails', () => {
    it('start with an allowed Origin of the request', async () => {
      const user = await t.createUser();
      const mail = t.nextMail();
      const res = await request(t.app)
        .post('/auth/forgot-password')
        .set('Origin', ADMIN_ORIGIN)
        .send({ email: user.email });
      expect(res.status).toBe(200);
      const sent: CapturedMail = await mail;
      expect(sent.kind).toBe('reset');
      expect(sent.to).toBe(user.email);
      expect(sent.link!.startsWith(`${ADMIN_ORIGIN}/`)).toBe(true);
      expect(sent.link).toBe(
        `${ADMIN_ORIGIN}/auth/reset-password?token=${encodeURIComponent(sent.token!)}`,
      );
    });

    it('fall back to email.siteUrl for a disallowed Origin', async () => {
      const user = await t.createUser();
      const mail = t.nextMail();
      await request(t.app)
        .post('/auth/forgot-password')
        .set('Origin', 'https://evil.test')
        .send({ email: user.email })
        .expect(200);
      const sent = await mail;
      expect(sent.link!.startsWith(`${SITE_URL}/auth/reset-password?token=`)).toBe(true);
    });

    it('ignore Host and X-Forwarded-Host', async () => {
      const user = await t.createUser();
      const mail = t.nextMail();
      await request(t.app)
        .post('/auth/forgot-password')
        .set('Host', 'evil.test')
        .set('X-Forwarded-Host', 'evil.test')
        .set('X-Forwarded-Proto', 'https')
        .send({ email: user.email })
        .expect(200);
      const sent = await mail;
      expect(sent.link!.startsWith(`${SITE_URL}/`)).toBe(true);
      expect(sent.link).not.toContain('evil.test');
    });

    it('ignore X-Forwarded-Host even when the app trusts its proxy', async () => {
      const proxied = createTestApp({ router: { cors: { origins: [APP_ORIGIN, ADMIN_ORIGIN] } } });
      try {
        proxied.app.set('trust proxy', true);
        const user = await proxied.createUser();
        const mail = proxied.nextMail();
        await request(proxied.app)
          .post('/auth/forgot-password')
          .set('X-Forwarded-Host', 'evil.test')
          .set('Origin', 'https://evil.test')
          .send({ email: user.email })
          .expect(200);
        const sent = await mail;
        expect(sent.link!.startsWith(`${SITE_URL}/`)).toBe(true);
        expect(sent.link).not.toContain('evil.test');
      } finally {
        await proxied.close();
      }
    });
  });
});

describe('CORS edge cases', () => {
  it('matches an origin configured with a trailing slash', async () => {
    const t = createTestApp({ router: { cors: { origins: ['https://slash.example.test/'] } } });
    try {
      const res = await preflight(t, 'https://slash.example.test');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://slash.example.test');
    } finally {
      await t.close();
    }
  });

  it('uses the configured preflight lifetime', async () => {
    const t = createTestApp({ router: { cors: { origins: [APP_ORIGIN], maxAgeSeconds: 42 } } });
    try {
      const res = await preflight(t, APP_ORIGIN);
      expect(res.headers['access-control-max-age']).toBe('42');
    } finally {
      await t.close();
    }
  });

  it('without the cors option sets no CORS headers and bases links on siteUrl only', async () => {
    const t = createTestApp();
    try {
      const pre = await preflight(t, APP_ORIGIN);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      const user = await t.createUser();
      const mail = t.nextMail();
      await request(t.app)
        .post('/auth/forgot-password')
        .set('Origin', ADMIN_ORIGIN)
        .send({ email: user.email })
        .expect(200);
      expect((await mail).link!.startsWith(`${SITE_URL}/`)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('without siteUrl builds links only from an allowed Origin, else answers 501 MAIL_NOT_CONFIGURED', async () => {
    const t = createTestApp({
      router: { cors: { origins: [ADMIN_ORIGIN] } },
      config: { email: { siteUrl: undefined } },
    });
    try {
      const user = await t.createUser();
      const mail = t.nextMail();
      await request(t.app)
        .post('/auth/forgot-password')
        .set('Origin', ADMIN_ORIGIN)
        .send({ email: user.email })
        .expect(200);
      expect((await mail).link!.startsWith(`${ADMIN_ORIGIN}/`)).toBe(true);

      const refused = await request(t.app)
        .post('/auth/forgot-password')
        .set('Origin', 'https://evil.test')
        .set('X-Forwarded-Host', 'evil.test')
        .send({ email: user.email });
      expect(refused.status).toBe(501);
      expect(refused.body.code).toBe('MAIL_NOT_CONFIGURED');
    } finally {
      await t.close();
    }
  });

  it('builds the welcome mail link from an allowed Origin', async () => {
    const t: TestApp = createTestApp({
      router: {
        cors: { origins: [ADMIN_ORIGIN] },
        onRegister: (data) => t.store.create({ email: String(data.email) }),
      },
    });
    try {
      const mail = t.nextMail();
      await request(t.app)
        .post('/auth/register')
        .set('Origin', ADMIN_ORIGIN)
        .send({ email: 'welcome-cors@example.test' })
        .expect(201);
      const sent = await mail;
      expect(sent.kind).toBe('welcome');
      expect(sent.link).toBe(`${ADMIN_ORIGIN}/login`);
    } finally {
      await t.close();
    }
  });
});
