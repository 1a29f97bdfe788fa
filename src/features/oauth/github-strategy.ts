import type { AuthConfig } from '../../core/config/types';
import { AuthConfigError, AuthError } from '../../core/errors';
import type { BaseUser } from '../../stores/user';
import { optionsFrom } from './from-config';
import { accountIdField, textField, type OAuthProfile } from './profile';
import type { TokenResult } from './protocol';
import type { OAuthStrategyOptions } from './settings';
import { BaseOAuthStrategy } from './strategy';

/** GitHub's endpoints; GitHub Enterprise Server or a test double override them. */
export interface GithubStrategyOptions extends OAuthStrategyOptions {
  /** Default `https://api.github.com/user/emails`. */
  emailsUrl?: string;
}

/** github.com's published endpoints (OAuth 2.0, no OpenID Connect). */
export const GITHUB_ENDPOINTS = Object.freeze({
  authorizationUrl: 'https://github.com/login/oauth/authorize',
  tokenUrl: 'https://github.com/login/oauth/access_token',
  userInfoUrl: 'https://api.github.com/user',
  emailsUrl: 'https://api.github.com/user/emails',
  scope: 'read:user user:email',
});

const API_HEADERS = {
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
  // GitHub's API refuses requests without a User-Agent.
  'user-agent': 'keyward',
};

interface GithubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

/**
 * Sign-in with GitHub. The profile's email is the account's primary *verified* address from
 * `/user/emails` (the public `email` of `/user` may be unverified or absent); without one, the
 * public address is used and reported as unverified.
 */
export abstract class GithubStrategy<U extends BaseUser = BaseUser> extends BaseOAuthStrategy<U> {
  private readonly emailsUrl: URL;

  constructor(options: AuthConfig | GithubStrategyOptions) {
    const resolved = optionsFrom<GithubStrategyOptions>('github', options);
    super('github', resolved, GITHUB_ENDPOINTS);
    const emailsUrl = new URL(resolved.emailsUrl ?? GITHUB_ENDPOINTS.emailsUrl);
    // The other endpoints were checked by the base class; this one is GitHub's own.
    if (emailsUrl.protocol !== 'https:' && !this.settings.allowInsecure) {
      throw new AuthConfigError([`oauth strategy 'github': emailsUrl must use https`]);
    }
    this.emailsUrl = emailsUrl;
  }

  protected async loadProfile({ tokens }: TokenResult): Promise<Partial<OAuthProfile>> {
    const token = tokens.access_token;
    const user = await this.protocol.fetchJson(this.settings.userInfoUrl!, token, API_HEADERS);
    if (typeof user !== 'object' || user === null) {
      throw new AuthError('GitHub sent no user', 'OAUTH_PROFILE_FAILED', 400);
    }
    const raw = user as Record<string, unknown>;
    const emails = await this.protocol.fetchJson(this.emailsUrl, token, API_HEADERS);
    const primary = Array.isArray(emails)
      ? (emails as GithubEmail[]).find((e) => e.primary === true && e.verified === true)
      : undefined;
    return {
      id: accountIdField(raw['id']),
      email: textField(primary?.email) ?? textField(raw['email']),
      emailVerified: primary !== undefined && typeof primary.email === 'string',
      name: textField(raw['name']) ?? textField(raw['login']),
      picture: textField(raw['avatar_url']),
      raw,
    };
  }
}
