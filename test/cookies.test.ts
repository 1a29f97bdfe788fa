import request from 'supertest';
import type { CookieOptions } from 'keyward';
import {
  PASSWORD,
  cookieLine,
  cookieValue,
  createTestApp,
  type TestApp,
  bearerLoginRequest,
  bearerRefresh,
  setCookies,
} from './helpers/app';

/** The attributes of a Set-Cookie line, names lower-cased; flags map to true. */
function attributes(line: string | undefined): Record<string, string | true> {
  expect(line).toBeDefined();
  const attrs: Record<string, string | true> = {};
  for (const part of line!.split(';').slice(1)) {
    const [name, ...rest] = part.trim().split('=');
    attrs[name!.toLowerCase()] = rest.length > 0 ? rest.join('=') : true;
  }
  return attrs;
}

/** True when the Set-Cookie line deletes the cookie (empty value, expiry in the past). */
function isClearing(line: string | undefined): boolean {
  if (!line) return false;
  const value = line.slice(line.indexOf('=') + 1).split(';')[0];
  const expires = attributes(line).expires;
  return value === '' && typeof expires === 'string' && new Date(expires).getTime() < Date.now();
}

async function cookieLogin(t: TestApp) {
  const user = await t.createUser();
  const res = await request(t.app)
    .post('/auth/login')
    .send({ email: user.email, password: PASSWORD });
  expect(res.status).toBe(200);
  return { user, res };
}

function appWith(cookieOptions: CookieOptions): TestApp {
  return createTestApp({ config: { cookieOptions } });
}

