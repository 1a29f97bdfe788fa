import express from 'express';
import request from 'supertest';
import {
  AuthConfigError,
  AuthConfigurator,
  InMemorySessionStore,
  InMemoryUserStore,
  TokenService,
  createAuthMiddleware,
  createAuthRouter,
  type AuthConfig,
  type ISessionStore,
  type SessionInfo,
} from 'keyward';
import { ACCESS_SECRET, REFRESH_SECRET, bearerLogin, createTestApp, sidOf } from './helpers/app';

/** A logger that records instead of printing. */
const recordingLogger = () => ({ error: jest.fn(), warn: jest.fn() });

function configured(extra: Record<string, unknown>) {
  const logger = recordingLogger();
  const config = {
    accessTokenSecret: ACCESS_SECRET,
    refreshTokenSecret: REFRESH_SECRET,
    logger,
    ...extra,
  } as AuthConfig;
  return { config, logger, warnings: () => logger.warn.mock.calls.map((c) => String(c[0])) };
}

async function construct(config: AuthConfig): Promise<void> {
  const auth = new AuthConfigurator(config, new InMemoryUserStore());
  // The doctor has findings of its own about this bare config; only the key checks are tested.
  auth.router({ doctor: false });
  auth.middleware();
  await auth.close();
}

describe('unknown config keys', () => {
  it('warns through the configured logger, naming the key and the key it probably meant', async () => {
    const { config, warnings } = configured({ acessTokenExpiresIn: '10m' });
    await construct(config);
    expect(warnings()).toEqual([expect.stringContaining("'acessTokenExpiresIn'")]);
    expect(warnings()[0]).toContain("did you mean 'accessTokenExpiresIn'?");
  });

  it.each([
    ['email', { siteURL: 'https://app.example.test' }, 'email.siteURL', 'email.siteUrl'],
    ['cookieOptions', { samesite: 'lax' }, 'cookieOptions.samesite', 'cookieOptions.sameSite'],
    ['csrf', { enable: true }, 'csrf.enable', 'csrf.enabled'],
    ['twoFactor', { maxAtempts: 3 }, 'twoFactor.maxAtempts', 'twoFactor.maxAttempts'],
    [
      'email',
      { linkPaths: { resetPasword: '/reset' } },
      'email.linkPaths.resetPasword',
      'email.linkPaths.resetPassword',
    ],
  ])('looks inside %s: %j', async (key, value, path, meant) => {
    const { config, warnings } = configured({ [key]: value });
    await construct(config);
    expect(warnings()).toEqual([expect.stringContaining(`'${path}'`)]);
    expect(warnings()[0]).toContain(`did you mean '${meant}'?`);
  });

  it('names a key with no near match without a suggestion', async () => {
    const { config, warnings } = configured({ tenantResolver: () => 't1' });
    await construct(config);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain("'tenantResolver'");
    expect(warnings()[0]).not.toContain('did you mean');
  });

  it('warns once for a config used by a router and a middleware', async () => {
    const { config, warnings } = configured({ refreshTokenExpiresin: '1d' });
    const auth = new AuthConfigurator(config, new InMemoryUserStore());
    auth.router({ doctor: false });
    createAuthRouter(new InMemoryUserStore(), config, { doctor: false });
    createAuthMiddleware(config);
    await auth.close();
    expect(warnings()).toHaveLength(1);
  });

  it('says nothing for known keys, a logger with more methods, or the oauth section', async () => {
    const logger = { ...recordingLogger(), info: jest.fn(), debug: jest.fn() };
    const config: AuthConfig = {
      accessTokenSecret: ACCESS_SECRET,
      refreshTokenSecret: REFRESH_SECRET,
      accessTokenExpiresIn: '15m',
      cookieOptions: { sameSite: 'lax', refreshTokenPath: '/auth/refresh' },
      csrf: { enabled: true },
      email: { siteUrl: 'https://app.example.test', linkPaths: { login: '/signin' } },
      oauth: { anything: true },
      logger,
    };
    await construct(config);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('is an AuthConfigError under strictConfig: true, listing every unknown key', () => {
    const { config, logger } = configured({
      strictConfig: true,
      emial: {},
      csrf: { enabeld: true },
    });
    let error: unknown;
    try {
      new AuthConfigurator(config, new InMemoryUserStore());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AuthConfigError);
    const problems = (error as AuthConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/'emial'.*did you mean 'email'/),
        expect.stringMatching(/'csrf\.enabeld'.*did you mean 'csrf\.enabled'/),
      ]),
    );
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('accepts strictConfig: true with only known keys', async () => {
    const { config, logger } = configured({ strictConfig: true, csrf: { enabled: true } });
    await construct(config);
    expect(logger.warn).not.toHaveBeenCalled();
  });
});

/**
 * A session store written as the reference documents ISessionStore: its six methods, nothing
 * else (no refresh rotation).
 */
class ReferenceSessionStore {
  readonly rows = new Map<string, SessionInfo>();
  async createSession(info: Omit<SessionInfo, 'sessionHandle'>): Promise<SessionInfo> {
    const sessionHandle = crypto.randomUUID();
    this.rows.set(sessionHandle, { sessionHandle, ...info });
    return { sessionHandle, ...info };
  }
  async getSession(sessionHandle: string): Promise<SessionInfo | null> {
    return this.rows.get(sessionHandle) ?? null;
  }
  async getSessionsForUser(userId: string): Promise<SessionInfo[]> {
    return [...this.rows.values()].filter((s) => s.userId === userId);
  }
  async updateSessionLastActive(sessionHandle: string): Promise<void> {
    const row = this.rows.get(sessionHandle);
    if (row) row.lastActiveAt = new Date();
  }
  async revokeSession(sessionHandle: string): Promise<void> {
    this.rows.delete(sessionHandle);
  }
  async revokeAllSessionsForUser(userId: string): Promise<void> {
    for (const [id, s] of this.rows) if (s.userId === userId) this.rows.delete(id);
  }
}

describe('createAuthMiddleware(config, sessionStore)', () => {
  const config: AuthConfig = {
    accessTokenSecret: ACCESS_SECRET,
    refreshTokenSecret: REFRESH_SECRET,
  };

  it('checks the session on each request, so a revoked session is refused', async () => {
    const sessions = new ReferenceSessionStore();
    const tokenService = new TokenService();
    const app = express();
    app.get(
      '/protected',
      createAuthMiddleware(config, sessions as unknown as ISessionStore),
      (req, res) => {
        res.json({ user: req.user });
      },
    );
    // The reference's pattern: a custom login creates the session and puts it in the token.
    const session = await sessions.createSession({
      userId: 'u1',
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    });
    const tokens = tokenService.generateTokenPair(
      { sub: 'u1', email: 'u1@example.test', sid: session.sessionHandle },
      config,
    );
    const call = () =>
      request(app).get('/protected').set('Authorization', `Bearer ${tokens.accessToken}`);
    expect((await call()).status).toBe(200);
    expect(sessions.rows.get(session.sessionHandle)?.lastActiveAt).toBeInstanceOf(Date);

    await sessions.revokeSession(session.sessionHandle);
    const refused = await call();
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('SESSION_REVOKED');
  });

  it('refuses a router session revoked in the store the router was given', async () => {
    // The test app gives a user store and a user; the router and middleware are the reference's.
    const t = createTestApp();
    try {
      const sessionStore = new InMemorySessionStore();
      const router = createAuthRouter(t.store, t.auth.config.source, { sessionStore });
      const app = express();
      app.use('/auth', router);
      app.get(
        '/protected',
        createAuthMiddleware(t.auth.config.source, sessionStore),
        (_req, res) => {
          res.json({ ok: true });
        },
      );
      const user = await t.createUser();
      const { accessToken } = await bearerLogin(app, user.email);
      const call = () =>
        request(app).get('/protected').set('Authorization', `Bearer ${accessToken}`);
      expect((await call()).status).toBe(200);
      await sessionStore.revokeSession(sidOf(accessToken));
      expect((await call()).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('warns about an option it does not know, and refuses it under strictConfig', () => {
    const logger = recordingLogger();
    createAuthMiddleware({ ...config, logger }, { checkSession: true } as never);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("'checkSession'"));
    expect(() =>
      createAuthMiddleware({ ...config, strictConfig: true }, { checkSession: true } as never),
    ).toThrow(AuthConfigError);
  });
});

describe('a session store without rotateRefreshToken', () => {
  const config: AuthConfig = {
    accessTokenSecret: ACCESS_SECRET,
    refreshTokenSecret: REFRESH_SECRET,
  };
  const store = () => new ReferenceSessionStore() as unknown as ISessionStore;

  // Without the check it signs users in, then answers their first refresh with a 500.
  it('is refused when the router or the configurator is built, with the fix named', async () => {
    const auth = new AuthConfigurator(config, new InMemoryUserStore());
    const attempts = [
      () => new AuthConfigurator(config, new InMemoryUserStore(), { sessionStore: store() }),
      () => createAuthRouter(new InMemoryUserStore(), config, { sessionStore: store() }),
      () => auth.router({ sessionStore: store() }),
    ];
    try {
      for (const attempt of attempts) {
        expect(attempt).toThrow(AuthConfigError);
        expect(attempt).toThrow(/no rotateRefreshToken[\s\S]*compare-and-set/);
      }
    } finally {
      await auth.close();
    }
  });

  it('still serves createAuthMiddleware, which never rotates', () => {
    expect(() => createAuthMiddleware(config, store())).not.toThrow();
  });
});
