import { CookieJar, browse, errorCode, send } from './browser';
import { startOidcEnv, type OidcEnv } from './oidc-env';

const SITES = ['https://app.example.test', 'https://other.example.test', 'myapp://auth/callback'];

describe('OAuth with a list of site URLs (email.siteUrl: [...])', () => {
  let env: OidcEnv;
  beforeAll(async () => {
    env = await startOidcEnv({ siteUrl: SITES });
    await env.provider.addAccount({ sub: 'sam', email: 'sam@example.test', email_verified: true });
  });
  afterAll(() => env.close());

  /** Starts at /auth/oauth/idp with an Origin header (and returnTo), then follows the flow. */
  async function signInFrom(origin: string | undefined, returnTo?: string) {
    const jar = new CookieJar();
    const start = new URL(`${env.app}/auth/oauth/idp`);
    if (returnTo !== undefined) start.searchParams.set('returnTo', returnTo);
    const res = await fetch(start, {
      redirect: 'manual',
      headers: origin ? { origin } : {},
    });
    jar.store(res, start);
    if (res.status !== 302)
      return { jar, status: res.status, body: (await res.json()) as { code?: string } };
    const { location } = await browse(jar, new URL(res.headers.get('location')!), { login: 'sam' });
    return { jar, status: res.status, location };
  }

  describe('attacks', () => {
    it('an Origin outside the list does not steer the redirect: the first site gets it', async () => {
      const { jar, location } = await signInFrom('https://evil.example');
      expect(location!.href).toBe('https://app.example.test/');
      expect((await env.whoAmI(jar)).status).toBe(200);
    });

    it("the opaque Origin 'null' (sandboxed frame, file: page) selects no app link", async () => {
      const { location } = await signInFrom('null');
      expect(location!.href).toBe('https://app.example.test/');
    });

    it.each([
      'https://evil.example/',
      'myapp://evil/callback',
      'myapp://auth/elsewhere',
      'otherapp://auth/callback',
      'javascript:alert(1)',
      'data:text/html,hi',
      '//evil.example/x',
    ])('refuses returnTo %s with 400 OAUTH_INVALID_RETURN_TO', async (returnTo) => {
      const { status, body } = await signInFrom('https://other.example.test', returnTo);
      expect(status).toBe(400);
      expect(body!.code).toBe('OAUTH_INVALID_RETURN_TO');
    });

    it('an error page goes to the site chosen at the start, never to a foreign origin', async () => {
      const jar = new CookieJar();
      const start = new URL(`${env.app}/auth/oauth/idp`);
      const first = await fetch(start, {
        redirect: 'manual',
        headers: { origin: 'https://other.example.test' },
      });
      jar.store(first, start);
      // The provider's redirect back is forged with a wrong state: an error page, on that site.
      const cb = new URL(`${env.callback('idp')}?code=x&state=forged`);
      const res = await send(jar, cb);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin).toBe('https://other.example.test');
      expect(errorCode(location)).toBe('OAUTH_STATE_MISMATCH');
    });
  });

  it('returns to the listed site the Origin names, carried through the flow cookie', async () => {
    const { jar, location } = await signInFrom('https://other.example.test');
    expect(location!.href).toBe('https://other.example.test/');
    expect((await env.whoAmI(jar)).status).toBe(200);
  });

  it('returns to an app link beneath a listed one (deep link for a mobile app)', async () => {
    const { location } = await signInFrom(undefined, 'myapp://auth/callback/done?x=1');
    expect(location!.href).toBe('myapp://auth/callback/done?x=1');
  });

  it('a relative returnTo lands on the site the Origin names', async () => {
    const { location } = await signInFrom('https://other.example.test', '/dashboard');
    expect(location!.href).toBe('https://other.example.test/dashboard');
  });
});
