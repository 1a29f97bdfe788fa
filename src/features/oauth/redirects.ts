import { isUnderAppLink, isWebSiteUrl, pickSiteUrl } from '../../core/config/site-urls';
import { AuthError } from '../../core/errors';

/** Where the browser lands after a callback, by outcome. */
export const OAUTH_PAGES = Object.freeze({
  error: '/auth/error',
  twoFactor: '/auth/2fa',
  twoFactorSetup: '/auth/2fa-setup',
  accountConflict: '/auth/account-conflict',
});

/** Where one flow returns: the site it was started for, and the page asked for. */
export interface FlowDestination {
  /** An `email.siteUrl` entry, chosen at the start (from `Origin` or `returnTo`). */
  site?: string;
  /** Already checked by {@link RedirectPolicy.checkReturnTo}. */
  returnTo?: string;
}

/**
 * The only places a callback may send the browser: the `email.siteUrl` entries (web origins and
 * app links) and the allowed CORS origins. A `returnTo` naming anywhere else is refused, so the
 * sign-in cannot be turned into an open redirect.
 */
export class RedirectPolicy {
  /** The site URLs without trailing slashes; the first is the default. */
  private readonly sites: readonly string[];
  private readonly webOrigins: Set<string>;

  constructor(siteUrls: readonly string[], corsOrigins: readonly string[]) {
    if (siteUrls.length === 0) throw new TypeError('RedirectPolicy needs a site URL');
    this.sites = siteUrls.map((s) => s.replace(/\/+$/, ''));
    this.webOrigins = new Set([
      ...this.sites.filter(isWebSiteUrl).map((s) => new URL(s).origin),
      ...corsOrigins.map((o) => new URL(o).origin),
    ]);
  }

  /**
   * The site a flow starting with this request returns to: the one its checked `returnTo` lies
   * in, else the one its `Origin` names, else the first. Carried in the signed flow cookie.
   */
  siteFor(origin: string | undefined, returnTo?: string): string {
    if (returnTo !== undefined) {
      const target = new URL(returnTo);
      const owner = this.sites.find((site) =>
        isWebSiteUrl(site) ? new URL(site).origin === target.origin : isUnderAppLink(target, site),
      );
      if (owner) return owner;
    }
    return pickSiteUrl(origin, this.sites)!;
  }

  /** The flow's site if it is still listed (the list may have changed since), else the first. */
  private siteOf(dest?: FlowDestination): string {
    const site = dest?.site;
    return site !== undefined && this.sites.includes(site) ? site : this.sites[0]!;
  }

  /**
   * Checks a `returnTo` (absolute, or a path on the site of this request); returns it
   * normalised. The URL parser decides the origin, so `//evil.example`, `/\evil.example` and
   * the like cannot slip through; an app link must lie beneath a listed one.
   */
  checkReturnTo(value: unknown, origin?: string): string | undefined {
    if (value === undefined || value === '') return undefined;
    let url: URL | undefined;
    if (typeof value === 'string' && value.length <= 2048) {
      try {
        url = new URL(
          value,
          `${pickSiteUrl(origin, this.sites.filter(isWebSiteUrl)) ?? 'invalid:'}/`,
        );
      } catch {
        url = undefined;
      }
    }
    const allowed =
      url !== undefined &&
      (/^https?:$/.test(url.protocol)
        ? this.webOrigins.has(url.origin)
        : !url.username &&
          !url.password &&
          this.sites.some((site) => !isWebSiteUrl(site) && isUnderAppLink(url, site)));
    if (!allowed) {
      throw new AuthError(
        'returnTo must be a page of the site or of an allowed origin',
        'OAUTH_INVALID_RETURN_TO',
        400,
      );
    }
    return url!.href;
  }

  /** Base of the outcome pages: the allowed CORS origin `returnTo` names, else the flow's site. */
  base(dest?: FlowDestination): string {
    const site = this.siteOf(dest);
    const returnTo = dest?.returnTo;
    if (returnTo !== undefined) {
      const target = new URL(returnTo);
      const isSite = this.sites.some((s) =>
        isWebSiteUrl(s) ? new URL(s).origin === target.origin : isUnderAppLink(target, s),
      );
      if (!isSite && this.webOrigins.has(target.origin)) return target.origin;
    }
    return site;
  }

  /** Where a successful sign-in lands. */
  success(dest?: FlowDestination): string {
    if (dest?.returnTo !== undefined) return dest.returnTo;
    const site = this.siteOf(dest);
    return isWebSiteUrl(site) ? `${site}/` : site;
  }

  page(path: string, params: Record<string, string>, dest?: FlowDestination): string {
    const url = new URL(this.base(dest) + path);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.href;
  }

  /**
   * Like {@link page}, with `params` in the fragment (`#tempToken=…`): browsers never send a
   * fragment to a server, so a temporary token there stays out of server and proxy logs, the
   * Referer of the page's own requests and analytics that record URLs.
   */
  pageWithSecret(path: string, params: Record<string, string>, dest?: FlowDestination): string {
    const url = new URL(this.base(dest) + path);
    url.hash = new URLSearchParams(params).toString();
    return url.href;
  }

  /** `{base}/auth/error?code=…`; codes that are not plain identifiers are not echoed. */
  error(code: string, dest?: FlowDestination, extra: Record<string, string> = {}): string {
    const safe = /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'INTERNAL_ERROR';
    return this.page(OAUTH_PAGES.error, { code: safe, ...extra }, dest);
  }
}