describe('token cookies', () => {
  describe('defaults', () => {
    const t = createTestApp();
    afterAll(() => t.close());

    it('marks both cookies HttpOnly with SameSite=Lax and Path=/', async () => {
      const { res } = await cookieLogin(t);
      for (const name of ['accessToken', 'refreshToken']) {
        const attrs = attributes(cookieLine(res, name));
        expect(attrs.httponly).toBe(true);
        expect(attrs.samesite).toBe('Lax');
        expect(attrs.path).toBe('/');
        expect(attrs.domain).toBeUndefined();
      }
    });

    it('is Secure by default on the https site of the test apps, whatever NODE_ENV says', async () => {
      const { res } = await cookieLogin(t);
      expect(attributes(cookieLine(res, 'accessToken')).secure).toBe(true);
      expect(attributes(cookieLine(res, 'refreshToken')).secure).toBe(true);
    });

    it('gives the cookies the lifetimes of their tokens (15 minutes, 7 days)', async () => {
      const { res } = await cookieLogin(t);
      expect(attributes(cookieLine(res, 'accessToken'))['max-age']).toBe('900');
      expect(attributes(cookieLine(res, 'refreshToken'))['max-age']).toBe(String(7 * 24 * 3600));
    });

    it('sets no csrf cookie while CSRF protection is off', async () => {
      const { res } = await cookieLogin(t);
      expect(cookieLine(res, 'csrf-token')).toBeUndefined();
      // The session's two cookies, and the known-device cookie of the brute-force protection.
      expect(setCookies(res).map((line) => line.split('=')[0])).toEqual([
        'accessToken',
        'refreshToken',
        'keywardDevice',
      ]);
    });
  });

  describe('options', () => {
    it('adds Secure to both cookies with secure: true', async () => {
      const t = appWith({ secure: true });
      try {
        const { res } = await cookieLogin(t);
        expect(attributes(cookieLine(res, 'accessToken')).secure).toBe(true);
        expect(attributes(cookieLine(res, 'refreshToken')).secure).toBe(true);
      } finally {
        await t.close();
      }
    });

    it('leaves Secure off with secure: false', async () => {
      const t = appWith({ secure: false });
      try {
        const { res } = await cookieLogin(t);
        expect(attributes(cookieLine(res, 'accessToken')).secure).toBeUndefined();
      } finally {
        await t.close();
      }
    });

    it('sets the Domain on both cookies when configured', async () => {
      const t = appWith({ domain: 'example.test' });
      try {
        const { res } = await cookieLogin(t);
        expect(attributes(cookieLine(res, 'accessToken')).domain).toBe('example.test');
        expect(attributes(cookieLine(res, 'refreshToken')).domain).toBe('example.test');
      } finally {
        await t.close();
      }
    });

    it('uses SameSite=Strict when configured', async () => {
      const t = appWith({ sameSite: 'strict' });
      try {
        const { res } = await cookieLogin(t);
        expect(attributes(cookieLine(res, 'accessToken')).samesite).toBe('Strict');
        expect(attributes(cookieLine(res, 'refreshToken')).samesite).toBe('Strict');
      } finally {
        await t.close();
      }
    });

    it('uses SameSite=None together with Secure when configured', async () => {
      const t = appWith({ sameSite: 'none', secure: true });
      try {
        const { res } = await cookieLogin(t);
        const attrs = attributes(cookieLine(res, 'accessToken'));
        expect(attrs.samesite).toBe('None');
        expect(attrs.secure).toBe(true);
      } finally {
        await t.close();
      }
    });

    it('restricts the refresh cookie to refreshTokenPath and keeps the access cookie on /', async () => {
      const t = appWith({ refreshTokenPath: '/auth/refresh' });
      try {
        const { res } = await cookieLogin(t);
        expect(attributes(cookieLine(res, 'refreshToken')).path).toBe('/auth/refresh');
        expect(attributes(cookieLine(res, 'accessToken')).path).toBe('/');
      } finally {
        await t.close();
      }
    });

    it('uses the configured lifetimes for the cookies', async () => {
      const t = createTestApp({
        config: { accessTokenExpiresIn: '5m', refreshTokenExpiresIn: 3600 },
      });
      try {
        const { res } = await cookieLogin(t);
        expect(attributes(cookieLine(res, 'accessToken'))['max-age']).toBe('300');
        expect(attributes(cookieLine(res, 'refreshToken'))['max-age']).toBe('3600');
      } finally {
        await t.close();
      }
    });
  });

  describe('hostPrefix', () => {
    const t = appWith({ hostPrefix: true });
    const withPath = appWith({ hostPrefix: true, refreshTokenPath: '/auth/refresh' });
    afterAll(async () => {
      await t.close();
      await withPath.close();
    });

    it('names the cookies __Host-accessToken and __Host-refreshToken', async () => {
      const { res } = await cookieLogin(t);
      expect(cookieValue(res, '__Host-accessToken')).toBeDefined();
      expect(cookieValue(res, '__Host-refreshToken')).toBeDefined();
      expect(cookieLine(res, 'accessToken')).toBeUndefined();
      expect(cookieLine(res, 'refreshToken')).toBeUndefined();
    });

    it('gives __Host- cookies Secure, Path=/ and no Domain', async () => {
      const { res } = await cookieLogin(t);
      for (const name of ['__Host-accessToken', '__Host-refreshToken']) {
        const attrs = attributes(cookieLine(res, name));
        expect(attrs.secure).toBe(true);
        expect(attrs.path).toBe('/');
        expect(attrs.domain).toBeUndefined();
        expect(attrs.httponly).toBe(true);
      }
    });

    it('names the refresh cookie __Secure-refreshToken when refreshTokenPath is set', async () => {
      const { res } = await cookieLogin(withPath);
      expect(cookieLine(res, '__Host-refreshToken')).toBeUndefined();
      const attrs = attributes(cookieLine(res, '__Secure-refreshToken'));
      expect(attrs.secure).toBe(true);
      expect(attrs.path).toBe('/auth/refresh');
      expect(attrs.httponly).toBe(true);
      const access = attributes(cookieLine(res, '__Host-accessToken'));
      expect(access.path).toBe('/');
      expect(access.secure).toBe(true);
    });

    it('authenticates with the __Host-accessToken cookie', async () => {
      const { user, res } = await cookieLogin(t);
      const access = cookieValue(res, '__Host-accessToken');
      const me = await request(t.app)
        .get('/api/private')
        .set('Cookie', `__Host-accessToken=${access}`);
      expect(me.status).toBe(200);
      expect(me.body.user.sub).toBe(user.id);
    });

    it('ignores an unprefixed accessToken cookie (which a sibling subdomain could set)', async () => {
      const { res } = await cookieLogin(t);
      const access = cookieValue(res, '__Host-accessToken');
      const me = await request(t.app).get('/api/private').set('Cookie', `accessToken=${access}`);
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('UNAUTHORIZED');
    });

    it('refreshes with the __Host-refreshToken cookie and sets prefixed cookies again', async () => {
      const { res } = await cookieLogin(t);
      const refresh = cookieValue(res, '__Host-refreshToken');
      const next = await request(t.app)
        .post('/auth/refresh')
        .set('Cookie', `__Host-refreshToken=${refresh}`);
      expect(next.status).toBe(200);
      expect(cookieValue(next, '__Host-accessToken')).toBeDefined();
      expect(cookieValue(next, '__Host-refreshToken')).toBeDefined();
    });

    it('refreshes with the __Secure-refreshToken cookie when refreshTokenPath is set', async () => {
      const { res } = await cookieLogin(withPath);
      const refresh = cookieValue(res, '__Secure-refreshToken');
      const next = await request(withPath.app)
        .post('/auth/refresh')
        .set('Cookie', `__Secure-refreshToken=${refresh}`);
      expect(next.status).toBe(200);
      expect(attributes(cookieLine(next, '__Secure-refreshToken')).path).toBe('/auth/refresh');
    });
  });

  describe('Cache-Control: no-store on token responses', () => {
    const t = createTestApp();
    afterAll(() => t.close());

    it('is set on a cookie-mode login', async () => {
      const { res } = await cookieLogin(t);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('is set on a bearer-mode login', async () => {
      const user = await t.createUser();
      const res = await bearerLoginRequest(t.app, user.email);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('is set on a cookie-mode refresh', async () => {
      const { res } = await cookieLogin(t);
      const next = await request(t.app)
        .post('/auth/refresh')
        .set('Cookie', `refreshToken=${cookieValue(res, 'refreshToken')}`);
      expect(next.status).toBe(200);
      expect(next.headers['cache-control']).toBe('no-store');
    });

    it('is set on a bearer-mode refresh', async () => {
      const user = await t.createUser();
      const login = await bearerLoginRequest(t.app, user.email);
      const next = await bearerRefresh(t.app, login.body.refreshToken);
      expect(next.status).toBe(200);
      expect(typeof next.body.accessToken).toBe('string');
      expect(next.headers['cache-control']).toBe('no-store');
    });

    it('is set on a failed refresh and on logout', async () => {
      const failed = await request(t.app)
        .post('/auth/refresh')
        .set('Cookie', 'refreshToken=garbage');
      expect(failed.status).toBe(401);
      expect(failed.headers['cache-control']).toBe('no-store');
      const logout = await request(t.app).post('/auth/logout');
      expect(logout.headers['cache-control']).toBe('no-store');
    });
  });

  describe('refresh in cookie mode', () => {
    const t = createTestApp();
    afterAll(() => t.close());

    it('answers {success:true} and sets new cookies with the same attributes', async () => {
      const { res } = await cookieLogin(t);
      const next = await request(t.app)
        .post('/auth/refresh')
        .set('Cookie', `refreshToken=${cookieValue(res, 'refreshToken')}`);
      expect(next.status).toBe(200);
      expect(next.body).toEqual({ success: true });
      expect(cookieValue(next, 'refreshToken')).not.toBe(cookieValue(res, 'refreshToken'));
      for (const name of ['accessToken', 'refreshToken']) {
        const attrs = attributes(cookieLine(next, name));
        expect(attrs.httponly).toBe(true);
        expect(attrs.samesite).toBe('Lax');
      }
    });

    it('clears the cookies when the refresh token is invalid', async () => {
      const res = await request(t.app).post('/auth/refresh').set('Cookie', 'refreshToken=garbage');
      expect(res.status).toBe(401);
      expect(isClearing(cookieLine(res, 'accessToken'))).toBe(true);
      expect(isClearing(cookieLine(res, 'refreshToken'))).toBe(true);
    });
  });

  describe('logout', () => {
    it('clears both cookies with matching attributes', async () => {
      const t = createTestApp();
      try {
        const { res } = await cookieLogin(t);
        const out = await request(t.app)
          .post('/auth/logout')
          .set('Cookie', [
            `accessToken=${cookieValue(res, 'accessToken')}`,
            `refreshToken=${cookieValue(res, 'refreshToken')}`,
          ]);
        expect(out.status).toBe(200);
        expect(out.body).toEqual({ success: true });
        const access = cookieLine(out, 'accessToken');
        const refresh = cookieLine(out, 'refreshToken');
        expect(isClearing(access)).toBe(true);
        expect(isClearing(refresh)).toBe(true);
        expect(attributes(access).path).toBe('/');
        expect(attributes(refresh).path).toBe('/');
      } finally {
        await t.close();
      }
    });

    it('clears cookies on the configured Domain and refresh Path (or the browser keeps them)', async () => {
      const t = appWith({ domain: 'example.test', refreshTokenPath: '/auth/refresh' });
      try {
        const { res } = await cookieLogin(t);
        const out = await request(t.app)
          .post('/auth/logout')
          .set('Cookie', `accessToken=${cookieValue(res, 'accessToken')}`);
        const refresh = cookieLine(out, 'refreshToken');
        expect(isClearing(refresh)).toBe(true);
        expect(attributes(refresh).path).toBe('/auth/refresh');
        expect(attributes(refresh).domain).toBe('example.test');
        expect(attributes(cookieLine(out, 'accessToken')).domain).toBe('example.test');
      } finally {
        await t.close();
      }
    });

    it('clears the __Host- cookies', async () => {
      const t = appWith({ hostPrefix: true });
      try {
        const { res } = await cookieLogin(t);
        const out = await request(t.app)
          .post('/auth/logout')
          .set('Cookie', `__Host-accessToken=${cookieValue(res, '__Host-accessToken')}`);
        expect(isClearing(cookieLine(out, '__Host-accessToken'))).toBe(true);
        expect(isClearing(cookieLine(out, '__Host-refreshToken'))).toBe(true);
        expect(attributes(cookieLine(out, '__Host-accessToken')).secure).toBe(true);
      } finally {
        await t.close();
      }
    });

    it('clears the cookies even without a session', async () => {
      const t = createTestApp();
      try {
        const out = await request(t.app).post('/auth/logout');
        expect(out.status).toBe(200);
        expect(isClearing(cookieLine(out, 'accessToken'))).toBe(true);
        expect(isClearing(cookieLine(out, 'refreshToken'))).toBe(true);
      } finally {
        await t.close();
      }
    });

    it('ends the session: the old refresh cookie no longer works', async () => {
      const t = createTestApp();
      try {
        const { res } = await cookieLogin(t);
        const refresh = cookieValue(res, 'refreshToken');
        await request(t.app)
          .post('/auth/logout')
          .set('Cookie', `accessToken=${cookieValue(res, 'accessToken')}`)
          .expect(200);
        const again = await request(t.app)
          .post('/auth/refresh')
          .set('Cookie', `refreshToken=${refresh}`);
        expect(again.status).toBe(401);
      } finally {
        await t.close();
      }
    });

    it('signs a cookie jar out: the protected route answers 401 after logout', async () => {
      // The jar, like a browser, sends Secure cookies only over https; the test server is http.
      const t = appWith({ secure: false });
      try {
        const user = await t.createUser();
        const agent = request.agent(t.app);
        await agent.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
        await agent.get('/api/private').expect(200);
        await agent.post('/auth/logout').expect(200);
        const after = await agent.get('/api/private');
        expect(after.status).toBe(401);
        expect(after.body.code).toBe('UNAUTHORIZED');
      } finally {
        await t.close();
      }
    });
  });
});

describe('SameSite=None without an explicit secure flag', () => {
  const t = createTestApp({ config: { cookieOptions: { sameSite: 'none' } } });
  afterAll(() => t.close());

  it('still marks the cookies Secure, since browsers drop SameSite=None cookies that are not', async () => {
    const user = await t.createUser();
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(cookieLine(res, 'accessToken')).toMatch(/;\s*Secure/i);
    expect(cookieLine(res, 'refreshToken')).toMatch(/SameSite=None/i);
    expect(cookieLine(res, 'refreshToken')).toMatch(/;\s*Secure/i);
  });
});
