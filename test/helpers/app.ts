import { createHash } from 'node:crypto';
import http from 'node:http';
import jwt from 'jsonwebtoken';
import express, { type Express } from 'express';
import request from 'supertest';
import {
  AuthConfigurator,
  AuthEventBus,
  InMemoryUserStore,
  buildAuthOpenApiSpec,
  type AuthConfig,
  type AuthConfiguratorOptions,
  type AuthEventPayload,
  type BaseUser,
  type RouterOptions,
} from 'keyward';
import { recordResponses, type SpecDocument } from './openapi-check';
import { openBackendStores, type FullUserStore } from './store-backend';
import { Waiters } from './waiters';

/** Random secrets (the start-up doctor warns about typed ones); tests never reuse them elsewhere. */
export const ACCESS_SECRET = 'S3FlEGJBi42hBqYB6dX5ud5fTNYUv2GP-z8qmwhS2yML';
export const REFRESH_SECRET = 'Jt9docVc5hm6pn9kDEBEP8jxXuvwpO5_o_5RA-8vM1Pb';
export const PASSWORD = 'correct horse battery';
/** The email.siteUrl of every test app: links in captured mail start with it. */
export const SITE_URL = 'https://app.example.test';

/** Hex SHA-256, as the stores keep one-time tokens (tests compute it on their own). */
export const sha256Hex = (value: string) =>
  createHash('sha256').update(value, 'utf8').digest('hex');

/** A captured outgoing mail (from the email.* callbacks). */
export interface CapturedMail {
  kind: 'reset' | 'verify' | 'welcome' | 'changed' | 'magic';
  to: string;
  token?: string;
  link?: string;
  lang?: string;
  newEmail?: string;
}

export interface TestApp {
  app: Express;
  auth: AuthConfigurator;
  /** The user store: in-memory, or SQL when the suite runs on a database. */
  store: FullUserStore;
  bus: AuthEventBus;
  events: AuthEventPayload[];
  mails: CapturedMail[];
  /**
   * Resolves with the next captured mail (callbacks run after the response for some flows);
   * rejects after `ms`, naming `what`, and stops waiting so a later mail goes to a later test.
   */
  nextMail(what?: string, ms?: number): Promise<CapturedMail>;
  /** Creates a user with a hashed password (default {@link PASSWORD}). */
  createUser(data?: Partial<BaseUser> & { plainPassword?: string }): Promise<BaseUser>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  config?: Partial<AuthConfig>;
  router?: RouterOptions;
  configurator?: AuthConfiguratorOptions;
  /** Capture mail through email.* callbacks (default true). */
  captureMail?: boolean;
  /**
   * Also capture magic-link mail (default false). A magic-link sender enables the magic-link
   * routes; the link is a second factor only where `config.twoFactor.methods` lists it.
   */
  captureMagicLinks?: boolean;
  /** The user store to use (default: a fresh InMemoryUserStore), e.g. a subclass adding latency. */
  userStore?: InMemoryUserStore;
  /** No session store: one session on the user record, even on the SQL and Redis runs. */
  sessionsOnUserRecord?: boolean;
}

/** The spec a router that serves none (`swagger: false`) is checked against: every feature's. */
const everyAuthFeature = () =>
  buildAuthOpenApiSpec({
    register: true,
    magicLink: true,
    totp: true,
    sms: true,
    oauth: true,
    deleteAccount: true,
    sessionCleanup: true,
    linkedAccounts: true,
    linkRequests: true,
    apiKeys: true,
    docs: true,
  }) as SpecDocument;

/**
 * A real Express app with keyward mounted at /auth and a protected GET/POST /api/private,
 * cheap hashing parameters, mails captured through the public email callbacks, events recorded.
 */
