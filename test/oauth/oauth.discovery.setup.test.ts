import { AuthConfigError, InMemoryUserStore, type GenericOAuthProviderConfig } from 'keyward';
import { AppOidcStrategy } from './strategies';

describe('GenericOAuthStrategy options for discovery are checked when it is built', () => {
  class Provider extends AppOidcStrategy {
    constructor(config: Partial<GenericOAuthProviderConfig>) {
      super(new InMemoryUserStore(), {
        name: 'acme',
        clientId: 'id',
        clientSecret: 'secret',
        callbackUrl: 'https://api.example.test/auth/oauth/acme/callback',
        scope: 'openid email',
        ...config,
      });
    }
  }
  const problemsOf = (config: Partial<GenericOAuthProviderConfig>): string[] => {
    try {
      new Provider(config);
    } catch (err) {
      if (err instanceof AuthConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('accepts an https issuer, or plain http on the loopback interface only', () => {
    expect(problemsOf({ issuer: 'https://id.acme.example' })).toEqual([]);
    expect(problemsOf({ issuer: 'http://127.0.0.1:9' })).toEqual([]);
    expect(problemsOf({ issuer: 'http://id.acme.example' })).toEqual([
      expect.stringMatching(/issuer must use https/),
    ]);
    expect(problemsOf({ issuer: 'https://id.acme.example/?tenant=1' })).toEqual([
      expect.stringMatching(/issuer .*query or fragment/),
    ]);
  });

  it('needs the endpoints or an issuer to discover them from', () => {
    expect(problemsOf({ scope: 'email' })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/authorizationUrl is required/),
        expect.stringMatching(/tokenUrl is required/),
      ]),
    );
  });

  it('wants a refresh interval of at least a second', () => {
    expect(problemsOf({ issuer: 'https://id.acme.example', discoveryRefreshMs: 10 })).toEqual([
      expect.stringMatching(/discoveryRefreshMs/),
    ]);
    expect(
      problemsOf({ issuer: 'https://id.acme.example', discoveryRefreshMs: 5 * 60_000 }),
    ).toEqual([]);
  });
});
