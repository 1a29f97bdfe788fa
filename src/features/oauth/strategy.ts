import type { Response } from 'express';
import { AuthError } from '../../core/errors';
import type { BaseUser } from '../../stores/user';
import { DiscoveredEndpoints } from './discovery';
import { flowStarterOf } from './flow-start';
import { describeEndpoints, fixedEndpoints, type OAuthProviderEndpoints } from './endpoints';
import { checkProfile, type OAuthProfile } from './profile';
import { OAuthProtocol, type FlowSecrets, type TokenResult } from './protocol';
import {
  resolveOAuthSettings,
  type OAuthProviderDefaults,
  type OAuthStrategyOptions,
  type ResolvedOAuthSettings,
} from './settings';

/** An authorization request ready to send the browser to, and the secrets to keep until the callback. */
export interface OAuthAuthorizationRequest {
  url: URL;
  secrets: FlowSecrets;
}

/** Options of {@link BaseOAuthStrategy.getAuthorizationUrl}. */
export interface AuthorizationUrlOptions {
  /** Where the browser lands after signing in; checked as `GET /oauth/:name?returnTo=` checks it. */
  returnTo?: string;
}

/**
 * An OAuth 2.0 / OpenID Connect sign-in provider. Subclasses say how to read the profile
 * (`loadProfile`); applications say which user a profile is (`findOrCreateUser`). The router
 * mounts `GET /oauth/:name` and `GET|POST /oauth/:name/callback` for every strategy it is given.
 */
export abstract class BaseOAuthStrategy<U extends BaseUser = BaseUser> {
  /** The provider's name in URLs, links and events: `/oauth/<name>`. */
  readonly name: string;
  /** The validated options. */
  readonly settings: ResolvedOAuthSettings;
  protected readonly protocol: OAuthProtocol;

  protected constructor(
    name: string,
    options: OAuthStrategyOptions,
    defaults: Partial<OAuthProviderDefaults> = {},
  ) {
    this.name = name;
    this.settings = resolveOAuthSettings(name, options, defaults);
    const { discovery } = this.settings;
    this.protocol = new OAuthProtocol(
      this.settings,
      discovery ? new DiscoveredEndpoints(this.settings, discovery) : fixedEndpoints(this.settings),
    );
  }

  /**
   * The endpoints this strategy uses. For a provider configured by its issuer, fetches the
   * discovery document when it is not cached yet or is due for refresh (sign-ins do the same by
   * themselves); call it at start-up to fail early. Rejects with an AuthError
   * (`OAUTH_DISCOVERY_FAILED`, `OAUTH_DISCOVERY_ISSUER_MISMATCH`) when no good document is known.
   */
  async discover(): Promise<OAuthProviderEndpoints> {
    return describeEndpoints(await this.protocol.endpoints());
  }

  /**
   * The user this provider account signs in as: an existing one found by
   * (provider, `profile.id`) or a new one. Never match by email alone: throw
   * `AuthError(…, 'OAUTH_ACCOUNT_CONFLICT', 409, { email, providerAccountId })` when the email
   * belongs to another account. Called only for provider accounts not linked yet.
   */
  abstract findOrCreateUser(profile: OAuthProfile): Promise<U>;

  /** Reads the signed-in account's profile once the code has been redeemed. */
  protected abstract loadProfile(result: TokenResult): Promise<Partial<OAuthProfile>>;

  /** Starts a sign-in: fresh state, PKCE verifier and (OpenID Connect) nonce, and the URL. */
  async createAuthorizationRequest(): Promise<OAuthAuthorizationRequest> {
    const secrets = this.protocol.newSecrets();
    return { url: await this.protocol.authorizationUrl(secrets), secrets };
  }

  /**
   * Starts a sign-in from the application's own route, exactly as `GET /oauth/<name>` does: a
   * fresh state, PKCE S256 verifier and (OpenID Connect) nonce, kept in the flow cookie set on
   * `res`, so the router's callback finishes the sign-in. Returns the provider URL to send the
   * browser to. The strategy must be mounted by one router (`auth.router({ oauthStrategies })`).
   * Unlike the reference's `getAuthorizationUrl(state?)`, it takes `res` and returns a promise:
   * a URL alone cannot carry the verifier, and the state is never the caller's.
   */
  getAuthorizationUrl(res: Response, options: AuthorizationUrlOptions = {}): Promise<string> {
    // Checked before anything else, synchronously: a reference-style call (no `res`, or a state
    // string) throws at once instead of yielding a URL whose callback is bound to fail.
    if (typeof res !== 'object' || res === null || typeof res.cookie !== 'function') {
      throw new AuthError(
        `getAuthorizationUrl needs the Express response, to set the flow cookie the callback ` +
          `reads: call strategy.getAuthorizationUrl(res, { returnTo }) and await the URL ` +
          `(the state is created by keyward, never passed in)`,
        'OAUTH_RESPONSE_REQUIRED',
        500,
      );
    }
    const start = flowStarterOf(this, this.name);
    const origin = (res.req as Response['req'] | undefined)?.get('origin');
    return start(res, origin, options.returnTo).then((url) => url.href);
  }

  /**
   * Finishes a sign-in from the callback's parameters and the secrets kept since it started:
   * validates the response, redeems the code, verifies the ID token and returns the profile.
   * Throws an AuthError with an OAUTH_* code when any step fails.
   */
  async handleCallback(params: URLSearchParams, secrets: FlowSecrets): Promise<OAuthProfile> {
    const callback = await this.protocol.validateCallback(params, secrets.state);
    const result = await this.protocol.redeem(callback, secrets);
    return checkProfile(await this.loadProfile(result));
  }
}
