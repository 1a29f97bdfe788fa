import { consoleLogger } from '../../core/config/resolve';
import type { AuthLogger } from '../../core/config/types';
import { AuthConfigError } from '../../core/errors';

/** How the client authenticates at the token endpoint. */
export type OAuthClientAuthMethod = 'client_secret_post' | 'client_secret_basic';

/** What every OAuth strategy takes: the client registration and, optionally, other endpoints. */
export interface OAuthStrategyOptions {
  clientId: string;
  clientSecret: string;
  /** The redirect URI registered at the provider, e.g. `https://api.example.com/auth/oauth/google/callback`. */
  callbackUrl: string;
  /**
   * Space-separated scopes, or a list of them (`['openid', 'email']` is `'openid email'`).
   * Including `openid` makes the flow OpenID Connect (nonce, ID token).
   */
  scope?: string | readonly string[];
  /** Overrides the provider's authorization endpoint (self-hosted identity providers, tests). */
  authorizationUrl?: string;
  /** Overrides the provider's token endpoint. */
  tokenUrl?: string;
  /** Overrides the provider's user-info endpoint. */
  userInfoUrl?: string;
  /** OpenID Connect: the provider's JWKS, which ID token signatures are checked against. */
  jwksUrl?: string;
  /**
   * The provider's issuer identifier: checked against the ID token and RFC 9207 `iss`. When an
   * endpoint the flow needs is not given (nor a provider default), the endpoints and `jwks_uri`
   * are discovered from `{issuer}/.well-known/openid-configuration`.
   */
  issuer?: string;
  /** How long a discovered configuration is used before it is fetched again. Default 1 hour. */
  discoveryRefreshMs?: number;
  /** Where the strategy reports what the browser is not told (discovery failures). Default: the console. */
  logger?: AuthLogger;
  /** Default `'client_secret_post'` (credentials in the token-request body). */
  clientAuthMethod?: OAuthClientAuthMethod;
  /**
   * `'form_post'` asks the provider to call back with a POST (Apple does). Across sites that
   * needs an HTTPS callback: the flow cookie is then `SameSite=None; Secure`. Default `'query'`.
   */
  responseMode?: 'query' | 'form_post';
  /** Extra authorization-request parameters, e.g. `{ prompt: 'select_account' }`. */
  authorizationParams?: Record<string, string>;
  /** Timeout of each call to the provider. Default 10000 ms. */
  timeoutMs?: number;
}

/** The endpoints a provider has by default. */
export interface OAuthProviderDefaults {
  scope: string;
  authorizationUrl: string;
  tokenUrl: string;
  userInfoUrl?: string;
  jwksUrl?: string;
  issuer?: string;
}

/** Set when the endpoints come from the issuer's discovery document. */
export interface OAuthDiscoverySettings {
  /** The issuer identifier as configured; the document's `issuer` must be this very string. */
  issuer: URL;
  refreshMs: number;
}

/** Options after validation: endpoints parsed, defaults applied. */
export interface ResolvedOAuthSettings {
  name: string;
  clientId: string;
  clientSecret: string;
  callbackUrl: URL;
  scope: string;
  /** True when the scope asks for OpenID Connect. */
  oidc: boolean;
  issuer: string;
  /** Given or the provider's default; undefined when it is discovered. */
  authorizationUrl: URL | undefined;
  /** Given or the provider's default; undefined when it is discovered. */
  tokenUrl: URL | undefined;
  /** Given or the provider's default; when discovering, the document may supply it. */
  userInfoUrl: URL | undefined;
  /** Given or the provider's default; when discovering, the document may supply it. */
  jwksUrl: URL | undefined;
  discovery: OAuthDiscoverySettings | undefined;
  logger: AuthLogger;
  clientAuthMethod: OAuthClientAuthMethod;
  responseMode: 'query' | 'form_post';
  authorizationParams: Record<string, string>;
  timeoutMs: number;
  /** Plain-HTTP endpoints are allowed only on the loopback interface (local development, tests). */
  allowInsecure: boolean;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const DEFAULT_DISCOVERY_REFRESH_MS = 60 * 60 * 1000;
const defaultLogger = consoleLogger('keyward oauth');

/** Plain HTTP to this machine: allowed for local development and tests, nowhere else. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname);
}
/** Parameters the strategy owns; letting options replace them would undo the protections. */
const RESERVED_PARAMS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
]);

/**
 * One space-separated scope string from a string or a list: `['openid', 'email']` and
 * `'openid  email'` both become `'openid email'`, so the OpenID Connect check, discovery and the
 * authorization URL all see the same scope. A list entry must be one non-empty scope token.
 */
function normaliseScope(value: unknown, problems: string[], where: string): string {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean).join(' ');
  if (
    Array.isArray(value) &&
    value.every((token) => typeof token === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(token))
  ) {
    return (value as string[]).join(' ');
  }
  problems.push(
    `${where}: scope must be a space-separated string or a list of scope tokens (no spaces, quotes or backslashes)`,
  );
  return '';
}

/**
 * Validates a strategy's options once, at construction, and lists every problem in one
 * AuthConfigError. Plain HTTP is refused except on the loopback interface.
 */
