import type { AuthConfig } from '../../core/config/types';
import type { BaseUser } from '../../stores/user';
import { optionsFrom } from './from-config';
import { standardProfile, type OAuthProfile } from './profile';
import type { TokenResult } from './protocol';
import type { OAuthStrategyOptions } from './settings';
import { BaseOAuthStrategy } from './strategy';

/** Google's published endpoints (OpenID Connect). */
export const GOOGLE_ENDPOINTS = Object.freeze({
  issuer: 'https://accounts.google.com',
  authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  userInfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
  jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
  scope: 'openid email profile',
});

/**
 * Sign-in with Google (OpenID Connect): the ID token is verified against Google's keys and the
 * profile comes from its claims (`email_verified` included), completed from the user-info
 * endpoint when the token lacks the email. Every endpoint can be overridden.
 */
export abstract class GoogleStrategy<U extends BaseUser = BaseUser> extends BaseOAuthStrategy<U> {
  constructor(options: AuthConfig | OAuthStrategyOptions) {
    super('google', optionsFrom('google', options), GOOGLE_ENDPOINTS);
  }

  protected async loadProfile({ tokens, idToken }: TokenResult): Promise<Partial<OAuthProfile>> {
    let raw: Record<string, unknown> = { ...idToken };
    if (idToken && typeof raw['email'] !== 'string') {
      raw = { ...raw, ...(await this.protocol.userInfo(tokens.access_token, idToken.sub)) };
    }
    return standardProfile(raw);
  }
}
