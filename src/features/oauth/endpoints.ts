import type { ResolvedOAuthSettings } from './settings';

/** A provider's endpoints as one request uses them: the options' own over the discovered ones. */
export interface OAuthEndpoints {
  readonly issuer: string;
  readonly authorizationUrl: URL;
  readonly tokenUrl: URL;
  readonly userInfoUrl: URL | undefined;
  readonly jwksUrl: URL | undefined;
  /**
   * The provider announced RFC 9207 `iss` on every authorization response, so a response
   * without it is refused (only a discovery document can say so).
   */
  readonly issParameterRequired: boolean;
}

/** What `strategy.discover()` returns: the endpoints in use, named as the options name them. */
export interface OAuthProviderEndpoints {
  issuer: string;
  authorizationUrl: string;
  tokenUrl: string;
  userInfoUrl?: string;
  jwksUrl?: string;
}

/** Where a strategy's protocol reads its endpoints, for every request. */
export interface EndpointSource {
  /** The endpoints to use now; rejects with an AuthError when they cannot be known. */
  current(): Promise<OAuthEndpoints>;
}

/** The endpoints of a strategy configured endpoint by endpoint (or by its provider's defaults). */
export function fixedEndpoints(settings: ResolvedOAuthSettings): EndpointSource {
  const { authorizationUrl, tokenUrl } = settings;
  // resolveOAuthSettings requires both whenever it does not set up discovery.
  if (!authorizationUrl || !tokenUrl) throw new TypeError('endpoints missing without discovery');
  const endpoints: OAuthEndpoints = Object.freeze({
    issuer: settings.issuer,
    authorizationUrl,
    tokenUrl,
    userInfoUrl: settings.userInfoUrl,
    jwksUrl: settings.jwksUrl,
    issParameterRequired: false,
  });
  const answer = Promise.resolve(endpoints);
  return { current: () => answer };
}

/** The endpoints as plain strings, for callers outside the strategy. */
export function describeEndpoints(e: OAuthEndpoints): OAuthProviderEndpoints {
  return {
    issuer: e.issuer,
    authorizationUrl: e.authorizationUrl.href,
    tokenUrl: e.tokenUrl.href,
    ...(e.userInfoUrl ? { userInfoUrl: e.userInfoUrl.href } : {}),
    ...(e.jwksUrl ? { jwksUrl: e.jwksUrl.href } : {}),
  };
}
