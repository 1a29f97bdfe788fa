import * as oauth from 'oauth4webapi';
import { AuthError } from '../../core/errors';
import type { EndpointSource, OAuthEndpoints } from './endpoints';
import {
  isLoopbackHttp,
  type OAuthDiscoverySettings,
  type ResolvedOAuthSettings,
} from './settings';

/**
 * After a failed refresh the last good document stays in use; the provider is asked again after
 * this long (or the refresh interval, if shorter), not on every sign-in while it is down.
 */
const RETRY_AFTER_FAILURE_MS = 60_000;

/** The browser only learns that discovery failed; the operator's log says why. */
const discoveryFailed = (detail: string, cause?: unknown) =>
  Object.assign(
    new AuthError(
      "The sign-in provider's configuration could not be discovered",
      'OAUTH_DISCOVERY_FAILED',
      502,
    ),
    { cause: new Error(detail, cause === undefined ? undefined : { cause }) },
  );

const issuerMismatch = (detail: string) =>
  Object.assign(
    new AuthError(
      "The sign-in provider's discovery document names another issuer",
      'OAUTH_DISCOVERY_ISSUER_MISMATCH',
      502,
    ),
    { cause: new Error(detail) },
  );

/**
 * The endpoints of a provider configured by its issuer: read from its OpenID Connect discovery
 * document (through oauth4webapi) on first use, never at construction, so building a strategy
 * never waits on the network. The document must name the configured issuer exactly, its
 * endpoints must use https (plain http only for a loopback issuer), and endpoints given in the
 * options win over it. It is used for `refreshMs`, then fetched again; concurrent callers share
 * one fetch, and a failed refresh keeps the last good document (and is logged).
 */
export class DiscoveredEndpoints implements EndpointSource {
  private last: OAuthEndpoints | undefined;
  /** When the document is due again (epoch ms). */
  private dueAt = 0;
  private inflight: Promise<OAuthEndpoints> | undefined;

  constructor(
    private readonly settings: ResolvedOAuthSettings,
    private readonly discovery: OAuthDiscoverySettings,
  ) {}

  current(): Promise<OAuthEndpoints> {
    if (this.last && Date.now() < this.dueAt) return Promise.resolve(this.last);
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refresh(): Promise<OAuthEndpoints> {
    const { logger, name } = this.settings;
    const where = `oauth: '${name}' discovery from ${this.discovery.issuer.href}`;
    try {
      this.last = await this.fetchEndpoints();
      this.dueAt = Date.now() + this.discovery.refreshMs;
      return this.last;
    } catch (err) {
      const code = err instanceof AuthError ? err.code : 'OAUTH_DISCOVERY_FAILED';
      const detail = (err as { cause?: unknown }).cause ?? err;
      if (!this.last) {
        logger.warn(`${where} failed: ${code}`, detail);
        throw err instanceof AuthError ? err : discoveryFailed('unexpected failure', err);
      }
      logger.warn(`${where}: refresh failed (${code}); keeping the last good document`, detail);
      this.dueAt = Date.now() + Math.min(this.discovery.refreshMs, RETRY_AFTER_FAILURE_MS);
      return this.last;
    }
  }

  private async fetchEndpoints(): Promise<OAuthEndpoints> {
    const { issuer } = this.discovery;
    let response: Response;
    try {
      response = await oauth.discoveryRequest(issuer, {
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        ...(isLoopbackHttp(issuer) ? { [oauth.allowInsecureRequests]: true } : {}),
      });
    } catch (err) {
      throw discoveryFailed(`${issuer.href} could not be reached`, err);
    }
    let document: oauth.AuthorizationServer;
    try {
      document = await oauth.processDiscoveryResponse(issuer, response);
    } catch (err) {
      if ((err as { code?: unknown }).code === oauth.JSON_ATTRIBUTE_COMPARISON) {
        const claimed = (err as { cause?: { body?: { issuer?: unknown } } }).cause?.body?.issuer;
        throw issuerMismatch(
          `${issuer.href} published a document for issuer ${JSON.stringify(claimed)}`,
        );
      }
      throw discoveryFailed(`${issuer.href} sent no usable document`, err);
    }
    // oauth4webapi compares issuers as parsed URLs; ID tokens carry the issuer as a string and
    // are compared exactly, so the document must name the configured issuer character for character.
    if (document.issuer !== this.settings.issuer) {
      throw issuerMismatch(
        `${issuer.href} published a document for issuer ${JSON.stringify(document.issuer)}, ` +
          `not ${JSON.stringify(this.settings.issuer)}`,
      );
    }
    const s = this.settings;
    const endpoint = (key: string, given: URL | undefined, required: boolean) =>
      given ?? this.documentUrl(document, key, required);
    return Object.freeze({
      issuer: s.issuer,
      authorizationUrl: endpoint('authorization_endpoint', s.authorizationUrl, true)!,
      tokenUrl: endpoint('token_endpoint', s.tokenUrl, true)!,
      userInfoUrl: endpoint('userinfo_endpoint', s.userInfoUrl, false),
      jwksUrl: endpoint('jwks_uri', s.jwksUrl, s.oidc),
      issParameterRequired: document.authorization_response_iss_parameter_supported === true,
    });
  }

  /**
   * One endpoint of the document. Plain http is accepted only on the loopback interface and only
   * from a loopback issuer: a remote document must not send requests (with the client secret) to
   * this machine or anywhere in clear text.
   */
  private documentUrl(
    document: oauth.AuthorizationServer,
    key: string,
    required: boolean,
  ): URL | undefined {
    const value = document[key];
    const at = this.discovery.issuer.href;
    if (value === undefined) {
      if (required) throw discoveryFailed(`the document of ${at} has no ${key}`);
      return undefined;
    }
    let url: URL | undefined;
    try {
      if (typeof value === 'string') url = new URL(value);
    } catch {
      // Reported below, with a value of any other type.
    }
    if (!url) {
      throw discoveryFailed(`the document of ${at} has a ${key} that is not an absolute URL`);
    }
    const secure =
      url.protocol === 'https:' || (isLoopbackHttp(url) && isLoopbackHttp(this.discovery.issuer));
    if (!secure) {
      throw discoveryFailed(`the document of ${at} has a ${key} that is not https: ${url.href}`);
    }
    return url;
  }
}
