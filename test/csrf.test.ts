import request from 'supertest';
import {
  PASSWORD,
  bearerLogin,
  cookieLine,
  cookieValue,
  createTestApp,
  bearerLoginRequest,
  bearerRefresh,
} from './helpers/app';

// The cookie jars below, like a browser, send Secure cookies only over https; the test server is
// plain http, so these apps leave Secure off (tested in cookies.secure.test.ts).
const PLAIN_HTTP = { secure: false } as const;

describe('CSRF protection (csrf.enabled)', () => {
  const t = createTestApp({ config: { csrf: { enabled: true }, cookieOptions: PLAIN_HTTP } });
  afterAll(() => t.close());

  /** Logs in in cookie mode; returns the cookies and the csrf token. */
  async function cookieSession() {
    const user = await t.createUser();
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
    const access = cookieValue(res, 'accessToken')!;
    const refresh = cookieValue(res, 'refreshToken')!;
    const csrf = cookieValue(res, 'csrf-token')!;
    expect(access && refresh && csrf).toBeTruthy();
    return { user, res, access, refresh, csrf };
  }

  /** Logs in through a cookie jar; returns the jar and the csrf token. */
  async function agentSession() {
    const user = await t.createUser();
    const agent = request.agent(t.app);
    const res = await agent.post('/auth/login').send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
    return { user, agent, csrf: cookieValue(res, 'csrf-token')! };
  }

  describe('the csrf cookie', () => {
    it('is set on a cookie-mode login and readable by scripts (not HttpOnly)', async () => {
      const { res, csrf } = await cookieSession();
      const line = cookieLine(res, 'csrf-token')!;
      expect(csrf.length).toBeGreaterThan(20);
      expect(line).not.toMatch(/;\s*HttpOnly/i);
      expect(line).toMatch(/;\s*Path=\/(;|$)/);
      expect(line).toMatch(/;\s*SameSite=Lax/i);
      // The token cookies stay HttpOnly.
      expect(cookieLine(res, 'accessToken')).toMatch(/;\s*HttpOnly/i);
    });

    it('differs between logins', async () => {
      const a = await cookieSession();
      const b = await cookieSession();
      expect(a.csrf).not.toBe(b.csrf);
    });

    it('is not set on a bearer-mode login', async () => {
      const user = await t.createUser();
      const res = await bearerLoginRequest(t.app, user.email);
      expect(res.status).toBe(200);
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('cookie-authenticated requests to a protected route', () => {
    it('refuses a POST without X-CSRF-Token with 403 CSRF_INVALID', async () => {
      const { agent } = await agentSession();
      const res = await agent.post('/api/private').send({});
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: expect.any(String), code: 'CSRF_INVALID' });
    });

    it('refuses a POST with a wrong X-CSRF-Token', async () => {
      const { agent, csrf } = await agentSession();
      for (const wrong of ['wrong', `${csrf}x`, csrf.slice(0, -1), csrf.toUpperCase()]) {
        if (wrong === csrf) continue;
        const res = await agent.post('/api/private').set('X-CSRF-Token', wrong).send({});
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('CSRF_INVALID');
      }
    });

    it('accepts a POST with the right X-CSRF-Token', async () => {
      const { agent, csrf, user } = await agentSession();
      const res = await agent.post('/api/private').set('X-CSRF-Token', csrf).send({});
      expect(res.status).toBe(200);
      expect(res.body.user.sub).toBe(user.id);
    });

    it('needs no header for a GET', async () => {
      const { agent, user } = await agentSession();
      const res = await agent.get('/api/private');
      expect(res.status).toBe(200);
      expect(res.body.user.sub).toBe(user.id);
    });

    it('refuses the right header when the csrf cookie is missing', async () => {
      const { access, csrf } = await cookieSession();
      const res = await request(t.app)
        .post('/api/private')
        .set('Cookie', `accessToken=${access}`)
        .set('X-CSRF-Token', csrf)
        .send({});
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CSRF_INVALID');
    });

    it('refuses a header that differs from the csrf cookie', async () => {
      const first = await cookieSession();
      const res = await request(t.app)
        .post('/api/private')
        .set('Cookie', [`accessToken=${first.access}`, `csrf-token=${first.csrf}`])
        .set('X-CSRF-Token', 'a.b')
        .send({});
      expect(res.status).toBe(403);
    });

    it('refuses a made-up token even when cookie and header carry the same value', async () => {
      const { access } = await cookieSession();
      for (const forged of ['attacker-chosen', 'nonce.signature', '.']) {
        const res = await request(t.app)
          .post('/api/private')
          .set('Cookie', [`accessToken=${access}`, `csrf-token=${forged}`])
          .set('X-CSRF-Token', forged)
          .send({});
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('CSRF_INVALID');
      }
    });

    it("refuses user A's csrf token for user B even when cookie and header both carry it", async () => {
      const a = await cookieSession();
      const b = await cookieSession();
      const res = await request(t.app)
        .post('/api/private')
        .set('Cookie', [`accessToken=${b.access}`, `csrf-token=${a.csrf}`])
        .set('X-CSRF-Token', a.csrf)
        .send({});
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CSRF_INVALID');
      // Control: B's own token passes with the same request shape.
      const own = await request(t.app)
        .post('/api/private')
        .set('Cookie', [`accessToken=${b.access}`, `csrf-token=${b.csrf}`])
        .set('X-CSRF-Token', b.csrf)
        .send({});
      expect(own.status).toBe(200);
      expect(own.body.user.sub).toBe(b.user.id);
    });
  });

  describe('bearer-authenticated requests', () => {
    it('need no CSRF header for a POST', async () => {
      const user = await t.createUser();
      const { accessToken } = await bearerLogin(t.app, user.email);
      const res = await request(t.app)
        .post('/api/private')
        .set('Authorization', `Bearer ${accessToken}`)
        .send({});
      expect(res.status).toBe(200);
      expect(res.body.user.sub).toBe(user.id);
    });

    it('need no CSRF header even when stray cookies are present', async () => {
      const user = await t.createUser();
      const { accessToken } = await bearerLogin(t.app, user.email);
      const { access } = await cookieSession();
      const res = await request(t.app)
        .post('/api/private')
        .set('Authorization', `Bearer ${accessToken}`)
        .set('Cookie', `accessToken=${access}`)
        .send({});
      expect(res.status).toBe(200);
      expect(res.body.user.sub).toBe(user.id);
    });
  });

  describe('/auth/refresh in cookie mode', () => {
    it('refuses a refresh without X-CSRF-Token with 403 and keeps the session usable', async () => {
      const { agent, csrf } = await agentSession();
      const refused = await agent.post('/auth/refresh');
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('CSRF_INVALID');
      // A CSRF failure must not sign the user out: no cookie is cleared, refresh still works.
      expect(cookieLine(refused, 'refreshToken')).toBeUndefined();
      const ok = await agent.post('/auth/refresh').set('X-CSRF-Token', csrf);
      expect(ok.status).toBe(200);
    });

    it('refuses a refresh with a wrong X-CSRF-Token', async () => {
      const { agent } = await agentSession();
      const res = await agent.post('/auth/refresh').set('X-CSRF-Token', 'wrong');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CSRF_INVALID');
    });

    it("refuses another user's csrf token on refresh", async () => {
      const a = await cookieSession();
      const b = await cookieSession();
      const res = await request(t.app)
        .post('/auth/refresh')
        .set('Cookie', [`refreshToken=${b.refresh}`, `csrf-token=${a.csrf}`])
        .set('X-CSRF-Token', a.csrf);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CSRF_INVALID');
    });

    it('refreshes with the right header and issues a fresh csrf cookie that works', async () => {
      const { agent, csrf, user } = await agentSession();
      const res = await agent.post('/auth/refresh').set('X-CSRF-Token', csrf);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true });
      const next = cookieValue(res, 'csrf-token');
      expect(next).toBeDefined();
      const post = await agent.post('/api/private').set('X-CSRF-Token', next!).send({});
      expect(post.status).toBe(200);
      expect(post.body.user.sub).toBe(user.id);
    });

    it('needs no header when the refresh token comes in the body', async () => {
      const user = await t.createUser();
      const { refreshToken } = await bearerLogin(t.app, user.email);
      const res = await bearerRefresh(t.app, refreshToken);
      expect(res.status).toBe(200);
      expect(typeof res.body.accessToken).toBe('string');
    });
  });

  describe('/auth/logout in cookie mode', () => {
    it('refuses a logout without X-CSRF-Token with 403 and leaves the session alive', async () => {
      const { agent, user } = await agentSession();
      const res = await agent.post('/auth/logout');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CSRF_INVALID');
      const still = await agent.get('/api/private');
      expect(still.status).toBe(200);
      expect(still.body.user.sub).toBe(user.id);
    });

    it('refuses a logout with only the refresh cookie and no header', async () => {
      const { refresh } = await cookieSession();
      const res = await request(t.app)
        .post('/auth/logout')
        .set('Cookie', `refreshToken=${refresh}`);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CSRF_INVALID');
    });

    it('logs out with the right header and clears the csrf cookie as well', async () => {
      const { agent, csrf } = await agentSession();
      const res = await agent.post('/auth/logout').set('X-CSRF-Token', csrf);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true });
      for (const name of ['accessToken', 'refreshToken', 'csrf-token']) {
        expect(cookieLine(res, name)).toMatch(new RegExp(`^${name}=;`));
      }
      const after = await agent.get('/api/private');
      expect(after.status).toBe(401);
    });

    it('needs no header for a bearer logout', async () => {
      const user = await t.createUser();
      const { accessToken, refreshToken } = await bearerLogin(t.app, user.email);
      const res = await request(t.app)
        .post('/auth/logout')
        .set('Authorization', `Bearer ${accessToken}`);
      expect(res.status).toBe(200);
      const refresh = await bearerRefresh(t.app, refreshToken);
      expect(refresh.status).toBe(401);
    });
  });
});

describe('CSRF protection off (default)', () => {
  const t = createTestApp({ config: { cookieOptions: PLAIN_HTTP } });
  afterAll(() => t.close());

  it('accepts a cookie-authenticated POST without a header', async () => {
    const user = await t.createUser();
    const agent = request.agent(t.app);
    const login = await agent.post('/auth/login').send({ email: user.email, password: PASSWORD });
    expect(cookieLine(login, 'csrf-token')).toBeUndefined();
    const res = await agent.post('/api/private').send({});
    expect(res.status).toBe(200);
  });
});
