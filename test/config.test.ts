import jwt from 'jsonwebtoken';
import request from 'supertest';
import express from 'express';
import {
  AuthConfigError,
  AuthConfigurator,
  InMemoryUserStore,
  createAuthMiddleware,
  createAuthRouter,
  type AuthConfig,
} from 'keyward';
import {
  ACCESS_SECRET,
  REFRESH_SECRET,
  bearerLogin,
  createTestApp,
  bearerLoginRequest,
} from './helpers/app';

const valid: AuthConfig = { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET };

/** A copy of `obj` without `key`. */
function without<T extends object, K extends keyof T>(obj: T, key: K): Omit<T, K> {
  const copy: Partial<T> = { ...obj };
  delete copy[key];
  return copy as Omit<T, K>;
}

/** Builds a configurator from `config` and returns the AuthConfigError it throws. */
function configError(config: unknown): AuthConfigError {
  let auth: AuthConfigurator | undefined;
  try {
    auth = new AuthConfigurator(config as AuthConfig, new InMemoryUserStore());
  } catch (err) {
    expect(err).toBeInstanceOf(AuthConfigError);
    return err as AuthConfigError;
  }
  void auth.close();
  throw new Error('expected an AuthConfigError, but the configuration was accepted');
}

/** Problems whose text contains `needle`. */
function naming(err: AuthConfigError, needle: string | RegExp): string[] {
  return err.problems.filter((p) =>
    typeof needle === 'string' ? p.includes(needle) : needle.test(p),
  );
}

