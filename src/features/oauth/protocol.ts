import * as oauth from 'oauth4webapi';
import { AuthError } from '../../core/errors';
import type { EndpointSource, OAuthEndpoints } from './endpoints';
import type { ResolvedOAuthSettings } from './settings';

/** The secrets of one authorization request, kept in the browser's flow cookie until the callback. */
export interface FlowSecrets {
  state: string;
  codeVerifier: string;
  /** Sent only for OpenID Connect. */
  nonce?: string;
}

/** The token endpoint's answer, plus the ID token's claims once they have been verified. */
export interface TokenResult {
  tokens: oauth.TokenEndpointResponse;
  idToken: oauth.IDToken | undefined;
}

type HttpOptions = Readonly<{
  signal: () => AbortSignal;
  [oauth.allowInsecureRequests]?: boolean;
}>;

const fail = (message: string, code: string, cause?: unknown) =>
  Object.assign(new AuthError(message, code, 400), { cause });

/**
 * The protocol side of one provider, done by oauth4webapi: building the authorization request
 * (PKCE S256, state, nonce), validating the authorization response (state, RFC 9207 `iss`,
 * provider errors), redeeming the code and verifying the ID token (signature against the JWKS,
 * `iss`, `aud`, `nonce`, expiry). Every failure is an AuthError with a stable OAUTH_* code.
 * The endpoints are read from the source for each request, so a discovered provider's refreshed
 * document takes effect without rebuilding the strategy.
 */
export class OAuthProtocol {
  /**
   * One oauth4webapi view per set of endpoints: it caches the provider's JWKS per object, so the
   * keys are fetched again only when the endpoints change (a refreshed discovery document).
   */
  private readonly servers = new WeakMap<OAuthEndpoints, oauth.AuthorizationServer>();
  private readonly client: oauth.Client;
  private readonly clientAuth: oauth.ClientAuth;
  /** Options for every outgoing request: a timeout, and plain HTTP only for loopback endpoints. */
  private readonly http: HttpOptions;

  constructor(
    private readonly settings: ResolvedOAuthSettings,
    private readonly source: EndpointSource,
  ) {
    this.client = { client_id: settings.clientId };
    this.clientAuth =
      settings.clientAuthMethod === 'client_secret_basic'
        ? oauth.ClientSecretBasic(settings.clientSecret)
        : oauth.ClientSecretPost(settings.clientSecret);
    const { timeoutMs } = settings;
    this.http = Object.freeze({
      // A function: each request gets its own timeout, counted from when it starts.
      signal: () => AbortSignal.timeout(timeoutMs),
      ...(settings.allowInsecure ? { [oauth.allowInsecureRequests]: true } : {}),
    });
  }

  /** The endpoints in use now (discovered ones are fetched or refreshed first when due). */
  endpoints(): Promise<OAuthEndpoints> {
    return this.source.current();
  }

  /**
   * The provider as oauth4webapi sees it. Only the endpoints are taken from a discovery document,
   * never its `id_token_signing_alg_values_supported`: ID tokens stay pinned to oauth4webapi's
   * default (RS256) whatever the document announces.
   */
  private async server(): Promise<oauth.AuthorizationServer> {
    const e = await this.source.current();
    let as = this.servers.get(e);
    if (!as) {
      as = Object.freeze({
        issuer: e.issuer,
        authorization_endpoint: e.authorizationUrl.href,
        token_endpoint: e.tokenUrl.href,
        ...(e.userInfoUrl ? { userinfo_endpoint: e.userInfoUrl.href } : {}),
        ...(e.jwksUrl ? { jwks_uri: e.jwksUrl.href } : {}),
        ...(e.issParameterRequired ? { authorization_response_iss_parameter_supported: true } : {}),
      });
      this.servers.set(e, as);
    }
    return as;
  }

  /** Fresh secrets for one authorization request: 256-bit state, verifier and nonce. */
  newSecrets(): FlowSecrets {
    return {
      state: oauth.generateRandomState(),
      codeVerifier: oauth.generateRandomCodeVerifier(),
      ...(this.settings.oidc ? { nonce: oauth.generateRandomNonce() } : {}),
    };
  }

  /** The provider URL the browser is sent to. */
  async authorizationUrl(secrets: FlowSecrets): Promise<URL> {
    const s = this.settings;
    const url = new URL((await this.source.current()).authorizationUrl.href);
    const params: Record<string, string> = {
      ...s.authorizationParams,
      client_id: s.clientId,
      redirect_uri: s.callbackUrl.href,
      response_type: 'code',
      scope: s.scope,
      state: secrets.state,
      code_challenge: await oauth.calculatePKCECodeChallenge(secrets.codeVerifier),
      code_challenge_method: 'S256',
      ...(secrets.nonce ? { nonce: secrets.nonce } : {}),
      ...(s.responseMode === 'form_post' ? { response_mode: 'form_post' } : {}),
    };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url;
  }

