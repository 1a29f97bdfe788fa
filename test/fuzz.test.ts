// Property-based fuzzing of every endpoint of the auth, tools and admin routers: random
// paths, methods, headers, cookies, queries and bodies (deeply nested, oversized, not JSON at
// all) must never produce a 5xx, a stack trace or an ill-shaped JSON error, and nothing may be
// logged as an unexpected error. Seeded: a failure prints the seed and fast-check's shrunk
// counterexample; rerun it with KEYWARD_FUZZ_SEED=<seed>.
// KEYWARD_FUZZ_RUNS sets the number of cases (default 10,000).
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import {
  AuthError,
  AuthTools,
  GenericOAuthStrategy,
  InMemoryApiKeyStore,
  InMemoryPendingLinkStore,
  createAdminRouter,
  createToolsRouter,
  type BaseUser,
  type OAuthProfile,
} from 'keyward';
import { createAdminStores } from './admin/admin-stores';
import { ACCESS_SECRET, PASSWORD, createTestApp, sidOf, type TestApp } from './helpers/app';
import {
  fill,
  fuzzRequest,
  marker,
  problemWith,
  startFuzzServer,
  type FuzzRequest,
  type FuzzResponse,
  type Marker,
  type Route,
} from './helpers/fuzz';

const ADMIN_SECRET = 'admin-secret-for-the-fuzzer-0123456789';
/** Cases per run, 70% for the auth router and 30% for the admin router (KEYWARD_FUZZ_RUNS). */
const RUNS = Number(process.env.KEYWARD_FUZZ_RUNS ?? 10_000);
const AUTH_RUNS = Math.round(RUNS * 0.7);
const ADMIN_RUNS = RUNS - AUTH_RUNS;

const seed = process.env.KEYWARD_FUZZ_SEED
  ? Number(process.env.KEYWARD_FUZZ_SEED)
  : Date.now() % 2_147_483_647;
console.log(`fuzz seed: ${seed} (rerun with KEYWARD_FUZZ_SEED=${seed})`);

/** Every auth route (mounted at /auth), plus the app's protected /api/private. */
const AUTH_ROUTES: Route[] = [
  ['POST', '/register', ['email', 'password', 'firstName', 'emailLang']],
  ['POST', '/login', ['email', 'password']],
  ['POST', '/change-password', ['currentPassword', 'newPassword']],
  ['POST', '/forgot-password', ['email', 'emailLang']],
  ['POST', '/reset-password', ['token', 'newPassword']],
  ['POST', '/refresh', ['refreshToken']],
  ['POST', '/logout', ['refreshToken']],
  ['POST', '/sessions/cleanup'],
  ['GET', '/me'],
  ['DELETE', '/account'],
  ['POST', '/change-email/request', ['newEmail', 'password', 'emailLang']],
  ['POST', '/change-email/confirm', ['token']],
  ['POST', '/send-verification-email', ['email', 'emailLang']],
  ['GET', '/verify-email'],
  ['POST', '/2fa/setup', ['tempToken']],
  ['POST', '/2fa/verify-setup', ['token', 'secret', 'tempToken']],
  ['POST', '/2fa/verify', ['tempToken', 'token', 'code', 'recoveryCode']],
  ['POST', '/2fa/disable', ['token', 'code', 'password']],
  ['POST', '/2fa/recovery-codes', ['token', 'code']],
  ['POST', '/magic-link/send', ['email', 'mode', 'tempToken', 'emailLang']],
  ['POST', '/magic-link/verify', ['token', 'mode', 'tempToken']],
  ['POST', '/sms/send', ['email', 'mode', 'tempToken']],
  ['POST', '/sms/verify', ['email', 'code', 'mode', 'tempToken']],
  // The callbacks check the signed flow cookie first; a fuzzed one never passes, so the
  // provider's endpoints (127.0.0.1, never listening) are never called.
  ['GET', '/oauth/:name'],
  ['GET', '/oauth/:name/callback'],
  ['POST', '/oauth/:name/callback'],
  ['GET', '/linked-accounts'],
  ['DELETE', '/linked-accounts/:provider/:id'],
  ['POST', '/link-request', ['email', 'provider', 'providerAccountId', 'emailLang']],
  ['POST', '/link-verify', ['token', 'loginAfterLinking']],
  ['GET', '/api-keys'],
  ['POST', '/api-keys', ['name', 'scopes', 'allowedIps', 'expiresAt', 'currentPassword']],
  ['DELETE', '/api-keys/:id'],
  ['GET', '/nope'],
];
/** The tools router's routes (mounted at /tools). */
const TOOLS_ROUTES: Route[] = [
  ['POST', '/track/:eventName', ['data', 'userId', 'sessionId', 'tenantId']],
  ['GET', '/telemetry'],
  ['POST', '/notify/:target', ['data', 'type', 'tenantId']],
  // Signed by no one: `github` refuses every case, `open` (verify: 'none') runs the handler.
  ['POST', '/webhook/:provider', ['id', 'type', 'data']],
  ['GET', '/nope'],
];
const PRIVATE_ROUTES: Route[] = [
  ['GET', ''],
  ['POST', ''],
];