describe('AuthConfigurator configuration validation', () => {
  describe('AuthConfigError', () => {
    it('is an Error named AuthConfigError with a problems array and a message listing them', () => {
      const err = configError({ ...valid, accessTokenSecret: 'short' });
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe('AuthConfigError');
      expect(Array.isArray(err.problems)).toBe(true);
      expect(err.problems.length).toBeGreaterThan(0);
      for (const problem of err.problems) expect(err.message).toContain(problem);
    });
  });

  describe('secrets', () => {
    it('refuses a missing accessTokenSecret', () => {
      const err = configError(without(valid, 'accessTokenSecret'));
      expect(naming(err, 'accessTokenSecret')).toHaveLength(1);
    });

    it('refuses a missing refreshTokenSecret', () => {
      const err = configError(without(valid, 'refreshTokenSecret'));
      expect(naming(err, 'refreshTokenSecret')).toHaveLength(1);
    });

    it('refuses an empty or non-string secret', () => {
      expect(
        naming(configError({ ...valid, accessTokenSecret: '' }), 'accessTokenSecret'),
      ).toHaveLength(1);
      expect(
        naming(configError({ ...valid, accessTokenSecret: 12345 }), 'accessTokenSecret'),
      ).toHaveLength(1);
    });

    it('refuses a secret shorter than 32 bytes and says how long it is', () => {
      const err = configError({ ...valid, accessTokenSecret: 'a'.repeat(31) });
      const problems = naming(err, 'accessTokenSecret');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/31 bytes/);
      expect(problems[0]).toMatch(/32/);
    });

    it('refuses a short refresh secret', () => {
      const err = configError({ ...valid, refreshTokenSecret: 'tiny' });
      expect(naming(err, 'refreshTokenSecret')).toHaveLength(1);
    });

    it('accepts a secret of exactly 32 bytes', async () => {
      const auth = new AuthConfigurator(
        { accessTokenSecret: 'a'.repeat(32), refreshTokenSecret: 'b'.repeat(32) },
        new InMemoryUserStore(),
      );
      try {
        // The accepted secrets sign and verify.
        const token = auth.tokenService.signAccessToken({ sub: 'u1' });
        expect(auth.tokenService.verifyAccessToken(token)?.sub).toBe('u1');
      } finally {
        await auth.close();
      }
    });

    it('counts bytes, not characters: 16 two-byte characters are enough', async () => {
      const secret = 'é'.repeat(16);
      expect(Buffer.byteLength(secret, 'utf8')).toBe(32);
      const auth = new AuthConfigurator(
        { accessTokenSecret: secret, refreshTokenSecret: REFRESH_SECRET },
        new InMemoryUserStore(),
      );
      await auth.close();
    });

    it('refuses identical access and refresh secrets', () => {
      const err = configError({
        accessTokenSecret: ACCESS_SECRET,
        refreshTokenSecret: ACCESS_SECRET,
      });
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]).toMatch(/accessTokenSecret/);
      expect(err.problems[0]).toMatch(/refreshTokenSecret/);
      expect(err.problems[0]).toMatch(/differ/);
    });
  });

  describe('lifetimes', () => {
    it("refuses a malformed accessTokenExpiresIn ('15 minutes')", () => {
      const err = configError({ ...valid, accessTokenExpiresIn: '15 minutes' });
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]).toMatch(/^accessTokenExpiresIn/);
    });

    it.each([['15min'], ['abc'], [''], ['0'], ['0m'], ['-5m'], ['1.5h'], ['7 days']])(
      'refuses accessTokenExpiresIn %p',
      (value) => {
        expect(
          naming(configError({ ...valid, accessTokenExpiresIn: value }), 'accessTokenExpiresIn'),
        ).toHaveLength(1);
      },
    );

    it.each([[0], [-60], [1.5], [Number.NaN]])('refuses the number %p as a lifetime', (value) => {
      expect(
        naming(configError({ ...valid, accessTokenExpiresIn: value }), 'accessTokenExpiresIn'),
      ).toHaveLength(1);
    });

    it('refuses a malformed refreshTokenExpiresIn', () => {
      expect(
        naming(
          configError({ ...valid, refreshTokenExpiresIn: 'one week' }),
          'refreshTokenExpiresIn',
        ),
      ).toHaveLength(1);
    });

    it("accepts '15m', '7d' and a number of seconds and computes the lifetimes", async () => {
      const a = new AuthConfigurator(
        { ...valid, accessTokenExpiresIn: '15m', refreshTokenExpiresIn: '7d' },
        new InMemoryUserStore(),
      );
      expect(a.config.accessTtlSeconds).toBe(900);
      expect(a.config.refreshTtlSeconds).toBe(7 * 86400);
      const b = new AuthConfigurator(
        { ...valid, accessTokenExpiresIn: 600, refreshTokenExpiresIn: '3600' },
        new InMemoryUserStore(),
      );
      expect(b.config.accessTtlSeconds).toBe(600);
      expect(b.config.refreshTtlSeconds).toBe(3600);
      const c = new AuthConfigurator(
        { ...valid, accessTokenExpiresIn: '2h', refreshTokenExpiresIn: '1w' },
        new InMemoryUserStore(),
      );
      expect(c.config.accessTtlSeconds).toBe(7200);
      expect(c.config.refreshTtlSeconds).toBe(604800);
      await Promise.all([a.close(), b.close(), c.close()]);
    });

    it('defaults to 15 minutes and 7 days', async () => {
      const auth = new AuthConfigurator(valid, new InMemoryUserStore());
      expect(auth.config.accessTtlSeconds).toBe(900);
      expect(auth.config.refreshTtlSeconds).toBe(604800);
      await auth.close();
    });

    it('issues access tokens with the configured lifetime', async () => {
      const t = createTestApp({ config: { accessTokenExpiresIn: 600 } });
      try {
        const user = await t.createUser();
        const { accessToken, refreshToken } = await bearerLogin(t.app, user.email);
        const access = jwt.decode(accessToken) as { iat: number; exp: number };
        expect(access.exp - access.iat).toBe(600);
        const refresh = jwt.decode(refreshToken) as { iat: number; exp: number };
        expect(refresh.exp - refresh.iat).toBe(7 * 86400);
      } finally {
        await t.close();
      }
    });
  });

  describe('cookies', () => {
    it("refuses sameSite 'none' with secure: false", () => {
      const err = configError({ ...valid, cookieOptions: { sameSite: 'none', secure: false } });
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]).toMatch(/sameSite/);
      expect(err.problems[0]).toMatch(/secure/);
    });

    it("accepts sameSite 'none' with secure: true", async () => {
      const auth = new AuthConfigurator(
        { ...valid, cookieOptions: { sameSite: 'none', secure: true } },
        new InMemoryUserStore(),
      );
      expect(auth.config.cookies.sameSite).toBe('none');
      expect(auth.config.cookies.secure).toBe(true);
      await auth.close();
    });

    it('refuses an unknown sameSite value', () => {
      expect(
        naming(configError({ ...valid, cookieOptions: { sameSite: 'sometimes' } }), 'sameSite'),
      ).toHaveLength(1);
    });

    it('refuses hostPrefix together with a domain', () => {
      const err = configError({
        ...valid,
        cookieOptions: { hostPrefix: true, domain: 'example.test' },
      });
      expect(naming(err, 'hostPrefix')).toHaveLength(1);
    });

    it('refuses hostPrefix with secure: false', () => {
      const err = configError({ ...valid, cookieOptions: { hostPrefix: true, secure: false } });
      expect(naming(err, 'hostPrefix')).toHaveLength(1);
    });

    it('refuses a refreshTokenPath that does not start with /', () => {
      const err = configError({ ...valid, cookieOptions: { refreshTokenPath: 'auth/refresh' } });
      expect(naming(err, 'refreshTokenPath')).toHaveLength(1);
    });
  });

  describe('other fields', () => {
    it('refuses bcryptSaltRounds outside 4..31', () => {
      expect(
        naming(configError({ ...valid, bcryptSaltRounds: 3 }), 'bcryptSaltRounds'),
      ).toHaveLength(1);
      expect(
        naming(configError({ ...valid, bcryptSaltRounds: 32 }), 'bcryptSaltRounds'),
      ).toHaveLength(1);
    });

    it('refuses an email.siteUrl that is not an absolute http(s) URL', () => {
      expect(
        naming(configError({ ...valid, email: { siteUrl: 'app.example.test' } }), 'siteUrl'),
      ).toHaveLength(1);
    });

    it('refuses an unknown emailVerificationMode', () => {
      expect(
        naming(
          configError({ ...valid, emailVerificationMode: 'sometimes' }),
          'emailVerificationMode',
        ),
      ).toHaveLength(1);
    });

    it('refuses no configuration at all with an AuthConfigError naming both secrets', () => {
      const err = configError(undefined);
      expect(naming(err, 'accessTokenSecret')).toHaveLength(1);
      expect(naming(err, 'refreshTokenSecret')).toHaveLength(1);
    });
  });

  describe('several problems at once', () => {
    it('lists every cross-field problem', () => {
      const err = configError({
        accessTokenSecret: 'short',
        refreshTokenSecret: 'short',
        cookieOptions: { sameSite: 'none', secure: false },
      });
      expect(naming(err, /^accessTokenSecret is 5 bytes/)).toHaveLength(1);
      expect(naming(err, /^refreshTokenSecret is 5 bytes/)).toHaveLength(1);
      expect(naming(err, /differ/)).toHaveLength(1);
      expect(naming(err, /sameSite/)).toHaveLength(1);
      expect(err.problems).toHaveLength(4);
    });

    it('lists schema problems and cross-field problems together', () => {
      const err = configError({
        accessTokenSecret: 'short',
        refreshTokenSecret: REFRESH_SECRET,
        accessTokenExpiresIn: '15 minutes',
        bcryptSaltRounds: 2,
        cookieOptions: { sameSite: 'none', secure: false },
      });
      expect(naming(err, /^accessTokenSecret/)).toHaveLength(1);
      expect(naming(err, /^accessTokenExpiresIn/)).toHaveLength(1);
      expect(naming(err, /^bcryptSaltRounds/)).toHaveLength(1);
      expect(naming(err, /sameSite/)).toHaveLength(1);
      expect(err.problems).toHaveLength(4);
    });

    it('lists a missing secret together with the other problems', () => {
      const err = configError({
        refreshTokenSecret: 'short',
        refreshTokenExpiresIn: 'forever',
      });
      expect(naming(err, /^accessTokenSecret/)).toHaveLength(1);
      expect(naming(err, /^refreshTokenSecret is 5 bytes/)).toHaveLength(1);
      expect(naming(err, /^refreshTokenExpiresIn/)).toHaveLength(1);
      expect(err.problems).toHaveLength(3);
    });
  });

  describe('other entry points validate the same way', () => {
    it('createAuthRouter throws AuthConfigError', () => {
      expect(() =>
        createAuthRouter(new InMemoryUserStore(), { ...valid, accessTokenSecret: 'short' }),
      ).toThrow(AuthConfigError);
    });

    it('createAuthMiddleware throws AuthConfigError', () => {
      expect(() => createAuthMiddleware({ ...valid, refreshTokenSecret: ACCESS_SECRET })).toThrow(
        AuthConfigError,
      );
    });

    it('a valid configuration gives a working router and middleware', async () => {
      const store = new InMemoryUserStore();
      const auth = new AuthConfigurator({ ...valid, bcryptSaltRounds: 4 }, store);
      try {
        const app = express();
        app.use('/auth', auth.router());
        app.get('/private', auth.middleware(), (_req, res) => {
          res.json({ ok: true });
        });
        await store.create({
          email: 'cfg@example.test',
          password: await auth.passwordService.hash('a valid password'),
        });
        const login = await bearerLoginRequest(app, 'cfg@example.test', 'a valid password');
        expect(login.status).toBe(200);
        const res = await request(app)
          .get('/private')
          .set('Authorization', `Bearer ${login.body.accessToken}`);
        expect(res.status).toBe(200);
      } finally {
        await auth.close();
      }
    });
  });
});
