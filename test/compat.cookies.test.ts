import express from 'express';
import request from 'supertest';
import type { AuthConfig } from 'keyward';
import {
  PASSWORD,
  SITE_URL,
  appFactory,
  cookieLine,
  cookieValue,
  setCookies,
  type TestApp,
} from './helpers/app';

const app = appFactory();

/** A Set-Cookie line without its value and expiry, which differ between two logins. */
function attributesOf(line: string | undefined): string[] {
  expect(line).toBeDefined();
  const [nameValue = '', ...attrs] = line!.split(';').map((s) => s.trim());
  const name = nameValue.slice(0, nameValue.indexOf('='));
  return [
    name,
    ...attrs.filter((a) => !/^(expires|max-age)=/i.test(a)).map((a) => a.toLowerCase()),
  ].sort();
}

/** The request's Cookie header made of the response's cookies. */
function cookieHeader(res: request.Response, names: string[]): string {
  return names.map((n) => `${n}=${cookieValue(res, n)!}`).join('; ');
}

/**
 * The reference's custom route: sign the user in with the token service's helpers, exactly as
 * its documentation writes the calls.
 */
function addCustomRoutes(t: TestApp, config: AuthConfig): void {
  const { tokenService, passwordService } = t.auth;
  t.app.post('/custom/login', express.json(), async (req, res) => {
    const user = await t.store.findByEmail(String(req.body.email));
    if (!user?.password || !(await passwordService.compare(req.body.password, user.password))) {
      res.status(401).json({ error: 'Invalid credentials' });
      return;
    }
    const tokens = tokenService.generateTokenPair({ sub: user.id, email: user.email }, config);
    tokenService.setTokenCookies(res, tokens, config);
    res.json({ success: true });
  });
  t.app.post('/custom/logout', (_req, res) => {
    tokenService.clearTokenCookies(res, config);
    res.json({ success: true });
  });
  t.app.get('/custom/token', (req, res) => {
    res.json({
      access: tokenService.extractTokenFromCookie(req, 'accessToken', config),
      refresh: tokenService.extractTokenFromCookie(req, 'refreshToken', config),
    });
  });
  t.app.post('/custom/csrf', t.auth.middleware(), (req, res) => {
    res.json({ token: tokenService.initCsrfToken(res, req.user!.sub, config) });
  });
}

