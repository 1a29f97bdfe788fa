import {
  AuthConfigError,
  GenericOAuthStrategy,
  GoogleStrategy,
  InMemoryUserStore,
  createAuthRouter,
  type BaseUser,
  type GenericOAuthProviderConfig,
  type OAuthProfile,
} from 'keyward';
import { ACCESS_SECRET, REFRESH_SECRET } from '../helpers/app';

class Provider extends GenericOAuthStrategy<BaseUser> {
  findOrCreateUser(_profile: OAuthProfile): Promise<BaseUser> {
    return Promise.reject(new Error('not used'));
  }
}
class Google extends GoogleStrategy<BaseUser> {
  findOrCreateUser(_profile: OAuthProfile): Promise<BaseUser> {
    return Promise.reject(new Error('not used'));
  }
}

const valid: GenericOAuthProviderConfig = {
  name: 'acme',
  clientId: 'id',
  clientSecret: 'secret',
  callbackUrl: 'https://api.example.test/auth/oauth/acme/callback',
  authorizationUrl: 'https://id.acme.example/authorize',
  tokenUrl: 'https://id.acme.example/token',
  userInfoUrl: 'https://id.acme.example/me',
};

/** The problems an AuthConfigError lists, or a failure when nothing was thrown. */
function problemsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (err) {
    if (err instanceof AuthConfigError) return err.problems;
    throw err;
  }
  throw new Error('no AuthConfigError');
}

describe('OAuth strategies are checked when they are built', () => {
  it('refuses plain-http endpoints except on the loopback interface', () => {
    const problems = problemsOf(
      () => new Provider({ ...valid, tokenUrl: 'http://id.acme.example/token' }),
    );
    expect(problems.join('\n')).toMatch(/tokenUrl must use https/);
    expect(() => new Provider({ ...valid, tokenUrl: 'http://127.0.0.1:9/token' })).not.toThrow();
  });

  it('needs issuer and jwksUrl for OpenID Connect, and lists every problem at once', () => {
    const problems = problemsOf(
      () => new Provider({ ...valid, scope: 'openid email', clientId: '' }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/clientId is required/),
        expect.stringMatching(/jwksUrl is required/),
        expect.stringMatching(/issuer is required/),
      ]),
    );
  });

  it('does not let authorizationParams replace state, PKCE or the redirect URI', () => {
    const problems = problemsOf(
      () => new Provider({ ...valid, authorizationParams: { state: 'fixed', prompt: 'login' } }),
    );
    expect(problems).toEqual([expect.stringMatching(/authorizationParams cannot set state/)]);
  });

  it('reads GoogleStrategy options from config.oauth.google (reference style)', () => {
    const config = {
      accessTokenSecret: ACCESS_SECRET,
      refreshTokenSecret: REFRESH_SECRET,
      oauth: {
        google: {
          clientId: 'g',
          clientSecret: 's',
          callbackUrl: 'https://api.example.test/auth/oauth/google/callback',
        },
      },
    };
    const google = new Google(config);
    expect(google.name).toBe('google');
    expect(google.settings.issuer).toBe('https://accounts.google.com');
    expect(google.settings.oidc).toBe(true);
    expect(problemsOf(() => new Google({ ...config, oauth: {} }))).toEqual([
      expect.stringMatching(/oauth.google is required/),
    ]);
  });

  it('refuses a router with OAuth strategies but no email.siteUrl, or two strategies of one name', () => {
    const config = { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET };
    const users = new InMemoryUserStore();
    expect(
      problemsOf(() => createAuthRouter(users, config, { oauthStrategies: [new Provider(valid)] })),
    ).toEqual([expect.stringMatching(/email.siteUrl/)]);
    expect(
      problemsOf(() =>
        createAuthRouter(
          users,
          { ...config, email: { siteUrl: 'https://app.example.test' } },
          { oauthStrategies: [new Provider(valid), new Provider(valid)] },
        ),
      ),
    ).toEqual([expect.stringMatching(/two OAuth strategies are named 'acme'/)]);
  });
});
