import {
  InMemoryLinkedAccountsStore,
  InMemoryPendingLinkStore,
  InMemoryUserStore,
  type BaseOAuthStrategy,
  type GenericOAuthProviderConfig,
} from 'keyward';
import { createTestApp, type TestApp } from '../helpers/app';
import { CookieJar, browse, send, type BrowseOptions } from './browser';
import {
  recordingLogger,
  startImpostorJwks,
  startOidcProvider,
  startServer,
  type LocalServer,
  type OidcProvider,
} from './servers';
import { AppGoogleStrategy, AppOidcStrategy, NaiveStrategy } from './strategies';

export const CLIENT_SECRET = 'keyward-app-secret-0123456789';
export const BASIC_SECRET = 'keyward-basic-secret-0123456789';

/** Strategies registered with `client_secret_post`, and those registered with `client_secret_basic`. */
const POST_CLIENT = [
  'idp',
  'idp-b',
  'idp-naive',
  'idp-badkeys',
  'idp-wrongiss',
  'idp-formpost',
  'idp-list',
];
const BASIC_CLIENT = ['google'];

export interface OidcEnv {
  t: TestApp;
  /** What keyward logged (refused sign-ins are logged as warnings for the operator). */
  logs: string[];
  app: string;
  provider: OidcProvider;
  linked: InMemoryLinkedAccountsStore;
  pending: InMemoryPendingLinkStore;
  /** Starts a sign-in at `/auth/oauth/<name>` in `jar` and follows it. */
  signIn(
    jar: CookieJar,
    name: string,
    options?: BrowseOptions & { returnTo?: string },
  ): ReturnType<typeof browse>;
  /** The app's callback URL for a strategy. */
  callback(name: string): string;
  /** A strategy the router mounts, by name. */
  strategy(name: string): BaseOAuthStrategy;
  /** GET /api/private with the jar's cookies. */
  whoAmI(jar: CookieJar): Promise<{ status: number; sub?: string }>;
  close(): Promise<void>;
}

/**
 * The app (keyward mounted at /auth on 127.0.0.1) and a real OpenID Provider (PKCE required)
 * with two registered clients, plus a server publishing a JWKS with the provider's key ids but
 * other keys (for the signature check).
 */
export async function startOidcEnv(
  options: {
    captureMagicLinks?: boolean;
    corsOrigins?: string[];
    siteUrl?: string | string[];
  } = {},
): Promise<OidcEnv> {
  const server: LocalServer = await startServer();
  const callback = (name: string) => `${server.url}/auth/oauth/${name}/callback`;
  const provider = await startOidcProvider([
    {
      client_id: 'keyward-app',
      client_secret: CLIENT_SECRET,
      redirect_uris: POST_CLIENT.map(callback),
      token_endpoint_auth_method: 'client_secret_post',
    },
    {
      client_id: 'keyward-basic',
      client_secret: BASIC_SECRET,
      redirect_uris: BASIC_CLIENT.map(callback),
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ]);
  const { issuer } = provider;
  const badKeys = await startImpostorJwks(issuer);

  const users = new InMemoryUserStore();
  const linked = new InMemoryLinkedAccountsStore();
  const pending = new InMemoryPendingLinkStore();
  const config = (name: string, extra: Partial<GenericOAuthProviderConfig> = {}) => ({
    name,
    clientId: 'keyward-app',
    clientSecret: CLIENT_SECRET,
    callbackUrl: callback(name),
    authorizationUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    userInfoUrl: `${issuer}/me`,
    jwksUrl: `${issuer}/jwks`,
    issuer,
    scope: 'openid email profile',
    ...extra,
  });
  const strategies: BaseOAuthStrategy[] = [
    new AppOidcStrategy(users, config('idp')),
    new AppOidcStrategy(users, config('idp-b')),
    new NaiveStrategy(users, config('idp-naive')),
    new AppOidcStrategy(users, config('idp-badkeys', { jwksUrl: `${badKeys.url}/jwks` })),
    new AppOidcStrategy(users, config('idp-wrongiss', { issuer: `${issuer}/elsewhere` })),
    new AppOidcStrategy(users, config('idp-formpost', { responseMode: 'form_post' })),
    // The scope as a list (reference style): the same as 'openid email profile'.
    new AppOidcStrategy(users, config('idp-list', { scope: ['openid', 'email', 'profile'] })),
  ];
  const google = new AppGoogleStrategy(users, {
    clientId: 'keyward-basic',
    clientSecret: BASIC_SECRET,
    callbackUrl: callback('google'),
    clientAuthMethod: 'client_secret_basic',
    issuer,
    authorizationUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    userInfoUrl: `${issuer}/me`,
    jwksUrl: `${issuer}/jwks`,
  });
  const logs: string[] = [];
  const t = createTestApp({
    config: {
      logger: recordingLogger(logs),
      ...(options.siteUrl ? { email: { siteUrl: options.siteUrl } } : {}),
      // With mail captured, the link is also offered as a second factor (not by default).
      ...(options.captureMagicLinks
        ? { twoFactor: { methods: ['totp', 'sms', 'magic-link'] as const } }
        : {}),
    },
    userStore: users,
    captureMagicLinks: options.captureMagicLinks,
    router: {
      googleStrategy: google,
      oauthStrategies: strategies,
      linkedAccountsStore: linked,
      pendingLinkStore: pending,
      ...(options.corsOrigins ? { cors: { origins: options.corsOrigins } } : {}),
    },
  });
  server.handle(t.app);

  return {
    t,
    logs,
    app: server.url,
    provider,
    linked,
    pending,
    callback,
    strategy(name) {
      const found = [google, ...strategies].find((s) => s.name === name);
      if (!found) throw new Error(`no strategy ${name}`);
      return found;
    },
    signIn(jar, name, opts = {}) {
      const start = new URL(`${server.url}/auth/oauth/${name}`);
      if (opts.returnTo !== undefined) start.searchParams.set('returnTo', opts.returnTo);
      return browse(jar, start, opts);
    },
    async whoAmI(jar) {
      const res = await send(jar, `${server.url}/api/private`);
      const body = (await res.json()) as { user?: { sub?: string } };
      return { status: res.status, sub: body.user?.sub };
    },
    async close() {
      await t.close();
      await server.close();
      await badKeys.close();
      await provider.stop();
    },
  };
}

/** Stops at the app's callback (before the browser reaches it). */
export const atCallback = (url: URL) => url.pathname.endsWith('/callback');
/** Stops at the provider's authorization endpoint (before the browser reaches it). */
export const atAuthorization = (issuer: string) => (url: URL) =>
  url.href.startsWith(`${issuer}/auth?`);
