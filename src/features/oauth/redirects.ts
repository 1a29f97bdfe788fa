import { AuthError } from '../../core/errors';

/** Where the browser lands after a callback, by outcome. */
export const OAUTH_PAGES = Object.freeze({
  error: '/auth/error',
  twoFactor: '/auth/2fa',
  twoFactorSetup: '/auth/2fa-setup',
  accountConflict: '/auth/account-conflict',
});

/**
 * The only places a callback may send the browser: the site (`email.siteUrl`) and the allowed
 * CORS origins. A `returnTo` naming anywhere else is refused, so the sign-in cannot be turned
 * into an open redirect.
 */
export class RedirectPolicy {
  private readonly site: URL;
  /** The site's URL without its trailing slash: the base of the outcome pages. */
  private readonly siteBase: string;
  private readonly origins: Set<string>;

  constructor(siteUrl: string, corsOrigins: readonly string[]) {
    this.site = new URL(siteUrl.replace(/\/+$/, '') + '/');
    this.siteBase = this.site.href.replace(/\/+$/, '');
    this.origins = new Set([this.site.origin, ...corsOrigins.map((o) => new URL(o).origin)]);
  }

  /**
   * Checks a `returnTo` (absolute, or a path on the site); returns it normalised. The URL parser
   * decides the origin, so `//evil.example`, `/\evil.example` and the like cannot slip through.
   */
  checkReturnTo(value: unknown): string | undefined {
    if (value === undefined || value === '') return undefined;
    let url: URL | undefined;
    if (typeof value === 'string' && value.length <= 2048) {
      try {
        url = new URL(value, this.site);
      } catch {
        url = undefined;
      }
    }
    if (!url || !/^https?:$/.test(url.protocol) || !this.origins.has(url.origin)) {
      throw new AuthError(
        'returnTo must be a page of the site or of an allowed origin',
        'OAUTH_INVALID_RETURN_TO',
        400,
      );
    }
    return url.href;
  }

  /** Base of the outcome pages: the origin the flow returns to when it is an allowed one. */
  base(returnTo?: string): string {
    const origin = returnTo ? new URL(returnTo).origin : undefined;
    if (origin && origin !== this.site.origin) return origin;
    return this.siteBase;
  }

  /** Where a successful sign-in lands. */
  success(returnTo?: string): string {
    return returnTo ?? this.site.href;
  }

  page(path: string, params: Record<string, string>, returnTo?: string): string {
    const url = new URL(this.base(returnTo) + path);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.href;
  }

  /**
   * Like {@link page}, with `params` in the fragment (`#tempToken=…`): browsers never send a
   * fragment to a server, so a temporary token there stays out of server and proxy logs, the
   * Referer of the page's own requests and analytics that record URLs.
   */
  pageWithSecret(path: string, params: Record<string, string>, returnTo?: string): string {
    const url = new URL(this.base(returnTo) + path);
    url.hash = new URLSearchParams(params).toString();
    return url.href;
  }

  /** `{base}/auth/error?code=…`; codes that are not plain identifiers are not echoed. */
  error(code: string, returnTo?: string, extra: Record<string, string> = {}): string {
    const safe = /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'INTERNAL_ERROR';
    return this.page(OAUTH_PAGES.error, { code: safe, ...extra }, returnTo);
  }
}