/** Every admin API route (mounted at /admin/api), and the panel's files. */
const ADMIN_ROUTES: Route[] = [
  ['GET', '/api/ping'],
  ['GET', '/api/users'],
  ['GET', '/api/users/:id'],
  ['DELETE', '/api/users/:id'],
  ['GET', '/api/users/:id/roles'],
  ['POST', '/api/users/:id/roles', ['role', 'tenantId']],
  ['DELETE', '/api/users/:id/roles/:role'],
  ['GET', '/api/users/:id/metadata'],
  ['PUT', '/api/users/:id/metadata', ['metadata', 'plan']],
  ['GET', '/api/users/:id/linked-accounts'],
  ['GET', '/api/users/:id/tenants'],
  ['GET', '/api/sessions'],
  ['DELETE', '/api/sessions/:handle'],
  ['GET', '/api/roles'],
  ['POST', '/api/roles', ['name', 'permissions']],
  ['DELETE', '/api/roles/:name'],
  ['GET', '/api/tenants'],
  ['POST', '/api/tenants', ['name', 'isActive']],
  ['DELETE', '/api/tenants/:id'],
  ['GET', '/api/tenants/:id/users'],
  ['POST', '/api/tenants/:id/users', ['userId']],
  ['DELETE', '/api/tenants/:id/users/:userId'],
  ['GET', '/api/settings'],
  ['PUT', '/api/settings', ['require2FA', 'emailVerificationMode']],
  ['GET', '/api/api-keys'],
  ['POST', '/api/api-keys', ['name', 'serviceId', 'scopes', 'allowedIps', 'expiresAt']],
  ['DELETE', '/api/api-keys/:id/revoke'],
  ['DELETE', '/api/api-keys/:id'],
  ['GET', '/api/api-keys/:id/usage'],
  ['GET', '/api/webhooks'],
  [
    'POST',
    '/api/webhooks',
    ['url', 'events', 'secret', 'tenantId', 'isActive', 'maxRetries', 'retryDelayMs'],
  ],
  ['PATCH', '/api/webhooks/:id', ['url', 'events', 'secret', 'isActive']],
  ['DELETE', '/api/webhooks/:id'],
  ['GET', '/api/webhooks/:id/deliveries'],
  ['POST', '/api/webhooks/:id/deliveries/:deliveryId/replay'],
  ['GET', '/api/events'],
  ['GET', '/api/overview'],
  ['GET', '/api/nope'],
  ['GET', ''],
  ['GET', '/'],
  ['GET', '/assets/:file'],
  ['GET', '/:file'],
];

