import { AuthError, InMemoryUserStore, type GenericOAuthProviderConfig } from 'keyward';
import { createTestApp, type TestApp } from '../helpers/app';
import { CookieJar, SITE, browse, errorCode, send } from './browser';
import { documentFor, startDocumentServer, type DocumentServer } from './discovery-document';
import { atCallback } from './oidc-env';
import {
  recordingLogger,
  startImpostorJwks,
  startOidcProvider,
  startServer,
  type LocalServer,
  type OidcProvider,
} from './servers';
import { AppOidcStrategy } from './strategies';
import { advanceClock as advance, fakeDateOnly } from '../helpers/clock';

const CLIENT_SECRET = 'keyward-discovery-secret-0123456789';
const HOUR = 3_600_000;
/** The strategies that sign in at the real provider (their callbacks are registered there). */
const AT_PROVIDER = ['disc', 'disc-jwks', 'disc-authz'];

describe('GenericOAuthStrategy configured from an issuer (OpenID Connect discovery)', () => {
  let provider: OidcProvider;
  let app: LocalServer;
  let badKeys: LocalServer;
  let decoy: LocalServer;
  let t: TestApp;
  const docs: Record<string, DocumentServer> = {};
  const strategies: Record<string, AppOidcStrategy> = {};
  const logs: string[] = [];
  let downIssuer: string;

  beforeAll(async () => {
    app = await startServer();
    decoy = await startServer();
    const callbackUrl = (name: string) => `${app.url}/auth/oauth/${name}/callback`;
    provider = await startOidcProvider([
      {
        client_id: 'keyward-disc',
        client_secret: CLIENT_SECRET,
        redirect_uris: AT_PROVIDER.map(callbackUrl),
        token_endpoint_auth_method: 'client_secret_post',
      },
    ]);
    const { issuer } = provider;
    badKeys = await startImpostorJwks(issuer);
    // An address nothing listens on any more.
    const gone = await startServer();
    downIssuer = gone.url;
    await gone.close();
    for (const name of [
      'impostor',
      'cached',
      'plain',
      'flaky',
      'refresh-attack',
      'other-instance',
    ]) {
      docs[name] = await startDocumentServer();
    }

    const users = new InMemoryUserStore();
    const strategy = (name: string, extra: Partial<GenericOAuthProviderConfig> = {}) => {
      strategies[name] = new AppOidcStrategy(users, {
        name,
        clientId: 'keyward-disc',
        clientSecret: CLIENT_SECRET,
        callbackUrl: callbackUrl(name),
        issuer,
        scope: 'openid email profile',
        logger: recordingLogger(logs),
        ...extra,
      });
      return strategies[name];
    };
    const router = {
      oauthStrategies: [
        strategy('disc'),
        strategy('disc-jwks', { jwksUrl: `${badKeys.url}/jwks` }),
        strategy('disc-authz', { authorizationUrl: `${decoy.url}/authorize` }),
        strategy('disc-slash', { issuer: `${issuer}/` }),
        strategy('impostor', { issuer: docs['impostor']!.url }),
        strategy('cached', { issuer: docs['cached']!.url }),
        strategy('plain', { issuer: docs['plain']!.url }),
        strategy('flaky', { issuer: docs['flaky']!.url }),
        strategy('refresh-attack', { issuer: docs['refresh-attack']!.url }),
        strategy('down', { issuer: downIssuer, timeoutMs: 2000 }),
      ],
      rateLimit: { routes: { oauth: false as const } },
    };
    t = createTestApp({ userStore: users, config: { logger: recordingLogger(logs) }, router });
    app.handle(t.app);
  });
  afterEach(() => {
    jest.useRealTimers();
    logs.length = 0;
  });
  afterAll(async () => {
    await t?.close();
    await app?.close();
    await decoy?.close();
    await badKeys?.close();
    await Promise.all(Object.values(docs).map((d) => d.close()));
    await provider?.stop();
  });

  /** `GET /auth/oauth/<name>` in a fresh browser, without following the redirect. */
  async function start(name: string): Promise<Response> {
    return send(new CookieJar(), `${app.url}/auth/oauth/${name}`);
  }

  /** Where `GET /auth/oauth/<name>` sends the browser (the authorization endpoint in use). */
  async function authorizationEndpoint(name: string): Promise<string> {
    const res = await start(name);
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    return `${url.origin}${url.pathname}`;
  }

  /** The JSON error of a refused start: a 502 with exactly `error` and `code`, no stack. */
  async function refusedStart(name: string): Promise<{ error: string; code: string }> {
    const res = await start(name);
    expect(res.status).toBe(502);
    expect(res.headers.get('location')).toBeNull();
    const body = (await res.json()) as { error: string; code: string };
    expect(Object.keys(body).sort()).toEqual(['code', 'error']);
    expect(body.error).not.toMatch(/\bat .+:\d+|ECONNREFUSED|oauth4webapi/);
    return body;
  }

  it('signs a user in with only issuer, client credentials and scope configured', async () => {
    await provider.addAccount({
      sub: 'dora',
      email: 'dora@example.test',
      email_verified: true,
      name: 'Dora',
    });
    const jar = new CookieJar();
    const { location } = await browse(jar, `${app.url}/auth/oauth/disc`, { login: 'dora' });
    expect(location.href).toBe(`${SITE}/`);
    const user = await t.store.findByEmail('dora@example.test');
    expect(user).toMatchObject({ loginProvider: 'disc', providerAccountId: 'dora' });
    expect(user!.isEmailVerified).toBe(true);
    const me = await send(jar, `${app.url}/api/private`);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { sub: string } }).user.sub).toBe(user!.id);
  });

  it('takes the endpoints and jwks_uri from the provider document (discover())', async () => {
    const doc = (await (
      await fetch(`${provider.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(await strategies['disc']!.discover()).toEqual({
      issuer: provider.issuer,
      authorizationUrl: doc['authorization_endpoint'],
      tokenUrl: doc['token_endpoint'],
      userInfoUrl: doc['userinfo_endpoint'],
      jwksUrl: doc['jwks_uri'],
    });
    expect(await authorizationEndpoint('disc')).toBe(doc['authorization_endpoint']);
  });

  it('refuses a callback without iss once the discovered provider has promised it (RFC 9207)', async () => {
    await provider.addAccount({ sub: 'ivy', email: 'ivy@example.test', email_verified: true });
    const jar = new CookieJar();
    const { location } = await browse(jar, `${app.url}/auth/oauth/disc`, {
      login: 'ivy',
      rewrite: (url) => {
        if (atCallback(url)) url.searchParams.delete('iss');
        return url;
      },
    });
    expect(errorCode(location)).toBe('OAUTH_ISSUER_MISMATCH');
    expect(jar.has('accessToken')).toBe(false);
    expect(await t.store.findByEmail('ivy@example.test')).toBeNull();
  });

  it('refuses a discovery document that claims to be another issuer, and sends nobody there', async () => {
    // The impostor publishes the real provider's configuration, issuer included.
    const impostor = docs['impostor']!;
    impostor.serve(
      (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >,
    );
    expect((await refusedStart('impostor')).code).toBe('OAUTH_DISCOVERY_ISSUER_MISMATCH');
    const err: unknown = await strategies['impostor']!.discover().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ code: 'OAUTH_DISCOVERY_ISSUER_MISMATCH', statusCode: 502 });
    expect(logs.join('\n')).toContain(provider.issuer);
  });

  it('wants the document issuer character for character (a trailing slash is another issuer)', async () => {
    expect((await refusedStart('disc-slash')).code).toBe('OAUTH_DISCOVERY_ISSUER_MISMATCH');
  });

  it('refuses discovered endpoints that use plain http off the loopback interface', async () => {
    const plain = docs['plain']!;
    plain.serve({ ...documentFor(plain.url), token_endpoint: 'http://idp.example.test/token' });
    expect((await refusedStart('plain')).code).toBe('OAUTH_DISCOVERY_FAILED');
    expect(logs.join('\n')).toMatch(/token_endpoint/);
  });

  it('lets an explicit authorizationUrl override the discovered one', async () => {
    expect(await authorizationEndpoint('disc-authz')).toBe(`${decoy.url}/authorize`);
    const endpoints = await strategies['disc-authz']!.discover();
    expect(endpoints.authorizationUrl).toBe(`${decoy.url}/authorize`);
    // The rest still comes from the document.
    expect(endpoints.tokenUrl).toBe((await strategies['disc']!.discover()).tokenUrl);
  });

  it('verifies the ID token with an explicit jwksUrl over the discovered one (other keys: refused)', async () => {
    await provider.addAccount({ sub: 'jim', email: 'jim@example.test', email_verified: true });
    const jar = new CookieJar();
    const { location } = await browse(jar, `${app.url}/auth/oauth/disc-jwks`, { login: 'jim' });
    expect(errorCode(location)).toBe('OAUTH_ID_TOKEN_INVALID');
    expect(jar.has('accessToken')).toBe(false);
    expect(await t.store.findByEmail('jim@example.test')).toBeNull();
  });

  it('answers a clear 502 when the issuer cannot be reached, and logs why', async () => {
    expect(await refusedStart('down')).toEqual({
      error: expect.stringMatching(/discover/i),
      code: 'OAUTH_DISCOVERY_FAILED',
    });
    await expect(strategies['down']!.discover()).rejects.toMatchObject({
      code: 'OAUTH_DISCOVERY_FAILED',
      statusCode: 502,
    });
    expect(logs.join('\n')).toContain(downIssuer);
  });

  it('redirects a callback to the error page when its instance cannot discover the provider', async () => {
    // Another instance of the app (same secrets, its own strategy) started the flow while the
    // provider's document was available; this one meets the callback after it went away.
    const other = docs['other-instance']!;
    other.serve(documentFor(other.url));
    const second = await startServer();
    const users = new InMemoryUserStore();
    const make = () =>
      new AppOidcStrategy(users, {
        name: 'elsewhere',
        clientId: 'keyward-disc',
        clientSecret: CLIENT_SECRET,
        callbackUrl: `${second.url}/auth/oauth/elsewhere/callback`,
        issuer: other.url,
        scope: 'openid email',
        logger: recordingLogger(logs),
      });
    const first = createTestApp({ userStore: users, router: { oauthStrategies: [make()] } });
    const instanceB = createTestApp({
      userStore: users,
      config: { logger: recordingLogger(logs) },
      router: { oauthStrategies: [make()] },
    });
    try {
      const jar = new CookieJar();
      second.handle(first.app);
      const started = await send(jar, `${second.url}/auth/oauth/elsewhere`);
      expect(started.status).toBe(302);
      const state = new URL(started.headers.get('location')!).searchParams.get('state')!;

      other.serve(503);
      second.handle(instanceB.app);
      const callback = new URL(`${second.url}/auth/oauth/elsewhere/callback`);
      callback.searchParams.set('code', 'a-code');
      callback.searchParams.set('state', state);
      callback.searchParams.set('iss', other.url);
      const res = await send(jar, callback);
      expect(res.status).toBe(303);
      expect(errorCode(new URL(res.headers.get('location')!))).toBe('OAUTH_DISCOVERY_FAILED');
      expect(logs.join('\n')).toContain(`${other.url}/ failed: OAUTH_DISCOVERY_FAILED`);
    } finally {
      await first.close();
      await instanceB.close();
      await second.close();
    }
  });

  it('tries a failed first discovery again on the next use', async () => {
    const flaky = docs['flaky']!;
    flaky.serve(503);
    expect((await refusedStart('flaky')).code).toBe('OAUTH_DISCOVERY_FAILED');
    flaky.serve(documentFor(flaky.url));
    expect(await authorizationEndpoint('flaky')).toBe(`${flaky.url}/authorize`);
    expect(flaky.fetches).toBe(2);
  });

  it('discovers lazily, once for concurrent first uses, then reuses the document for an hour', async () => {
    fakeDateOnly();
    const cached = docs['cached']!;
    cached.serve(documentFor(cached.url, `${cached.url}/v1`));
    // Building the strategies and the router fetched nothing.
    expect(cached.fetches).toBe(0);
    const s = strategies['cached']!;
    const all = await Promise.all([s.discover(), s.discover(), s.discover()]);
    expect(all.map((e) => e.authorizationUrl)).toEqual(Array(3).fill(`${cached.url}/v1/authorize`));
    expect(cached.fetches).toBe(1);

    cached.serve(documentFor(cached.url, `${cached.url}/v2`));
    advance(HOUR - 60_000);
    expect(await authorizationEndpoint('cached')).toBe(`${cached.url}/v1/authorize`);
    expect(cached.fetches).toBe(1);

    advance(2 * 60_000);
    expect(await authorizationEndpoint('cached')).toBe(`${cached.url}/v2/authorize`);
    expect(cached.fetches).toBe(2);
  });

  it('keeps the last good document when a refresh fails, logs it, and recovers later', async () => {
    fakeDateOnly();
    const flaky = docs['flaky']!;
    const s = strategies['flaky']!;
    flaky.serve(documentFor(flaky.url, `${flaky.url}/good`));
    advance(HOUR + 1);
    expect((await s.discover()).authorizationUrl).toBe(`${flaky.url}/good/authorize`);
    const before = flaky.fetches;

    flaky.serve(500);
    advance(HOUR + 1);
    expect(await authorizationEndpoint('flaky')).toBe(`${flaky.url}/good/authorize`);
    expect(flaky.fetches).toBe(before + 1);
    expect(logs.join('\n')).toMatch(/refresh.*failed|failed.*refresh/i);
    // A provider that is down is not asked again on every sign-in.
    expect(await authorizationEndpoint('flaky')).toBe(`${flaky.url}/good/authorize`);
    expect(flaky.fetches).toBe(before + 1);

    flaky.serve(documentFor(flaky.url, `${flaky.url}/back`));
    advance(HOUR + 1);
    expect(await authorizationEndpoint('flaky')).toBe(`${flaky.url}/back/authorize`);
    expect(flaky.fetches).toBe(before + 2);
  });

  it('keeps the last good document when a refresh claims another issuer', async () => {
    fakeDateOnly();
    const server = docs['refresh-attack']!;
    server.serve(documentFor(server.url));
    expect(await authorizationEndpoint('refresh-attack')).toBe(`${server.url}/authorize`);
    server.serve(documentFor(provider.issuer, `${decoy.url}/evil`));
    advance(HOUR + 1);
    expect(await authorizationEndpoint('refresh-attack')).toBe(`${server.url}/authorize`);
    expect(server.fetches).toBe(2);
    expect(logs.join('\n')).toContain('OAUTH_DISCOVERY_ISSUER_MISMATCH');
  });
});
