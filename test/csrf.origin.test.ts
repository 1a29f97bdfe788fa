import request from 'supertest';
import {
  PASSWORD,
  SITE_URL,
  appFactory,
  bearerLogin,
  cookieValue,
  type TestApp,
} from './helpers/app';

const app = appFactory();

/** An origin the router allows for CORS (`cors.origins`). */
const SPA = 'https://spa.example.test';
/** An origin the app trusts in its config (`csrf.trustedOrigins`), e.g. a second front end. */
const PARTNER = 'https://partner.example.test';
const EVIL = 'https://evil.test';
/** A sibling subdomain: same site, so SameSite cookies go along, but another origin. */
const SIBLING = 'https://blog.example.test';

type Headers = Record<string, string>;

/** Signs in without browser headers (a non-browser client) and returns the session cookies. */
async function cookieSession(t: TestApp) {
  const user = await t.createUser();
  const res = await request(t.app)
    .post('/auth/login')
    .send({ email: user.email, password: PASSWORD });
  expect(res.status).toBe(200);
  return {
    user,
    access: cookieValue(res, 'accessToken')!,
    refresh: cookieValue(res, 'refreshToken')!,
  };
}

function send(t: TestApp, method: 'post' | 'put' | 'patch' | 'delete', path: string, h: Headers) {
  let req = request(t.app)[method](path);
  for (const [name, value] of Object.entries(h)) req = req.set(name, value);
  return req.send({});
}

function expectRefused(res: request.Response) {
  expect(res.status).toBe(403);
  expect(res.body).toEqual({ error: expect.any(String), code: 'CSRF_ORIGIN_MISMATCH' });
}