export function createTestApp(opts: TestAppOptions = {}): TestApp {
  // On the SQL and Redis runs the app's stores (users, sessions, second factors, rate limits,
  // revocations) are the backend's; a test that brings its own user store keeps the defaults.
  const backend = opts.userStore ? undefined : openBackendStores();
  const store: FullUserStore = opts.userStore ?? backend?.userStore ?? new InMemoryUserStore();
  const bus = new AuthEventBus();
  const events: AuthEventPayload[] = [];
  bus.onEvent('*', (e) => {
    events.push(e);
  });
  const mails: CapturedMail[] = [];
  const waiters = new Waiters<CapturedMail>();
  const capture = (mail: CapturedMail) => {
    mails.push(mail);
    waiters.deliver(mail);
    return Promise.resolve();
  };
  const mailCallbacks =
    opts.captureMail === false
      ? {}
      : {
          sendPasswordReset: (to: string, token: string, link: string, lang?: string) =>
            capture({ kind: 'reset', to, token, link, lang }),
          sendVerificationEmail: (to: string, token: string, link: string, lang?: string) =>
            capture({ kind: 'verify', to, token, link, lang }),
          sendWelcome: (to: string, data: { loginUrl: string }, lang?: string) =>
            capture({ kind: 'welcome', to, link: data.loginUrl, lang }),
          sendEmailChanged: (to: string, newEmail: string, lang?: string) =>
            capture({ kind: 'changed', to, newEmail, lang }),
        };
  const magicCallback =
    opts.captureMail !== false && opts.captureMagicLinks === true
      ? {
          sendMagicLink: (to: string, token: string, link: string, lang?: string) =>
            capture({ kind: 'magic', to, token, link, lang }),
        }
      : {};
  const config: AuthConfig = {
    accessTokenSecret: ACCESS_SECRET,
    refreshTokenSecret: REFRESH_SECRET,
    bcryptSaltRounds: 4,
    // argon2id (the default scheme) with test-only parameters, so suites that hash many
    // passwords stay fast; production uses OWASP's 19 MiB, 2 passes.
    passwordHashing: { argon2: { memoryCost: 64, timeCost: 1 } },
    ...opts.config,
    email: {
      siteUrl: SITE_URL,
      ...mailCallbacks,
      ...magicCallback,
      ...opts.config?.email,
    },
  };
  const auth = new AuthConfigurator(config, store, {
    eventBus: bus,
    twoFactorStore: backend?.twoFactorStore,
    sessionStore: opts.sessionsOnUserRecord ? undefined : backend?.sessionStore,
    rateLimitStore: backend?.rateLimitStore,
    revocationFeed: backend?.revocationFeed,
    ...opts.configurator,
  });
  const app = express();
  // Every answer under /auth is checked against the router's OpenAPI document after the test.
  app.use(recordResponses(app, '/auth', everyAuthFeature));
  app.use('/auth', auth.router(opts.router));
  const protectedHandler: express.RequestHandler = (req, res) => {
    res.json({ user: req.user });
  };
  app.get('/api/private', auth.middleware(), protectedHandler);
  app.post('/api/private', auth.middleware(), protectedHandler);

  return {
    app,
    auth,
    store,
    bus,
    events,
    mails,
    nextMail: (what = 'a captured mail', ms) => waiters.next(what, ms),
    async createUser(data = {}) {
      const { plainPassword = PASSWORD, ...rest } = data;
      return store.create({
        email: `user-${Math.random().toString(36).slice(2)}@example.test`,
        password: await auth.passwordService.hash(plainPassword),
        loginProvider: 'local',
        ...rest,
      });
    },
    async close() {
      // Work the router started after its last answers goes to the stores before they close.
      await auth.idle();
      await auth.close();
      await backend?.close();
    },
  };
}

/**
 * A test-app factory for a file or describe block: every app it makes is closed after the
 * block's tests. Call it where `afterAll` may be called (top level of a file or a block).
 */
export function appFactory(): (opts?: TestAppOptions) => TestApp {
  const opened: TestApp[] = [];
  afterAll(() => Promise.all(opened.map((t) => t.close())));
  return (opts = {}) => {
    const t = createTestApp(opts);
    opened.push(t);
    return t;
  };
}

/**
 * A factory of real listening servers (on 127.0.0.1, any port), so concurrent requests share one
 * socket listener; every server it starts is closed after the block's tests.
 */
export function serverFactory(): (app: Express) => Promise<http.Server> {
  const servers: http.Server[] = [];
  afterAll(() =>
    Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))),
  );
  return async (app) => {
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return server;
  };
}

/** POST /auth/login in bearer mode; the response as it comes (see {@link bearerLogin}). */
export function bearerLoginRequest(
  target: Parameters<typeof request>[0],
  email: string,
  password = PASSWORD,
) {
  return request(target)
    .post('/auth/login')
    .set('X-Auth-Strategy', 'bearer')
    .send({ email, password });
}

/** Logs in with bearer delivery and returns the pair. */
export async function bearerLogin(app: Express, email: string, password = PASSWORD) {
  const res = await bearerLoginRequest(app, email, password);
  if (res.status !== 200)
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { accessToken: string; refreshToken: string };
}

/** Every Set-Cookie line of a response (none: an empty list). */
export function setCookies(res: request.Response): string[] {
  return (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}

/** The full Set-Cookie line for `name`. */
export function cookieLine(res: request.Response, name: string): string | undefined {
  return setCookies(res).find((c) => c.startsWith(`${name}=`));
}

/** Reads `name` from a response's Set-Cookie headers. */
export function cookieValue(res: request.Response, name: string): string | undefined {
  const line = cookieLine(res, name);
  if (!line) return undefined;
  return decodeURIComponent(line.slice(name.length + 1).split(';')[0] ?? '');
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** POST /auth/refresh in bearer mode. */
export function bearerRefresh(target: Parameters<typeof request>[0], refreshToken: string) {
  return request(target)
    .post('/auth/refresh')
    .set('X-Auth-Strategy', 'bearer')
    .send({ refreshToken });
}

/** The session id (`sid`) a token carries. */
export function sidOf(token: string): string {
  const claims = jwt.decode(token) as { sid?: string } | null;
  if (!claims?.sid) throw new Error('token carries no sid');
  return claims.sid;
}