  /**
   * Checks the authorization response against the expected state and the provider's issuer
   * (RFC 9207 `iss`, when the provider sends one) and returns the parameters to redeem.
   */
  async validateCallback(params: URLSearchParams, expectedState: string): Promise<URLSearchParams> {
    const as = await this.server();
    try {
      return oauth.validateAuthResponse(as, this.client, params, expectedState);
    } catch (err) {
      if (err instanceof oauth.AuthorizationResponseError) {
        throw fail(`The provider refused the sign-in (${err.error})`, 'OAUTH_PROVIDER_ERROR', err);
      }
      if (params.has('iss') && params.get('iss') !== as.issuer) {
        throw fail('The response comes from another issuer', 'OAUTH_ISSUER_MISMATCH', err);
      }
      // A provider whose discovery document promises RFC 9207 `iss` always sends it: a response
      // without it may have been made by another provider (mix-up).
      if (!params.has('iss') && as.authorization_response_iss_parameter_supported === true) {
        throw fail('The response does not name its issuer', 'OAUTH_ISSUER_MISMATCH', err);
      }
      if (params.get('state') !== expectedState) {
        throw fail('The sign-in state does not match', 'OAUTH_STATE_MISMATCH', err);
      }
      throw fail('The provider sent an invalid response', 'OAUTH_PROVIDER_ERROR', err);
    }
  }

  /** Redeems the code (with the PKCE verifier) and verifies the ID token when there is one. */
  async redeem(callback: URLSearchParams, secrets: FlowSecrets): Promise<TokenResult> {
    const s = this.settings;
    const as = await this.server();
    let response: Response;
    try {
      response = await oauth.authorizationCodeGrantRequest(
        as,
        this.client,
        this.clientAuth,
        callback,
        s.callbackUrl.href,
        secrets.codeVerifier,
        this.http,
      );
    } catch (err) {
      throw fail('The token endpoint could not be reached', 'OAUTH_TOKEN_EXCHANGE_FAILED', err);
    }
    let tokens: oauth.TokenEndpointResponse;
    try {
      tokens = await oauth.processAuthorizationCodeResponse(as, this.client, response, {
        expectedNonce: secrets.nonce ?? oauth.expectNoNonce,
        requireIdToken: s.oidc,
      });
    } catch (err) {
      if (isIdTokenError(err)) {
        throw fail('The ID token did not verify', 'OAUTH_ID_TOKEN_INVALID', err);
      }
      throw fail('The provider did not issue tokens', 'OAUTH_TOKEN_EXCHANGE_FAILED', err);
    }
    const idToken = oauth.getValidatedIdTokenClaims(tokens);
    if (idToken) {
      // oauth4webapi checks iss, aud, nonce and expiry; the signature is checked here against the
      // provider's published keys, so a token that did not come from the issuer never passes.
      try {
        await oauth.validateApplicationLevelSignature(as, response, this.http);
      } catch (err) {
        throw fail('The ID token signature did not verify', 'OAUTH_ID_TOKEN_INVALID', err);
      }
    }
    return { tokens, idToken };
  }

  /** GETs a JSON resource with the access token (user info, GitHub's `/user/emails`). */
  async fetchJson(
    url: URL,
    accessToken: string,
    headers?: Record<string, string>,
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await oauth.protectedResourceRequest(
        accessToken,
        'GET',
        url,
        new Headers({ accept: 'application/json', ...headers }),
        undefined,
        this.http,
      );
    } catch (err) {
      throw fail('The provider could not be reached', 'OAUTH_PROFILE_FAILED', err);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw fail(`The provider answered ${response.status}`, 'OAUTH_PROFILE_FAILED');
    }
    try {
      return await response.json();
    } catch (err) {
      throw fail('The provider sent a profile that is not JSON', 'OAUTH_PROFILE_FAILED', err);
    }
  }

  /** OpenID Connect user info; its `sub` must be the ID token's. */
  async userInfo(accessToken: string, expectedSubject: string): Promise<Record<string, unknown>> {
    const as = await this.server();
    if (!as.userinfo_endpoint) return {};
    try {
      const response = await oauth.userInfoRequest(as, this.client, accessToken, this.http);
      return {
        ...(await oauth.processUserInfoResponse(as, this.client, expectedSubject, response)),
      };
    } catch (err) {
      throw fail('The user-info request failed', 'OAUTH_PROFILE_FAILED', err);
    }
  }
}

/** Tells ID-token failures from other token-response failures (oauth4webapi uses both for both). */
function isIdTokenError(err: unknown): boolean {
  if (
    err instanceof oauth.ResponseBodyError ||
    err instanceof oauth.WWWAuthenticateChallengeError
  ) {
    return false;
  }
  const code = (err as { code?: unknown }).code;
  if (code === oauth.JWT_CLAIM_COMPARISON || code === oauth.JWT_TIMESTAMP_CHECK) return true;
  const message = err instanceof Error ? err.message : '';
  return /ID Token|id_token|JWT/.test(message);
}