class AcmeStrategy extends GenericOAuthStrategy<BaseUser> {
  findOrCreateUser(_profile: OAuthProfile): Promise<BaseUser> {
    return Promise.reject(new AuthError('Not reachable in the fuzzer', 'OAUTH_FAILED', 400));
  }
}

/** The auth app with every feature on, the admin router beside it on the same stores. */
function createFuzzApp(logged: unknown[]) {
  const logger = {
    error: (message: string, detail?: unknown) => {
      logged.push({ message, detail });
    },
    warn: () => undefined,
  };
  const stores = createAdminStores();
  const sms: Array<{ to: string; code: string }> = [];
  // The callback reads `t` only when a request arrives, after it is assigned.
  const onRegister = async (data: Record<string, unknown>): Promise<BaseUser> => {
    const { email, password } = data;
    if (typeof email !== 'string' || typeof password !== 'string' || !email.includes('@')) {
      throw new AuthError('email and password are required', 'VALIDATION_ERROR', 400);
    }
    if (await t.store.findByEmail(email)) {
      throw new AuthError('Email already registered', 'EMAIL_TAKEN', 409);
    }
    return t.store.create({
      email,
      password: await t.auth.passwordService.hash(password),
      loginProvider: 'local',
    });
  };
  const t: TestApp = createTestApp({
    userStore: stores.users,
    captureMagicLinks: true,
    configurator: { apiKeyStore: new InMemoryApiKeyStore() },
    config: {
      logger,
      csrf: { enabled: true },
      twoFactor: { appName: 'Fuzz' },
      sms: {
        resendIntervalSeconds: 0,
        sendSms: async (to, _message, code) => {
          sms.push({ to, code });
        },
      },
    },
    router: {
      onRegister,
      sessionStore: stores.sessionStore,
      metadataStore: stores.userMetadataStore,
      rbacStore: stores.rbacStore,
      tenantStore: stores.tenantStore,
      linkedAccountsStore: stores.linkedAccountsStore,
      pendingLinkStore: new InMemoryPendingLinkStore(),
      settingsStore: stores.settingsStore,
      sessionCleanupSecret: 'cleanup-secret-0123456789',
      apiKeys: { selfService: true, allowedScopes: ['reports:read'] },
      oauthStrategies: [
        new AcmeStrategy({
          name: 'acme',
          clientId: 'fuzz',
          clientSecret: 'fuzz-secret',
          callbackUrl: 'http://127.0.0.1/auth/oauth/acme/callback',
          authorizationUrl: 'http://127.0.0.1:9/authorize',
          tokenUrl: 'http://127.0.0.1:9/token',
          userInfoUrl: 'http://127.0.0.1:9/me',
          timeoutMs: 500,
        }),
      ],
    },
  });
  // A machine route: the API key middleware with its failure limits off (one fuzzing address).
  t.app.all(
    '/machine',
    t.auth.apiKeyMiddleware({ rateLimit: false, auditLog: true }),
    (req, res) => {
      res.json({ apiKey: req.apiKey });
    },
  );
  const { users, ...optionalStores } = stores;
  t.app.use(
    '/admin',
    createAdminRouter(users, {
      adminSecret: ADMIN_SECRET,
      ...optionalStores,
      // Failed guesses are counted per address; the fuzzer makes thousands from one.
      rateLimit: { maxFailures: 1_000_000, windowMs: 60_000 },
      logger,
    }),
  );
  // The tools router, with every caller allowed so requests reach the validation and the log
  // (streams stay off: a valid token would hold the connection open).
  const tools = new AuthTools(t.bus, { logger });
  t.app.use(
    '/tools',
    createToolsRouter(tools, {
      authMiddleware: t.auth.middleware(),
      permission: () => true,
      stream: false,
      webhook: true,
      providers: {
        github: { verify: 'github', secret: 'fuzz-github-secret' },
        open: { verify: 'none' },
      },
      onWebhook: (provider, body) => ({
        event: `fuzz.${provider}`,
        data: { kind: typeof body },
      }),
    }),
  );
  return { t, stores, sms, tools };
}

