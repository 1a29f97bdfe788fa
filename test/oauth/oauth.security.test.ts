import { CookieJar, errorCode, send } from './browser';
import { atAuthorization, atCallback, startOidcEnv, type OidcEnv } from './oidc-env';

/** Follows a callback URL in `jar` and returns where the app sends the browser. */
async function callbackIn(jar: CookieJar, url: URL): Promise<URL> {
  const res = await send(jar, url);
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!);
}

describe('OAuth callback security (state, PKCE, ID token, mix-up)', () => {
  let env: OidcEnv;
  beforeAll(async () => {
    env = await startOidcEnv();
    await env.provider.addAccount({ sub: 'sam', email: 'sam@example.test', email_verified: true });
  });
  afterAll(() => env.close());

  /** Runs the flow in `jar` up to the provider's redirect back to the app; returns that URL. */
  async function callbackUrl(jar: CookieJar, name = 'idp'): Promise<URL> {
    const { location } = await env.signIn(jar, name, { login: 'sam', stopAt: atCallback });
    expect(location.pathname).toBe(`/auth/oauth/${name}/callback`);
    expect(location.searchParams.get('code')).toBeTruthy();
    return location;
  }

  describe('state', () => {
    it('binds the flow to the browser that started it: another browser gets OAUTH_STATE_MISMATCH', async () => {
      const victim = new CookieJar();
      const cb = await callbackUrl(victim);
      const attacker = new CookieJar();
      expect(errorCode(await callbackIn(attacker, cb))).toBe('OAUTH_STATE_MISMATCH');
      expect((await env.whoAmI(attacker)).status).toBe(401);
      // The refusal did not spend the victim's flow: the browser that started it still signs in.
      expect((await callbackIn(victim, cb)).href).toBe('https://app.example.test/');
      expect((await env.whoAmI(victim)).status).toBe(200);
    });

    it('refuses a modified state and signs nobody in', async () => {
      const jar = new CookieJar();
      const cb = await callbackUrl(jar);
      const state = cb.searchParams.get('state')!;
      cb.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
      expect(errorCode(await callbackIn(jar, cb))).toBe('OAUTH_STATE_MISMATCH');
      expect((await env.whoAmI(jar)).status).toBe(401);
    });

    it('refuses a callback without state', async () => {
      const jar = new CookieJar();
      const cb = await callbackUrl(jar);
      cb.searchParams.delete('state');
      expect(errorCode(await callbackIn(jar, cb))).toBe('OAUTH_STATE_MISMATCH');
    });

    it('spends the state once: a replay fails, even with a copy of the flow cookie', async () => {
      const jar = new CookieJar();
      const cb = await callbackUrl(jar);
      const copy = jar.clone();
      expect((await callbackIn(jar, cb)).href).toBe('https://app.example.test/');
      // The flow cookie is cleared by the first callback…
      expect(jar.has('keyward-oauth-idp')).toBe(false);
      expect(errorCode(await callbackIn(jar, cb))).toBe('OAUTH_STATE_MISMATCH');
      // …and a stolen copy of it does not bring the spent state back.
      const thief = copy.clone();
      expect(errorCode(await callbackIn(thief, cb))).toBe('OAUTH_STATE_MISMATCH');
      expect((await env.whoAmI(thief)).status).toBe(401);
    });

    it('refuses a forged flow cookie', async () => {
      const jar = new CookieJar();
      const cb = await callbackUrl(jar);
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(
        JSON.stringify({
          typ: 'keyward-oauth-flow',
          provider: 'idp',
          state: cb.searchParams.get('state'),
          codeVerifier: 'x'.repeat(43),
          exp: Math.floor(Date.now() / 1000) + 600,
        }),
      ).toString('base64url');
      const res = await fetch(cb, {
        redirect: 'manual',
        headers: { cookie: `keyward-oauth-idp=${header}.${payload}.` },
      });
      expect(errorCode(new URL(res.headers.get('location')!))).toBe('OAUTH_STATE_MISMATCH');
    });
  });

  it('mix-up defence: provider B refuses a callback carrying provider A’s code and state', async () => {
    const jar = new CookieJar();
    const fromA = await callbackUrl(jar, 'idp');
    // The same browser also has a flow at B in progress, so B has a flow cookie of its own.
    await callbackUrl(jar, 'idp-b');
    const atB = new URL(env.callback('idp-b'));
    fromA.searchParams.forEach((value, key) => atB.searchParams.set(key, value));
    expect(errorCode(await callbackIn(jar, atB))).toBe('OAUTH_STATE_MISMATCH');
    expect((await env.whoAmI(jar)).status).toBe(401);
  });

  it('refuses a response whose RFC 9207 iss is not the configured issuer', async () => {
    const jar = new CookieJar();
    const { location } = await env.signIn(jar, 'idp-wrongiss', { login: 'sam' });
    expect(errorCode(location)).toBe('OAUTH_ISSUER_MISMATCH');
    expect(jar.has('accessToken')).toBe(false);
  });

  it('a request without PKCE is refused by the provider, and the user lands on the error page', async () => {
    const jar = new CookieJar();
    const { location } = await env.signIn(jar, 'idp', {
      login: 'sam',
      rewrite: (url) => {
        if (!atAuthorization(env.provider.issuer)(url)) return url;
        url.searchParams.delete('code_challenge');
        url.searchParams.delete('code_challenge_method');
        return url;
      },
    });
    expect(errorCode(location)).toBe('OAUTH_PROVIDER_ERROR');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(jar.has('accessToken')).toBe(false);
  });

  describe('ID token', () => {
    it('refuses an ID token whose nonce is not the one this browser’s flow sent', async () => {
      const jar = new CookieJar();
      const { location } = await env.signIn(jar, 'idp', {
        login: 'sam',
        rewrite: (url) => {
          if (!url.href.startsWith(`${env.provider.issuer}/auth?`)) return url;
          url.searchParams.set('nonce', 'a-nonce-chosen-by-an-attacker-0123456789abc');
          return url;
        },
      });
      expect(errorCode(location)).toBe('OAUTH_ID_TOKEN_INVALID');
      expect(jar.has('accessToken')).toBe(false);
    });

    it('refuses an ID token whose signature does not verify with the provider’s JWKS', async () => {
      const jar = new CookieJar();
      const { location } = await env.signIn(jar, 'idp-badkeys', { login: 'sam' });
      expect(errorCode(location)).toBe('OAUTH_ID_TOKEN_INVALID');
      expect(jar.has('accessToken')).toBe(false);
    });
  });

  it('never answers a callback failure with a 500 or a stack trace', async () => {
    for (const query of [
      '',
      '?code=x',
      '?state=%00',
      '?code=a&code=b&state=c',
      '?error=%3Cscript%3E',
    ]) {
      const res = await send(new CookieJar(), `${env.callback('idp')}${query}`);
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin).toBe('https://app.example.test');
      expect(location.pathname).toBe('/auth/error');
      expect(await res.text()).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});
