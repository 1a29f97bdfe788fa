import { AuthEventNames } from 'keyward';
import { CookieJar, SITE, errorCode, send } from './browser';
import { startOidcEnv, type OidcEnv } from './oidc-env';

describe('OAuth sign-in against a real OpenID Provider', () => {
  let env: OidcEnv;
  beforeAll(async () => {
    env = await startOidcEnv({ corsOrigins: ['https://spa.example.test'] });
  });
  afterAll(() => env.close());

  // Each test signs in with a provider account of its own, so none depends on another's sign-in.
  let serial = 0;
  /** A new account at the provider (no user in the app yet); its sub and email. */
  async function providerAccount(name: string) {
    serial += 1;
    const sub = `${name}-${serial}-idp`;
    const email = `${name}-${serial}@example.test`;
    await env.provider.addAccount({ sub, email, email_verified: true, name });
    return { sub, email };
  }

  it('signs a new user in: PKCE, nonce and ID token, session cookies, redirect to the site', async () => {
    const { sub, email } = await providerAccount('alice');
    const jar = new CookieJar();
    const { location } = await env.signIn(jar, 'idp', { login: sub });
    expect(location.href).toBe(`${SITE}/`);
    expect(jar.has('accessToken')).toBe(true);
    const me = await env.whoAmI(jar);
    expect(me.status).toBe(200);
    const user = await env.t.store.findByEmail(email);
    expect(user).toMatchObject({ loginProvider: 'idp', providerAccountId: sub });
    expect(user!.isEmailVerified).toBe(true);
    expect(me.sub).toBe(user!.id);
    expect(await env.linked.getLinkedAccounts(user!.id)).toEqual([
      expect.objectContaining({ provider: 'idp', providerAccountId: sub }),
    ]);
    const own = env.t.events.filter((e) => e.userId === user!.id);
    expect(own.map((e) => e.event)).toContain(AuthEventNames.AUTH_OAUTH_SUCCESS);
    expect(own.find((e) => e.event === AuthEventNames.AUTH_LOGIN_SUCCESS)?.data).toEqual({
      provider: 'idp',
    });
  });

  it('signs the same user in again through the recorded link', async () => {
    const { sub, email } = await providerAccount('alice');
    await env.signIn(new CookieJar(), 'idp', { login: sub });
    const user = await env.t.store.findByEmail(email);
    expect(user).not.toBeNull();
    const jar = new CookieJar();
    const { location } = await env.signIn(jar, 'idp', { login: sub });
    expect(location.href).toBe(`${SITE}/`);
    expect((await env.whoAmI(jar)).sub).toBe(user!.id);
    // Still one user and one link for the provider account.
    expect(await env.linked.getLinkedAccounts(user!.id)).toHaveLength(1);
  });

  it('sends the authorization request with PKCE S256, a nonce, a 256-bit state and a flow cookie', async () => {
    const jar = new CookieJar();
    const res = await send(jar, `${env.app}/auth/oauth/idp`);
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(url.origin).toBe(env.provider.issuer);
    const p = url.searchParams;
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(Buffer.from(p.get('state')!, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(p.get('redirect_uri')).toBe(env.callback('idp'));
    const line = res.headers.getSetCookie().find((c) => c.startsWith('keyward-oauth-idp='))!;
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    expect(line).toContain('Path=/auth/oauth/idp/callback');
    // The flow cookie carries the verifier: it must not be readable as the challenge's input.
    expect(line).not.toContain(p.get('code_challenge')!);
  });

  it('signs in with GoogleStrategy (endpoints overridden) using client_secret_basic', async () => {
    await env.provider.addAccount({
      sub: 'gina-g',
      email: 'gina@example.test',
      email_verified: true,
    });
    const jar = new CookieJar();
    const { location } = await env.signIn(jar, 'google', { login: 'gina-g' });
    expect(location.href).toBe(`${SITE}/`);
    const user = await env.t.store.findByEmail('gina@example.test');
    expect(user).toMatchObject({ loginProvider: 'google', providerAccountId: 'gina-g' });
    expect((await env.whoAmI(jar)).sub).toBe(user!.id);
  });

  it('accepts a response_mode=form_post callback (a POST) and signs in', async () => {
    await env.provider.addAccount({ sub: 'fay', email: 'fay@example.test', email_verified: true });
    const jar = new CookieJar();
    const { location } = await env.signIn(jar, 'idp-formpost', { login: 'fay' });
    expect(location.href).toBe(`${SITE}/`);
    expect((await env.whoAmI(jar)).status).toBe(200);
  });

  it('returns to a page of the site or of an allowed origin given as returnTo', async () => {
    const { sub } = await providerAccount('rita');
    const jar = new CookieJar();
    const onSite = await env.signIn(jar, 'idp', {
      login: sub,
      returnTo: '/dashboard?tab=1',
    });
    expect(onSite.location.href).toBe(`${SITE}/dashboard?tab=1`);
    const jar2 = new CookieJar();
    const spa = await env.signIn(jar2, 'idp', {
      login: sub,
      returnTo: 'https://spa.example.test/home',
    });
    expect(spa.location.href).toBe('https://spa.example.test/home');
  });

  it.each([
    'https://evil.example/phish',
    '//evil.example/phish',
    '/\\evil.example/phish',
    'javascript:alert(1)',
    'http://app.example.test/',
  ])('refuses returnTo %s (no open redirect)', async (returnTo) => {
    const res = await send(
      new CookieJar(),
      `${env.app}/auth/oauth/idp?returnTo=${encodeURIComponent(returnTo)}`,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'OAUTH_INVALID_RETURN_TO' });
  });

  it('answers 404 for a provider that is not configured', async () => {
    const res = await send(new CookieJar(), `${env.app}/auth/oauth/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('redirects a user who denies consent at the provider to the error page', async () => {
    const jar = new CookieJar();
    const start = await send(jar, `${env.app}/auth/oauth/idp`);
    const auth = new URL(start.headers.get('location')!);
    // What the provider sends back when the user cancels.
    const cb = new URL(env.callback('idp'));
    cb.searchParams.set('error', 'access_denied');
    cb.searchParams.set('state', auth.searchParams.get('state')!);
    cb.searchParams.set('iss', env.provider.issuer);
    const res = await send(jar, cb);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(errorCode(location)).toBe('OAUTH_PROVIDER_ERROR');
    expect(location.searchParams.get('error')).toBe('access_denied');
  });
});