/**
 * Live values behind the markers: a bearer session, a cookie session with its CSRF token, a
 * 2FA challenge. Requests spend them (logout, rotation, account deletion, password changes), so
 * they are rebuilt every {@link REFRESH_EVERY} cases from fresh users.
 */
const REFRESH_EVERY = 100;

async function liveValues(
  t: TestApp,
  sms: Array<{ code: string }>,
): Promise<Record<Marker, string>> {
  const plain = await t.createUser({ isEmailVerified: true });
  const browser = await t.createUser({ isEmailVerified: true });
  const guarded = await t.createUser({ require2FA: true, phoneNumber: '+15555550100' });
  const login = (email: string, bearer: boolean) => {
    const r = fuzzServer.send({
      method: 'POST',
      path: '/auth/login',
      headers: [
        ['content-type', 'application/json'],
        ...(bearer ? [['x-auth-strategy', 'bearer'] as [string, string]] : []),
      ],
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    return r;
  };
  const bearer = JSON.parse((await login(plain.email, true)).text) as Record<string, string>;
  const cookieRes = await login(browser.email, false);
  const cookies = Object.fromEntries(
    (cookieRes.headers['set-cookie'] ?? []).map((line) => {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      return [pair.slice(0, at), decodeURIComponent(pair.slice(at + 1))];
    }),
  );
  const challenge = JSON.parse((await login(guarded.email, false)).text) as Record<string, string>;
  const lastMail = t.mails[t.mails.length - 1];
  return {
    ACCESS: bearer.accessToken ?? 'x',
    REFRESH: bearer.refreshToken ?? 'x',
    COOKIE_ACCESS: cookies['accessToken'] ?? 'x',
    COOKIE_REFRESH: cookies['refreshToken'] ?? 'x',
    CSRF: cookies['csrf-token'] ?? 'x',
    TEMP: challenge.tempToken ?? 'x',
    EMAIL: plain.email,
    EMAIL_2FA: guarded.email,
    USER_ID: plain.id,
    SID: bearer.accessToken ? sidOf(bearer.accessToken) : 'x',
    MAIL_TOKEN: lastMail?.token ?? 'x',
    SMS_CODE: sms[sms.length - 1]?.code ?? '000000',
    // A correctly signed access token with claims no sign-in would produce.
    SIGNED_JWT: jwt.sign(
      { sub: { $ne: null }, sid: 42, tenantId: ['x'], roles: 'admin' },
      ACCESS_SECRET,
    ),
  };
}

/** Path parameters that name something real (the seeded tenant's id is added once it exists). */
const known = ['acme', 'google', 'email', 'editor', 'index.html', 'app.js', 'github', 'open'];

let fuzzServer: Awaited<ReturnType<typeof startFuzzServer>>;
const logged: unknown[] = [];
const { t, stores, sms, tools } = createFuzzApp(logged);
let values: Record<Marker, string>;
let cases = 0;

beforeAll(async () => {
  fuzzServer = await startFuzzServer(t.app);
  values = await liveValues(t, sms);
  // Roles, metadata and a tenant for the admin routes to find.
  await stores.rbacStore.createRole('editor', ['posts:write']);
  await stores.rbacStore.addRoleToUser(values.USER_ID, 'editor');
  await stores.userMetadataStore.updateMetadata(values.USER_ID, {
    plan: 'pro',
    nested: { a: [1] },
  });
  const tenant = await stores.tenantStore.createTenant({ name: 'Tenant one' });
  await stores.tenantStore.associateUserWithTenant(values.USER_ID, tenant.id);
  known.push(tenant.id);
  // A webhook with a dead delivery, for the webhook routes to find and replay.
  await stores.webhookStore.add({ id: 'wh_fuzz', url: 'https://93.184.215.14/h', events: ['*'] });
  const at = new Date();
  await stores.webhookStore.enqueueDeliveries([
    {
      id: 'dl_fuzz',
      webhookId: 'wh_fuzz',
      eventId: '1',
      event: 'identity.user.created',
      payload: '{}',
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
      updatedAt: at,
    },
  ]);
  await stores.webhookStore.recordAttempt('dl_fuzz', { status: 'dead', error: 'HTTP 500', at });
  known.push('wh_fuzz', 'dl_fuzz');
});
afterAll(async () => {
  await fuzzServer?.close();
  await tools.close();
  await t.close();
});

/** Sends one case (markers filled) and fails with a readable account of what went wrong. */
async function check(req: FuzzRequest): Promise<void> {
  cases += 1;
  logged.length = 0;
  if (cases % REFRESH_EVERY === 0) values = await liveValues(t, sms);
  const sent: FuzzRequest = {
    method: req.method,
    path: fill(req.path, values),
    headers: req.headers.map(([k, v]) => [k, fill(v, values)]),
    body: typeof req.body === 'string' ? fill(req.body, values) : req.body,
  };
  let res: FuzzResponse;
  try {
    res = await fuzzServer.send(sent);
  } catch (err) {
    // The client refused what it was asked to send (Node validates paths and headers).
    if (err instanceof Error && 'code' in err && /^ERR_(INVALID|UNESCAPED)/.test(String(err.code)))
      return;
    throw err;
  }
  const problem = problemWith(res);
  if (problem) throw new Error(`${sent.method} ${sent.path.slice(0, 200)}: ${problem}`);
  if (logged.length > 0) {
    const first = logged;
    throw new Error(
      `${sent.method} ${sent.path.slice(0, 200)}: logged ${String(
        (first[0] as { message: string }).message,
      )}: ${String((first[0] as { detail: unknown }).detail)}`,
    );
  }
}

describe('fuzzing every endpoint (seeded; see the printed seed)', () => {
  it(`the auth router answers ${AUTH_RUNS} random requests without a 5xx or a stack`, async () => {
    const authArb = fc.oneof(
      { weight: 20, arbitrary: fuzzRequest('/auth', AUTH_ROUTES, known, 16 * 1024) },
      { weight: 1, arbitrary: fuzzRequest('/api/private', PRIVATE_ROUTES, known, 16 * 1024) },
      { weight: 1, arbitrary: fuzzRequest('/machine', PRIVATE_ROUTES, known, 16 * 1024) },
      { weight: 2, arbitrary: fuzzRequest('/tools', TOOLS_ROUTES, known, 16 * 1024) },
    );
    // fc.assert throws on the first failing request (with its seed and shrunk case).
    await expect(
      fc.assert(fc.asyncProperty(authArb, check), { seed, numRuns: AUTH_RUNS }),
    ).resolves.toBeUndefined();
  }, 240_000);

  it(`the admin router answers ${ADMIN_RUNS} random requests, with and without the secret`, async () => {
    const withSecret = fc.constantFrom(
      `Bearer ${ADMIN_SECRET}`,
      `bearer ${ADMIN_SECRET}`,
      `Bearer ${ADMIN_SECRET} `,
    );
    const adminArb = fc
      .tuple(
        fuzzRequest('/admin', ADMIN_ROUTES, [...known, marker('USER_ID')], 100 * 1024),
        fc.option(withSecret, { freq: 4 }),
      )
      .map(([req, auth]): FuzzRequest =>
        auth === null
          ? req
          : {
              ...req,
              headers: [
                ...req.headers.filter(([k]) => k !== 'authorization'),
                ['authorization', auth],
              ],
            },
      );
    await expect(
      fc.assert(fc.asyncProperty(adminArb, check), { seed, numRuns: ADMIN_RUNS }),
    ).resolves.toBeUndefined();
  }, 240_000);
});