describe('origin check on cookie-authenticated requests (default configuration)', () => {
  const t = app({
    config: { csrf: { trustedOrigins: [PARTNER] } },
    router: { cors: { origins: [SPA] } },
  });

  describe("the app's own routes (auth.middleware())", () => {
    const foreign: Array<[string, Headers]> = [
      ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
      ['a foreign Origin', { Origin: EVIL }],
      ['a sibling subdomain as Origin', { Origin: SIBLING, 'Sec-Fetch-Site': 'same-site' }],
      ['Origin: null (a sandboxed frame)', { Origin: 'null' }],
      ['a foreign Referer without Origin', { Referer: `${EVIL}/attack.html` }],
      ['the site over http instead of https', { Origin: 'http://app.example.test' }],
    ];
    for (const [name, headers] of foreign) {
      it(`refuses a cookie POST with ${name}: 403 CSRF_ORIGIN_MISMATCH`, async () => {
        const { access } = await cookieSession(t);
        const res = await send(t, 'post', '/api/private', {
          Cookie: `accessToken=${access}`,
          ...headers,
        });
        expectRefused(res);
      });
    }

    it('refuses PUT, PATCH and DELETE the same way', async () => {
      const { access } = await cookieSession(t);
      t.app.put('/api/private', t.auth.middleware(), (_req, res) => res.json({ ok: true }));
      t.app.patch('/api/private', t.auth.middleware(), (_req, res) => res.json({ ok: true }));
      t.app.delete('/api/private', t.auth.middleware(), (_req, res) => res.json({ ok: true }));
      for (const method of ['put', 'patch', 'delete'] as const) {
        const res = await send(t, method, '/api/private', {
          Cookie: `accessToken=${access}`,
          Origin: EVIL,
        });
        expectRefused(res);
      }
    });

    const same: Array<[string, Headers]> = [
      ["the site URL's origin", { Origin: SITE_URL, 'Sec-Fetch-Site': 'same-origin' }],
      ['an origin from csrf.trustedOrigins', { Origin: PARTNER, 'Sec-Fetch-Site': 'same-site' }],
      ['an allowed CORS origin of the router', { Origin: SPA }],
      ['a Referer on the site without Origin', { Referer: `${SITE_URL}/settings` }],
      ['no Origin, Referer or Sec-Fetch-Site (a non-browser client)', {}],
    ];
    for (const [name, headers] of same) {
      it(`accepts a cookie POST from ${name}`, async () => {
        const { access, user } = await cookieSession(t);
        const res = await send(t, 'post', '/api/private', {
          Cookie: `accessToken=${access}`,
          ...headers,
        });
        expect(res.status).toBe(200);
        expect(res.body.user.sub).toBe(user.id);
      });
    }

    it('needs no origin for a GET, even cross-site', async () => {
      const { access } = await cookieSession(t);
      const res = await request(t.app)
        .get('/api/private')
        .set('Cookie', `accessToken=${access}`)
        .set('Origin', EVIL)
        .set('Sec-Fetch-Site', 'cross-site');
      expect(res.status).toBe(200);
    });

    it('accepts a bearer POST with a foreign Origin: a foreign page cannot add the header', async () => {
      const user = await t.createUser();
      const { accessToken } = await bearerLogin(t.app, user.email);
      const res = await send(t, 'post', '/api/private', {
        Authorization: `Bearer ${accessToken}`,
        Origin: EVIL,
        'Sec-Fetch-Site': 'cross-site',
      });
      expect(res.status).toBe(200);
      expect(res.body.user.sub).toBe(user.id);
    });
  });

  describe("the router's protected and cookie routes", () => {
    it('refuses a cross-site password change with the session cookie', async () => {
      const { access, user } = await cookieSession(t);
      const res = await request(t.app)
        .post('/auth/change-password')
        .set('Cookie', `accessToken=${access}`)
        .set('Origin', EVIL)
        .send({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
      expectRefused(res);
      // The password did not change: the old one still signs in.
      expect((await bearerLogin(t.app, user.email, PASSWORD)).accessToken).toEqual(
        expect.any(String),
      );
    });

    it('refuses a cross-site refresh and logout with the refresh cookie, and keeps the session', async () => {
      const { refresh } = await cookieSession(t);
      for (const path of ['/auth/refresh', '/auth/logout']) {
        const res = await send(t, 'post', path, {
          Cookie: `refreshToken=${refresh}`,
          'Sec-Fetch-Site': 'cross-site',
        });
        expectRefused(res);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      const ok = await send(t, 'post', '/auth/refresh', {
        Cookie: `refreshToken=${refresh}`,
        Origin: SITE_URL,
      });
      expect(ok.status).toBe(200);
    });

    it('accepts a cookie request to a protected route from an allowed CORS origin', async () => {
      const { access } = await cookieSession(t);
      const res = await request(t.app)
        .post('/auth/send-verification-email')
        .set('Cookie', `accessToken=${access}`)
        .set('Origin', SPA)
        .send({});
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(SPA);
    });
  });

  describe('login CSRF', () => {
    it('refuses a cookie-mode login from a foreign Origin, setting no cookie', async () => {
      const user = await t.createUser();
      const res = await request(t.app)
        .post('/auth/login')
        .set('Origin', EVIL)
        .send({ email: user.email, password: PASSWORD });
      expectRefused(res);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('refuses a cookie-mode login with Sec-Fetch-Site: cross-site or a foreign Referer', async () => {
      const user = await t.createUser();
      for (const headers of [{ 'Sec-Fetch-Site': 'cross-site' }, { Referer: `${EVIL}/x` }]) {
        let req = request(t.app).post('/auth/login');
        for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
        expectRefused(await req.send({ email: user.email, password: PASSWORD }));
      }
    });

    it('refuses the other cookie-setting sign-ins from a foreign Origin before doing anything', async () => {
      for (const path of [
        '/auth/register',
        '/auth/magic-link/verify',
        '/auth/sms/verify',
        '/auth/2fa/verify',
        '/auth/2fa/verify-setup',
        '/auth/link-verify',
      ]) {
        const res = await request(t.app).post(path).set('Origin', EVIL).send({});
        expect([path, res.status, res.body.code]).toEqual([path, 403, 'CSRF_ORIGIN_MISMATCH']);
      }
    });

    it('accepts a cookie-mode login from the site and from an allowed origin', async () => {
      for (const origin of [SITE_URL, SPA, PARTNER]) {
        const user = await t.createUser();
        const res = await request(t.app)
          .post('/auth/login')
          .set('Origin', origin)
          .send({ email: user.email, password: PASSWORD });
        expect(res.status).toBe(200);
        expect(cookieValue(res, 'accessToken')).toBeDefined();
      }
    });

    it('leaves a bearer-mode login alone (tokens in the body set no cookie)', async () => {
      const user = await t.createUser();
      const res = await request(t.app)
        .post('/auth/login')
        .set('Origin', EVIL)
        .set('X-Auth-Strategy', 'bearer')
        .send({ email: user.email, password: PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body.accessToken).toEqual(expect.any(String));
    });

    it('leaves endpoints that neither sign in nor carry a session alone', async () => {
      const res = await request(t.app)
        .post('/auth/forgot-password')
        .set('Origin', EVIL)
        .send({ email: 'nobody@example.test' });
      expect(res.status).toBe(200);
    });
  });
});

describe('origin check switched off (csrf.checkOrigin: false)', () => {
  const t = app({ config: { csrf: { checkOrigin: false } } });

  it('accepts a cross-site cookie POST and login, as before', async () => {
    const { access } = await cookieSession(t);
    const res = await send(t, 'post', '/api/private', {
      Cookie: `accessToken=${access}`,
      Origin: EVIL,
      'Sec-Fetch-Site': 'cross-site',
    });
    expect(res.status).toBe(200);
    const user = await t.createUser();
    const login = await request(t.app)
      .post('/auth/login')
      .set('Origin', EVIL)
      .send({ email: user.email, password: PASSWORD });
    expect(login.status).toBe(200);
  });
});

describe('origin check without a site URL', () => {
  const t = app({ config: { email: { siteUrl: undefined } } });

  it("accepts the app's own origin (Sec-Fetch-Site: same-origin, or the Host it was sent to)", async () => {
    const { access } = await cookieSession(t);
    const viaFetchMetadata = await send(t, 'post', '/api/private', {
      Cookie: `accessToken=${access}`,
      Origin: 'https://wherever.example.test',
      'Sec-Fetch-Site': 'same-origin',
    });
    expect(viaFetchMetadata.status).toBe(200);
    const viaHost = await send(t, 'post', '/api/private', {
      Cookie: `accessToken=${access}`,
      Host: 'shop.example.test',
      Origin: 'http://shop.example.test',
    });
    expect(viaHost.status).toBe(200);
  });

  it('still refuses a foreign origin', async () => {
    const { access } = await cookieSession(t);
    expectRefused(
      await send(t, 'post', '/api/private', { Cookie: `accessToken=${access}`, Origin: EVIL }),
    );
  });
});

describe('X-Content-Type-Options: nosniff', () => {
  const t = app();

  it('is on the JSON answers of the router: success, error and unknown-route errors', async () => {
    const user = await t.createUser();
    const answers = [
      await request(t.app).post('/auth/login').send({ email: user.email, password: PASSWORD }),
      await request(t.app).post('/auth/login').send({ email: user.email, password: 'wrong one!' }),
      await request(t.app).post('/auth/login').set('Content-Type', 'application/json').send('{'),
      await request(t.app).get('/auth/me'),
      await request(t.app).post('/auth/login').set('Origin', EVIL).send({}),
    ];
    for (const res of answers) {
      expect(res.headers['content-type']).toMatch(/json/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it("is on the middleware's error answers", async () => {
    const res = await request(t.app).get('/api/private');
    expect(res.status).toBe(401);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