describe.each([
  {
    label: 'plain names, csrf on',
    config: { csrf: { enabled: true }, cookieOptions: { secure: false } },
    names: { access: 'accessToken', refresh: 'refreshToken', csrf: 'csrf-token' },
  },
  {
    label: '__Host-/__Secure- prefixes, refresh cookie on /auth/refresh, csrf on',
    config: {
      csrf: { enabled: true },
      cookieOptions: { hostPrefix: true, refreshTokenPath: '/auth/refresh' },
    },
    names: {
      access: '__Host-accessToken',
      refresh: '__Secure-refreshToken',
      csrf: '__Host-csrf-token',
    },
  },
] as const)('tokenService cookie helpers ($label)', ({ config: extra, names }) => {
  const t = app({ config: extra });
  // The config as the app wrote it (what the reference passes to each call).
  const config = t.auth.config.source;
  addCustomRoutes(t, config);
  const all = [names.access, names.refresh, names.csrf];

  async function customLogin() {
    const user = await t.createUser();
    const res = await request(t.app)
      .post('/custom/login')
      .send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
    return { user, res };
  }

  it('writes the same cookies, with the same attributes, as the router', async () => {
    const { user, res } = await customLogin();
    const routerLogin = await request(t.app)
      .post('/auth/login')
      .set('Origin', SITE_URL)
      .send({ email: user.email, password: PASSWORD });
    expect(routerLogin.status).toBe(200);
    for (const name of all) {
      expect(attributesOf(cookieLine(res, name))).toEqual(
        attributesOf(cookieLine(routerLogin, name)),
      );
    }
    expect(setCookies(res)).toHaveLength(3);
  });

  it("is accepted by the router's middleware, with its CSRF check", async () => {
    const { user, res } = await customLogin();
    const cookie = cookieHeader(res, [names.access, names.csrf]);
    const read = await request(t.app).get('/api/private').set('Cookie', cookie);
    expect(read.status).toBe(200);
    expect(read.body.user.sub).toBe(user.id);

    const forged = await request(t.app)
      .post('/api/private')
      .set('Origin', SITE_URL)
      .set('Cookie', cookie);
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('CSRF_INVALID');

    const write = await request(t.app)
      .post('/api/private')
      .set('Origin', SITE_URL)
      .set('Cookie', cookie)
      .set('X-CSRF-Token', cookieValue(res, names.csrf)!);
    expect(write.status).toBe(200);
  });

  it('is refreshed by POST /auth/refresh once, then refused as reused', async () => {
    const { res } = await customLogin();
    const cookie = cookieHeader(res, [names.refresh, names.csrf]);
    const csrf = cookieValue(res, names.csrf)!;
    const refresh = () =>
      request(t.app)
        .post('/auth/refresh')
        .set('Origin', SITE_URL)
        .set('Cookie', cookie)
        .set('X-CSRF-Token', csrf);
    const first = await refresh();
    expect(first.status).toBe(200);
    expect(cookieValue(first, names.access)).toBeTruthy();
    expect(cookieValue(first, names.refresh)).not.toBe(cookieValue(res, names.refresh));
    const again = await refresh();
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('refuses the refresh without the CSRF header', async () => {
    const { res } = await customLogin();
    const refused = await request(t.app)
      .post('/auth/refresh')
      .set('Origin', SITE_URL)
      .set('Cookie', cookieHeader(res, [names.refresh, names.csrf]));
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('CSRF_INVALID');
  });

  it('extractTokenFromCookie reads the configured (prefixed) names', async () => {
    const { res } = await customLogin();
    const read = await request(t.app)
      .get('/custom/token')
      .set('Cookie', cookieHeader(res, [names.access, names.refresh]));
    expect(read.body).toEqual({
      access: cookieValue(res, names.access),
      refresh: cookieValue(res, names.refresh),
    });
    const none = await request(t.app).get('/custom/token').set('Cookie', 'accessToken=x');
    expect(none.body.access).toBe(names.access === 'accessToken' ? 'x' : null);
  });

  it('initCsrfToken sets a csrf cookie the middleware accepts for that user', async () => {
    const { res } = await customLogin();
    const access = `${names.access}=${cookieValue(res, names.access)!}`;
    const init = await request(t.app)
      .post('/custom/csrf')
      .set('Origin', SITE_URL)
      .set('Cookie', `${access}; ${names.csrf}=${cookieValue(res, names.csrf)!}`)
      .set('X-CSRF-Token', cookieValue(res, names.csrf)!);
    expect(init.status).toBe(200);
    const fresh = cookieValue(init, names.csrf)!;
    expect(fresh).toBe(init.body.token);
    const write = await request(t.app)
      .post('/api/private')
      .set('Origin', SITE_URL)
      .set('Cookie', `${access}; ${names.csrf}=${fresh}`)
      .set('X-CSRF-Token', fresh);
    expect(write.status).toBe(200);
  });

  it('clearTokenCookies removes exactly the cookies the router removes on logout', async () => {
    const custom = await request(t.app).post('/custom/logout');
    const routerLogout = await request(t.app).post('/auth/logout').set('Origin', SITE_URL);
    expect(routerLogout.status).toBe(200);
    const cleared = setCookies(custom);
    expect(cleared.map((l) => l.slice(0, l.indexOf('='))).sort()).toEqual([...all].sort());
    for (const name of all) {
      expect(cookieLine(custom, name)).toMatch(/Expires=Thu, 01 Jan 1970/);
      expect(attributesOf(cookieLine(custom, name))).toEqual(
        attributesOf(cookieLine(routerLogout, name)),
      );
    }
  });
});

describe('tokenService.generateSecureToken', () => {
  const t = app();

  it('gives distinct random base64url tokens of the asked size', () => {
    const a = t.auth.tokenService.generateSecureToken();
    const b = t.auth.tokenService.generateSecureToken();
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(Buffer.from(t.auth.tokenService.generateSecureToken(48), 'base64url')).toHaveLength(48);
    expect(() => t.auth.tokenService.generateSecureToken(4)).toThrow(RangeError);
  });
});
