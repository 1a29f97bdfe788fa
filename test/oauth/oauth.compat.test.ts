import type { ErrorRequestHandler } from 'express';
import {
  AuthConfigError,
  AuthError,
  InMemoryUserStore,
  createAuthRouter,
  type BaseOAuthStrategy,
  type GenericOAuthProviderConfig,
} from 'keyward';
import { ACCESS_SECRET, REFRESH_SECRET, SITE_URL } from '../helpers/app';
import { CookieJar, SITE, browse, errorCode, send } from './browser';
import { CLIENT_SECRET, atAuthorization, atCallback, startOidcEnv, type OidcEnv } from './oidc-env';
import { recordingLogger } from './servers';
import { AppOidcStrategy } from './strategies';

/**
 * The reference's `GenericOAuthStrategy.getAuthorizationUrl` and scopes given as a list, through
 * the public API, against the real OpenID Provider: a sign-in started from the application's own
 * route finishes through the router's callback, with the same state, PKCE and nonce protections.
 */
describe('OAuth compatibility: getAuthorizationUrl and scope lists', () => {
  let env: OidcEnv;
  /** Strategies that no router mounts, or that two routers mount (set before the routes run). */
  const extra = new Map<string, BaseOAuthStrategy>();

  beforeAll(async () => {
    env = await startOidcEnv();
    await env.provider.addAccount({
      sub: 'cora',
      email: 'cora@example.test',
      email_verified: true,
      name: 'Cora Compat',
    });
    // The application's own sign-in route, reference style: it asks the strategy for the URL.
    env.t.app.get('/login/:name', async (req, res, next) => {
      try {
        const name = req.params.name;
        const strategy = extra.get(name) ?? env.strategy(name);
        const returnTo =
          typeof req.query['returnTo'] === 'string' ? req.query['returnTo'] : undefined;
        res.redirect(302, await strategy.getAuthorizationUrl(res, { returnTo }));
      } catch (err) {
        next(err);
      }
    });
    const answerError: ErrorRequestHandler = (err, _req, res, _next) => {
      const e = err as AuthError;
      res.status(e.statusCode ?? 500).json({ code: e.code });
    };
    env.t.app.use(answerError);
  });
  afterAll(() => env.close());

  const start = (name: string, returnTo?: string) => {
    const url = new URL(`${env.app}/login/${name}`);
    if (returnTo !== undefined) url.searchParams.set('returnTo', returnTo);
    return url;
  };

  describe('getAuthorizationUrl', () => {
    it('starts a sign-in from a custom route that completes through the router callback', async () => {
      const jar = new CookieJar();
      const { location } = await browse(jar, start('idp'), { login: 'cora' });
      expect(location.href).toBe(`${SITE}/`);
      const user = await env.t.store.findByEmail('cora@example.test');
      expect(user).toMatchObject({ loginProvider: 'idp', providerAccountId: 'cora' });
      expect((await env.whoAmI(jar)).sub).toBe(user!.id);
    });

    it('gives a URL with state, PKCE S256 and nonce, and sets the flow cookie as the router does', async () => {
      const jar = new CookieJar();
      const res = await send(jar, start('idp'));
      expect(res.status).toBe(302);
      expect(res.headers.get('cache-control')).toMatch(/no-store/);
      const url = new URL(res.headers.get('location')!);
      expect(url.href.startsWith(`${env.provider.issuer}/auth?`)).toBe(true);
      const p = url.searchParams;
      expect(p.get('code_challenge_method')).toBe('S256');
      expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(p.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(Buffer.from(p.get('state')!, 'base64url').length).toBeGreaterThanOrEqual(32);
      expect(p.get('redirect_uri')).toBe(env.callback('idp'));
      expect(p.get('scope')).toBe('openid email profile');
      const line = res.headers.getSetCookie().find((c) => c.startsWith('keyward-oauth-idp='))!;
      expect(line).toMatch(/HttpOnly/i);
      expect(line).toContain('Path=/auth/oauth/idp/callback');
      // Each call is a new flow with its own state.
      const again = new URL((await send(new CookieJar(), start('idp'))).headers.get('location')!);
      expect(again.searchParams.get('state')).not.toBe(p.get('state'));
    });

    it('carries returnTo through the flow, and refuses one outside the site', async () => {
      const jar = new CookieJar();
      const { location } = await browse(jar, start('idp', '/dashboard?tab=2'), { login: 'cora' });
      expect(location.href).toBe(`${SITE_URL}/dashboard?tab=2`);
      const res = await send(new CookieJar(), start('idp', 'https://evil.example/phish'));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ code: 'OAUTH_INVALID_RETURN_TO' });
    });

    it('spends the state of its URL once: a replayed callback is refused, even with the cookie', async () => {
      const jar = new CookieJar();
      const { location: cb } = await browse(jar, start('idp'), {
        login: 'cora',
        stopAt: atCallback,
      });
      expect(cb.searchParams.get('code')).toBeTruthy();
      const copy = jar.clone();
      const first = await send(jar, cb);
      expect(first.headers.get('location')).toBe(`${SITE}/`);
      const replay = await send(copy, cb);
      expect(replay.status).toBe(303);
      expect(errorCode(new URL(replay.headers.get('location')!))).toBe('OAUTH_STATE_MISMATCH');
      expect((await env.whoAmI(copy)).status).toBe(401);
    });

    it('refuses a callback from a browser that lacks the flow (its verifier and state)', async () => {
      const jar = new CookieJar();
      const { location: cb } = await browse(jar, start('idp'), {
        login: 'cora',
        stopAt: atCallback,
      });
      const stranger = new CookieJar();
      const res = await send(stranger, cb);
      expect(errorCode(new URL(res.headers.get('location')!))).toBe('OAUTH_STATE_MISMATCH');
      expect((await env.whoAmI(stranger)).status).toBe(401);
    });

    it('throws OAUTH_RESPONSE_REQUIRED for the reference call without the response', () => {
      const strategy = env.strategy('idp');
      const call = (...args: unknown[]) =>
        (strategy.getAuthorizationUrl as (...a: unknown[]) => Promise<string>)(...args);
      for (const args of [[], ['my-own-state']]) {
        let thrown: unknown;
        try {
          void call(...args);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(AuthError);
        expect((thrown as AuthError).code).toBe('OAUTH_RESPONSE_REQUIRED');
        expect((thrown as AuthError).message).toMatch(/getAuthorizationUrl\(res/);
      }
    });

    it('throws OAUTH_STRATEGY_NOT_MOUNTED for a strategy no router mounts, or two routers do', async () => {
      const config = (name: string): GenericOAuthProviderConfig => ({
        name,
        clientId: 'keyward-app',
        clientSecret: CLIENT_SECRET,
        callbackUrl: env.callback(name),
        authorizationUrl: `${env.provider.issuer}/auth`,
        tokenUrl: `${env.provider.issuer}/token`,
        scope: 'email',
      });
      const users = new InMemoryUserStore();
      extra.set('loose', new AppOidcStrategy(users, config('loose')));
      const twice = new AppOidcStrategy(users, config('twice'));
      const routerConfig = {
        accessTokenSecret: ACCESS_SECRET,
        refreshTokenSecret: REFRESH_SECRET,
        email: { siteUrl: SITE_URL },
        logger: recordingLogger([]),
      };
      createAuthRouter(users, routerConfig, { oauthStrategies: [twice] });
      createAuthRouter(users, routerConfig, { oauthStrategies: [twice] });
      extra.set('twice', twice);
      for (const name of ['loose', 'twice']) {
        const res = await send(new CookieJar(), start(name));
        expect(res.status).toBe(500);
        expect(await res.json()).toEqual({ code: 'OAUTH_STRATEGY_NOT_MOUNTED' });
      }
    });
  });

  describe('scope as a list', () => {
    it('gives the same scope in the authorization URL as the string, and signs in', async () => {
      const stopAt = atAuthorization(env.provider.issuer);
      const fromString = await browse(new CookieJar(), start('idp'), { stopAt });
      const fromList = await browse(new CookieJar(), start('idp-list'), { stopAt });
      expect(fromList.location.searchParams.get('scope')).toBe('openid email profile');
      expect(fromList.location.searchParams.get('scope')).toBe(
        fromString.location.searchParams.get('scope'),
      );
      // `openid` in the list makes it OpenID Connect: a nonce is sent and the ID token verified.
      expect(fromList.location.searchParams.get('nonce')).toBeTruthy();
      await env.provider.addAccount({
        sub: 'lisa',
        email: 'lisa@example.test',
        email_verified: true,
      });
      const jar = new CookieJar();
      const { location } = await env.signIn(jar, 'idp-list', { login: 'lisa' });
      expect(location.href).toBe(`${SITE}/`);
      expect((await env.whoAmI(jar)).status).toBe(200);
    });

    it('is validated as the string is: openid in the list needs issuer and a JWKS', () => {
      const users = new InMemoryUserStore();
      const base = {
        name: 'acme',
        clientId: 'id',
        clientSecret: 'secret',
        callbackUrl: 'https://api.example.test/auth/oauth/acme/callback',
        authorizationUrl: 'https://id.acme.example/authorize',
        tokenUrl: 'https://id.acme.example/token',
      };
      const problems = (scope: GenericOAuthProviderConfig['scope']) => {
        try {
          new AppOidcStrategy(users, { ...base, scope });
        } catch (err) {
          if (err instanceof AuthConfigError) return err.problems;
          throw err;
        }
        return [];
      };
      expect(problems(['openid', 'email'])).toEqual(problems('openid email'));
      expect(problems(['openid', 'email'])).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/jwksUrl is required/),
          expect.stringMatching(/issuer is required/),
        ]),
      );
      expect(problems(['email', 'profile'])).toEqual([]);
      const list = new AppOidcStrategy(users, { ...base, scope: ['email', 'profile'] });
      expect(list.settings).toMatchObject({ scope: 'email profile', oidc: false });
      for (const bad of [['open id'], [''], ['email', 'a"b'], [42]] as unknown as string[][]) {
        expect(problems(bad)).toEqual([expect.stringMatching(/scope must be/)]);
      }
    });

    it('with openid in the list, discovers the JWKS from the issuer', async () => {
      const strategy = new AppOidcStrategy(new InMemoryUserStore(), {
        name: 'sso',
        issuer: env.provider.issuer,
        clientId: 'keyward-app',
        clientSecret: CLIENT_SECRET,
        callbackUrl: env.callback('sso'),
        scope: ['openid', 'email'],
      });
      expect(strategy.settings.oidc).toBe(true);
      expect(await strategy.discover()).toMatchObject({
        issuer: env.provider.issuer,
        jwksUrl: `${env.provider.issuer}/jwks`,
      });
    });
  });
});
