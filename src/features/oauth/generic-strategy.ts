import type { BaseUser } from '../../stores/user';
import { standardProfile, type OAuthProfile } from './profile';
import type { TokenResult } from './protocol';
import type { OAuthStrategyOptions } from './settings';
import { BaseOAuthStrategy } from './strategy';

/** Any OAuth 2.0 provider with the authorization-code flow and a JSON user-info endpoint. */
export interface GenericOAuthProviderConfig extends OAuthStrategyOptions {
  /** The provider's name in URLs: `/oauth/<name>` (lower case, digits, `-`, `_`). */
  name: string;
  /** Required unless `issuer` is given to discover it. */
  authorizationUrl?: string;
  /** Required unless `issuer` is given to discover it. */
  tokenUrl?: string;
  /** Needed unless the scope includes `openid` and the ID token carries `email`. */
  userInfoUrl?: string;
  /** Maps the user-info JSON (merged over the ID token's claims) to a profile. */
  mapProfile?: (raw: Record<string, unknown>) => Partial<OAuthProfile>;
}

/**
 * A configurable provider: give its endpoints and scope, or for an OpenID Provider just its
 * `issuer` (the endpoints and `jwks_uri` are then discovered, and any endpoint given still wins),
 * and optionally `mapProfile` for field names other than the OpenID Connect ones (`sub`/`id`,
 * `email`, `email_verified`, `name`, `picture`). With `openid` in the scope the flow is OpenID
 * Connect: `issuer` and a JWKS (given or discovered) are then required and the ID token is verified.
 */
export abstract class GenericOAuthStrategy<
  U extends BaseUser = BaseUser,
> extends BaseOAuthStrategy<U> {
  private readonly mapProfile: (raw: Record<string, unknown>) => Partial<OAuthProfile>;

  constructor(config: GenericOAuthProviderConfig) {
    super(config.name, config);
    this.mapProfile = config.mapProfile ?? standardProfile;
  }

  protected async loadProfile({ tokens, idToken }: TokenResult): Promise<Partial<OAuthProfile>> {
    let raw: Record<string, unknown> = { ...idToken };
    const url = (await this.protocol.endpoints()).userInfoUrl;
    if (url) {
      const info = idToken
        ? await this.protocol.userInfo(tokens.access_token, idToken.sub)
        : await this.protocol.fetchJson(url, tokens.access_token);
      raw = { ...raw, ...asObject(info) };
    }
    return { raw, ...this.mapProfile(raw) };
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