export function resolveOAuthSettings(
  name: string,
  options: OAuthStrategyOptions | undefined,
  defaults: Partial<OAuthProviderDefaults>,
): ResolvedOAuthSettings {
  const problems: string[] = [];
  const o = (options ?? {}) as Partial<OAuthStrategyOptions>;
  const where = `oauth strategy '${name}'`;
  if (!NAME.test(name)) problems.push(`${where}: name must match ${NAME.source}`);
  for (const key of ['clientId', 'clientSecret'] as const) {
    if (typeof o[key] !== 'string' || o[key] === '') problems.push(`${where}: ${key} is required`);
  }
  let insecure = false;
  const url = (
    key: string,
    value: string | undefined,
    required: boolean,
    hint = '',
  ): URL | undefined => {
    if (value === undefined || value === '') {
      if (required) problems.push(`${where}: ${key} is required${hint}`);
      return undefined;
    }
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      problems.push(`${where}: ${key} must be an absolute URL`);
      return undefined;
    }
    if (isLoopbackHttp(parsed)) insecure = true;
    else if (parsed.protocol !== 'https:') {
      problems.push(`${where}: ${key} must use https (plain http only on 127.0.0.1/localhost)`);
    }
    return parsed;
  };
  const scope = normaliseScope(o.scope ?? defaults.scope ?? '', problems, where);
  const oidc = scope.split(' ').includes('openid');
  const callbackUrl = url('callbackUrl', o.callbackUrl, true);
  const given = {
    authorizationUrl: o.authorizationUrl ?? defaults.authorizationUrl,
    tokenUrl: o.tokenUrl ?? defaults.tokenUrl,
    jwksUrl: o.jwksUrl ?? defaults.jwksUrl,
  };
  const issuer = o.issuer ?? defaults.issuer;
  // Discovery fills in what the options leave out, so it runs only when something the flow needs
  // is missing: a provider configured endpoint by endpoint never depends on its discovery document.
  const discovering =
    typeof issuer === 'string' &&
    issuer !== '' &&
    (!given.authorizationUrl || !given.tokenUrl || (oidc && !given.jwksUrl));
  const hint = ' (or give issuer, to discover it)';
  const authorizationUrl = url('authorizationUrl', given.authorizationUrl, !discovering, hint);
  const tokenUrl = url('tokenUrl', given.tokenUrl, !discovering, hint);
  const userInfoUrl = url('userInfoUrl', o.userInfoUrl ?? defaults.userInfoUrl, false);
  const jwksUrl = url('jwksUrl', given.jwksUrl, oidc && !discovering, hint);
  if (oidc && !issuer) problems.push(`${where}: issuer is required when scope includes openid`);
  const refreshMs = o.discoveryRefreshMs ?? DEFAULT_DISCOVERY_REFRESH_MS;
  if (typeof refreshMs !== 'number' || !Number.isFinite(refreshMs) || refreshMs < 1000) {
    problems.push(`${where}: discoveryRefreshMs must be a number of milliseconds, at least 1000`);
  }
  let discovery: OAuthDiscoverySettings | undefined;
  if (discovering) {
    const issuerUrl = url('issuer', issuer, true);
    // The document is fetched from the issuer's own path: a query or fragment has no place there
    // (OpenID Connect Discovery 1.0, section 2).
    if (issuerUrl && (issuerUrl.search !== '' || issuerUrl.hash !== '')) {
      problems.push(`${where}: issuer must not have a query or fragment`);
    }
    if (issuerUrl) discovery = { issuer: issuerUrl, refreshMs };
  }
  const method = o.clientAuthMethod ?? 'client_secret_post';
  if (method !== 'client_secret_post' && method !== 'client_secret_basic') {
    problems.push(
      `${where}: clientAuthMethod must be 'client_secret_post' or 'client_secret_basic'`,
    );
  }
  const responseMode = o.responseMode ?? 'query';
  if (responseMode !== 'query' && responseMode !== 'form_post') {
    problems.push(`${where}: responseMode must be 'query' or 'form_post'`);
  }
  for (const key of Object.keys(o.authorizationParams ?? {})) {
    if (RESERVED_PARAMS.has(key)) problems.push(`${where}: authorizationParams cannot set ${key}`);
  }
  if (problems.length > 0) throw new AuthConfigError(problems);

  return Object.freeze({
    name,
    clientId: o.clientId!,
    clientSecret: o.clientSecret!,
    callbackUrl: callbackUrl!,
    scope,
    oidc,
    // A plain OAuth 2.0 provider has no issuer identifier of its own; its authorization
    // endpoint's origin stands in, so an RFC 9207 `iss` from anywhere else is still refused.
    issuer: issuer ?? authorizationUrl!.origin,
    authorizationUrl,
    tokenUrl,
    userInfoUrl,
    jwksUrl,
    discovery: discovery && Object.freeze(discovery),
    logger: o.logger ?? defaultLogger,
    clientAuthMethod: method,
    responseMode,
    authorizationParams: { ...o.authorizationParams },
    timeoutMs: o.timeoutMs ?? 10_000,
    allowInsecure: insecure,
  });
}
