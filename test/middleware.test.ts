import express from 'express';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { TokenService, type AuthConfig } from 'keyward';
import {
  ACCESS_SECRET,
  PASSWORD,
  REFRESH_SECRET,
  bearerLogin,
  cookieValue,
  createTestApp,
  bearerRefresh,
} from './helpers/app';
import { advanceClock, fakeDateOnly } from './helpers/clock';

const OTHER_SECRET = 'some-other-secret-0123456789abcdef0123456789ab';
const now = () => Math.floor(Date.now() / 1000);

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Claims that pass every check when signed with ACCESS_SECRET and HS256. */
function accessClaims(sub: string, extra: Record<string, unknown> = {}) {
  return { sub, typ: 'access', email: 'x@example.test', iat: now(), exp: now() + 600, ...extra };
}

function hs256(claims: object, secret = ACCESS_SECRET): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256' });
}

describe('auth middleware on /api/private', () => {
  const t = createTestApp();
  afterAll(() => t.close());

  const get = (token: string) =>
    request(t.app).get('/api/private').set('Authorization', `Bearer ${token}`);

  async function expectRefused(token: string, code = 'INVALID_TOKEN') {
    const res = await get(token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: expect.any(String), code });
    expect(res.body.user).toBeUndefined();
  }

  describe('accepts', () => {
    it('a valid bearer token and exposes its claims as req.user', async () => {
      const user = await t.createUser({ role: 'admin', firstName: 'Ada' });
      const { accessToken } = await bearerLogin(t.app, user.email);
      const res = await get(accessToken);
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({
        sub: user.id,
        email: user.email,
        role: 'admin',
        typ: 'access',
        sid: expect.any(String),
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
    });

    it('the bearer scheme written in any case', async () => {
      const user = await t.createUser();
      const { accessToken } = await bearerLogin(t.app, user.email);
      const res = await request(t.app)
        .get('/api/private')
        .set('Authorization', `bearer ${accessToken}`);
      expect(res.status).toBe(200);
      expect(res.body.user.sub).toBe(user.id);
    });

    it('the access cookie set by a cookie-mode login', async () => {
      const user = await t.createUser();
      const login = await request(t.app)
        .post('/auth/login')
        .send({ email: user.email, password: PASSWORD });
      const access = cookieValue(login, 'accessToken');
      expect(access).toBeDefined();
      const res = await request(t.app).get('/api/private').set('Cookie', `accessToken=${access}`);
      expect(res.status).toBe(200);
      expect(res.body.user.sub).toBe(user.id);
    });

    it('the access cookie on a POST when CSRF protection is off (the default)', async () => {
      // The jar, like a browser, sends Secure cookies only over https; the test server is http.
      const plain = createTestApp({ config: { cookieOptions: { secure: false } } });
      try {
        const user = await plain.createUser();
        const agent = request.agent(plain.app);
        await agent.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
        const res = await agent.post('/api/private').send({});
        expect(res.status).toBe(200);
        expect(res.body.user.sub).toBe(user.id);
      } finally {
        await plain.close();
      }
    });

    it('a hand-signed HS256 token with the right secret and claims (control for the refusals below)', async () => {
      const res = await get(hs256(accessClaims('hand-made-user')));
      expect(res.status).toBe(200);
      expect(res.body.user.sub).toBe('hand-made-user');
    });
  });

  describe('refuses', () => {
    it('a request without any token with 401 UNAUTHORIZED', async () => {
      const res = await request(t.app).get('/api/private');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: expect.any(String), code: 'UNAUTHORIZED' });
    });

    it('an Authorization header that is not a bearer token', async () => {
      const basic = await request(t.app)
        .get('/api/private')
        .set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`);
      expect(basic.status).toBe(401);
      expect(basic.body.code).toBe('UNAUTHORIZED');
      const empty = await request(t.app).get('/api/private').set('Authorization', 'Bearer    ');
      expect(empty.status).toBe(401);
      expect(empty.body.code).toBe('UNAUTHORIZED');
    });

    it('a garbage bearer token', async () => {
      await expectRefused('not-a-jwt');
      await expectRefused('a.b.c');
    });

    it('a token signed with alg none', async () => {
      const claims = accessClaims('attacker');
      const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
      await expectRefused(unsigned);
      // Also with a signature part left in place, and with the alg name in other cases.
      const valid = hs256(claims);
      const signature = valid.split('.')[2]!;
      await expectRefused(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.${signature}`);
      await expectRefused(`${b64url({ alg: 'None', typ: 'JWT' })}.${b64url(claims)}.`);
      await expectRefused(`${b64url({ alg: 'NONE', typ: 'JWT' })}.${b64url(claims)}.`);
    });

    it('a token signed with another secret', async () => {
      await expectRefused(hs256(accessClaims('attacker'), OTHER_SECRET));
    });

    it('a token whose payload was altered after signing', async () => {
      const user = await t.createUser();
      const { accessToken } = await bearerLogin(t.app, user.email);
      const [header, , signature] = accessToken.split('.');
      const forged = { ...(jwt.decode(accessToken) as Record<string, unknown>), role: 'admin' };
      await expectRefused(`${header}.${b64url(forged)}.${signature}`);
    });

    it('an HS512 token signed with the right secret', async () => {
      await expectRefused(
        jwt.sign(accessClaims('attacker'), ACCESS_SECRET, { algorithm: 'HS512' }),
      );
    });

    it('an HS384 token signed with the right secret', async () => {
      await expectRefused(
        jwt.sign(accessClaims('attacker'), ACCESS_SECRET, { algorithm: 'HS384' }),
      );
    });

    it('an RS256 token', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await expectRefused(jwt.sign(accessClaims('attacker'), privateKey, { algorithm: 'RS256' }));
    });

    it('an expired token with 401 TOKEN_EXPIRED', async () => {
      const expired = hs256(accessClaims('someone', { iat: now() - 3600, exp: now() - 60 }));
      await expectRefused(expired, 'TOKEN_EXPIRED');
    });

    it('an expired token signed with another secret as INVALID_TOKEN, not TOKEN_EXPIRED', async () => {
      const expired = hs256(
        accessClaims('someone', { iat: now() - 3600, exp: now() - 60 }),
        OTHER_SECRET,
      );
      await expectRefused(expired, 'INVALID_TOKEN');
    });

    it('a token that is not valid yet (nbf in the future)', async () => {
      await expectRefused(hs256(accessClaims('someone', { nbf: now() + 600 })));
    });

    it('a refresh token presented as an access token', async () => {
      const user = await t.createUser();
      const { refreshToken } = await bearerLogin(t.app, user.email);
      await expectRefused(refreshToken);
    });

    it('a refresh-shaped token signed with the access secret', async () => {
      await expectRefused(
        hs256({ sub: 'someone', sid: 's', jti: 'j', typ: 'refresh', iat: now(), exp: now() + 600 }),
      );
    });

    it("a token whose typ claim is not 'access'", async () => {
      for (const typ of ['refresh', 'temp', '2fa', 'ACCESS', '', null, 1]) {
        await expectRefused(hs256(accessClaims('someone', { typ })));
      }
      const withoutTyp: Record<string, unknown> = accessClaims('someone');
      delete withoutTyp.typ;
      await expectRefused(hs256(withoutTyp));
    });

    it('a token without a string subject', async () => {
      await expectRefused(hs256(accessClaims('x', { sub: 42 })));
      const withoutSub: Record<string, unknown> = accessClaims('x');
      delete withoutSub.sub;
      await expectRefused(hs256(withoutSub));
    });

    it('an invalid bearer token even when a valid access cookie is present', async () => {
      const user = await t.createUser();
      const login = await request(t.app)
        .post('/auth/login')
        .send({ email: user.email, password: PASSWORD });
      const access = cookieValue(login, 'accessToken');
      const res = await request(t.app)
        .get('/api/private')
        .set('Authorization', `Bearer ${hs256(accessClaims('x'), OTHER_SECRET)}`)
        .set('Cookie', `accessToken=${access}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_TOKEN');
    });

    it('a forged access cookie', async () => {
      const res = await request(t.app)
        .get('/api/private')
        .set('Cookie', `accessToken=${hs256(accessClaims('attacker'), OTHER_SECRET)}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_TOKEN');
    });

    it('a refresh token in the access cookie', async () => {
      const user = await t.createUser();
      const login = await request(t.app)
        .post('/auth/login')
        .send({ email: user.email, password: PASSWORD });
      const refresh = cookieValue(login, 'refreshToken');
      const res = await request(t.app).get('/api/private').set('Cookie', `accessToken=${refresh}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_TOKEN');
    });
  });
});

describe('TokenService.verifyAccessToken(token, config) (reference style)', () => {
  const t = createTestApp();
  afterAll(() => t.close());
  const config: AuthConfig = {
    accessTokenSecret: ACCESS_SECRET,
    refreshTokenSecret: REFRESH_SECRET,
  };

  it('returns the payload of a valid access token', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const payload = new TokenService().verifyAccessToken(accessToken, config);
    expect(payload).toMatchObject({ sub: user.id, email: user.email, typ: 'access' });
  });

  it('works the same through the configurator’s token service without a config argument', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    expect(t.auth.tokenService.verifyAccessToken(accessToken)?.sub).toBe(user.id);
  });

  it('returns null for a refresh token, an expired token, a foreign token and garbage', async () => {
    const user = await t.createUser();
    const { refreshToken } = await bearerLogin(t.app, user.email);
    const service = new TokenService();
    expect(service.verifyAccessToken(refreshToken, config)).toBeNull();
    expect(
      service.verifyAccessToken(
        hs256(accessClaims('x', { iat: now() - 100, exp: now() - 10 })),
        config,
      ),
    ).toBeNull();
    expect(service.verifyAccessToken(hs256(accessClaims('x'), OTHER_SECRET), config)).toBeNull();
    expect(
      service.verifyAccessToken(hs256(accessClaims('x', { typ: 'refresh' })), config),
    ).toBeNull();
    expect(service.verifyAccessToken('garbage', config)).toBeNull();
    expect(
      service.verifyAccessToken(`${b64url({ alg: 'none' })}.${b64url(accessClaims('x'))}.`, config),
    ).toBeNull();
  });

  it('returns null when verified with a config holding another secret', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const other: AuthConfig = {
      accessTokenSecret: OTHER_SECRET,
      refreshTokenSecret: REFRESH_SECRET,
    };
    expect(new TokenService().verifyAccessToken(accessToken, other)).toBeNull();
  });

  it('tells expired apart from invalid through checkAccessToken', () => {
    const service = new TokenService(config);
    expect(
      service.checkAccessToken(hs256(accessClaims('x', { iat: now() - 100, exp: now() - 10 }))),
    ).toEqual({
      ok: false,
      code: 'TOKEN_EXPIRED',
    });
    expect(service.checkAccessToken(hs256(accessClaims('x'), OTHER_SECRET))).toEqual({
      ok: false,
      code: 'INVALID_TOKEN',
    });
  });

  it('signs access tokens the middleware accepts', async () => {
    const token = new TokenService().signAccessToken({ sub: 'service-user', plan: 'pro' }, config);
    const res = await request(t.app).get('/api/private').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ sub: 'service-user', plan: 'pro', typ: 'access' });
  });
});

describe('buildTokenPayload claims', () => {
  const t = createTestApp({
    config: {
      buildTokenPayload: (user) => ({
        plan: 'pro',
        tenantId: 'tenant-1',
        displayName: `${user.firstName ?? ''}!`,
        sub: 'someone-else',
        typ: 'refresh',
        sid: 'forged-session',
        exp: 1,
        iat: 1,
      }),
    },
  });
  afterAll(() => t.close());

  it('appear in req.user', async () => {
    const user = await t.createUser({ firstName: 'Grace' });
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      plan: 'pro',
      tenantId: 'tenant-1',
      displayName: 'Grace!',
    });
  });

  it('cannot override sub, typ, sid, exp or iat', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(200);
    const claims = res.body.user;
    expect(claims.sub).toBe(user.id);
    expect(claims.typ).toBe('access');
    expect(claims.sid).not.toBe('forged-session');
    expect(claims.sid).toEqual(expect.any(String));
    expect(claims.exp).toBeGreaterThan(now());
    expect(claims.iat).toBeGreaterThan(1);
  });

  it('do not break the session: the sid is the real session, refresh still works', async () => {
    const user = await t.createUser();
    const { refreshToken } = await bearerLogin(t.app, user.email);
    const res = await bearerRefresh(t.app, refreshToken);
    expect(res.status).toBe(200);
    const me = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(me.body.user.sub).toBe(user.id);
    expect(me.body.user.plan).toBe('pro');
  });
});

describe('tokens already verified once', () => {
  const t = createTestApp();
  afterAll(() => t.close());
  const sign = (exp: number) =>
    jwt.sign({ sub: 'user-1', typ: 'access', exp }, ACCESS_SECRET, { algorithm: 'HS256' });

  afterEach(() => jest.useRealTimers());

  it('are refused once they expire, even after passing before', async () => {
    // A minute of life: the first request passes however slow the machine; then the clock moves.
    const token = sign(now() + 60);
    const first = await request(t.app).get('/api/private').set('Authorization', `Bearer ${token}`);
    expect(first.status).toBe(200);
    fakeDateOnly();
    advanceClock(61_000);
    const later = await request(t.app).get('/api/private').set('Authorization', `Bearer ${token}`);
    expect(later.status).toBe(401);
    expect(later.body.code).toBe('TOKEN_EXPIRED');
  });

  it('give each request its own copy of the claims', async () => {
    const app = express();
    app.get('/mutate', t.auth.middleware(), (req, res) => {
      const seen = req.user!.role;
      req.user!.role = 'admin';
      res.json({ seen });
    });
    const token = sign(now() + 600);
    for (let i = 0; i < 2; i++) {
      const res = await request(app).get('/mutate').set('Authorization', `Bearer ${token}`);
      expect(res.body).toEqual({});
    }
  });
});
