import { InMemoryUserStore } from 'keyward';
import { createTestApp, type TestApp } from '../helpers/app';
import { CookieJar, SITE, browse, errorCode, send } from './browser';
import { startFakeOidc, type FakeOidc } from './fake-oidc';
import { recordingLogger, startServer, type LocalServer } from './servers';
import { AppOidcStrategy } from './strategies';

const CLIENT_ID = 'keyward-fake-idp';
const CLIENT_SECRET = 'fake-idp-client-secret-0123456789';
const NAME = 'fake-idp';
/** The same provider configured from its issuer alone (endpoints and JWKS discovered). */
const DISCOVERED = 'fake-idp-disc';

/**
 * ID tokens oidc-provider will not issue (another client's audience, already expired), from a
 * stand-in provider that signs them with its real published key and the flow's own nonce, so
 * the claim under test is the only thing wrong with them.
 */
describe('OAuth ID token claims (fake OpenID Provider)', () => {
  let idp: FakeOidc;
  let app: LocalServer;
  let t: TestApp;
  const logs: string[] = [];

  beforeAll(async () => {
    idp = await startFakeOidc({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      account: { sub: 'fake-sam', email: 'fake-sam@example.test' },
    });
    app = await startServer();
    const users = new InMemoryUserStore();
    const strategy = new AppOidcStrategy(users, {
      name: NAME,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      callbackUrl: `${app.url}/auth/oauth/${NAME}/callback`,
      issuer: idp.issuer,
      authorizationUrl: idp.authorizationUrl,
      tokenUrl: idp.tokenUrl,
      userInfoUrl: idp.userInfoUrl,
      jwksUrl: idp.jwksUrl,
      scope: 'openid email',
    });
    const discovered = new AppOidcStrategy(users, {
      name: DISCOVERED,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      callbackUrl: `${app.url}/auth/oauth/${DISCOVERED}/callback`,
      issuer: idp.issuer,
      scope: 'openid email',
      logger: recordingLogger(logs),
    });
    t = createTestApp({
      userStore: users,
      config: { logger: recordingLogger(logs) },
      router: { oauthStrategies: [strategy, discovered] },
    });
    app.handle(t.app);
  });
  afterEach(() => {
    idp?.reset();
    logs.length = 0;
  });
  afterAll(async () => {
    // Optional: a failed beforeAll must not leave servers that keep jest from exiting.
    await t?.close();
    await app?.close();
    await idp?.close();
  });

  /** Signs in with the fake provider in a fresh browser; returns where the app sent it. */
  async function signIn(name = NAME): Promise<{ jar: CookieJar; location: URL }> {
    const jar = new CookieJar();
    const { location } = await browse(jar, `${app.url}/auth/oauth/${name}`);
    return { jar, location };
  }

  async function status(jar: CookieJar): Promise<number> {
    const res = await send(jar, `${app.url}/api/private`);
    await res.body?.cancel();
    return res.status;
  }

  /** The last ID token the fake issued: it carried the nonce this flow sent, as a valid one would. */
  function lastIssued() {
    const token = idp.issued.at(-1);
    expect(token).toBeDefined();
    expect(token!.requestedNonce).toBeTruthy();
    expect(token!.claims.nonce).toBe(token!.requestedNonce);
    return token!.claims;
  }

  it('signs in with a valid ID token from the same provider (the control case)', async () => {
    const { jar, location } = await signIn();
    expect(location.href).toBe(`${SITE}/`);
    const claims = lastIssued();
    expect(claims.aud).toBe(CLIENT_ID);
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(jar.has('accessToken')).toBe(true);
    expect(await status(jar)).toBe(200);
  });

  it('refuses an ID token issued to another client (wrong aud) and signs nobody in', async () => {
    idp.mint({ audience: 'another-client' });
    const { jar, location } = await signIn();
    expect(errorCode(location)).toBe('OAUTH_ID_TOKEN_INVALID');
    expect(lastIssued().aud).toBe('another-client');
    // Refused for its audience, not for anything else about the token.
    expect(logs.join('\n')).toMatch(/OAUTH_ID_TOKEN_INVALID .*"aud" \(audience\) claim value/);
    expect(jar.has('accessToken')).toBe(false);
    expect(await status(jar)).toBe(401);
  });

  it('refuses an ID token whose exp is in the past and signs nobody in', async () => {
    // Past oauth4webapi's 30-second clock tolerance.
    idp.mint({ expiresIn: -300 });
    const { jar, location } = await signIn();
    expect(errorCode(location)).toBe('OAUTH_ID_TOKEN_INVALID');
    expect(lastIssued().exp).toBeLessThan(Date.now() / 1000 - 60);
    expect(logs.join('\n')).toMatch(
      /OAUTH_ID_TOKEN_INVALID .*"exp" \(expiration time\) claim value/,
    );
    expect(jar.has('accessToken')).toBe(false);
    expect(await status(jar)).toBe(401);
  });

  it('accepts the RS256 ID token when configured from the issuer alone (the control case for discovery)', async () => {
    const { location } = await signIn(DISCOVERED);
    // The account-conflict page comes only after the ID token verified and the profile was read:
    // the fake's one account already signed in through the other strategy, with the same email.
    expect(location.pathname).toBe('/auth/account-conflict');
    expect(location.searchParams.get('provider')).toBe(DISCOVERED);
    expect(logs.join('\n')).not.toMatch(/OAUTH_ID_TOKEN_INVALID/);
  });

  it.each([NAME, DISCOVERED])(
    'refuses a PS256 ID token (%s): RS256 stays pinned, whatever the discovery document announces',
    async (name) => {
      idp.mint({ algorithm: 'PS256' });
      const { jar, location } = await signIn(name);
      expect(errorCode(location)).toBe('OAUTH_ID_TOKEN_INVALID');
      expect(lastIssued().aud).toBe(CLIENT_ID);
      expect(logs.join('\n')).toMatch(/OAUTH_ID_TOKEN_INVALID .*unexpected JWT "alg"/);
      expect(jar.has('accessToken')).toBe(false);
      expect(await status(jar)).toBe(401);
    },
  );
});
