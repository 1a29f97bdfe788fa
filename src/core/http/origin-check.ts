import type { Request } from 'express';
import type { ResolvedConfig } from '../config/resolved';
import { AuthError } from '../errors';

/** Throws 403 CSRF_ORIGIN_MISMATCH when a browser sent the request from another origin's page. */
export type OriginCheck = (req: Request) => void;

const MISMATCH = new AuthError(
  'Request refused: it was sent from a page of another origin',
  'CSRF_ORIGIN_MISMATCH',
  403,
);
const NONE: ReadonlySet<string> = new Set();

/**
 * Builds the origin check of unsafe cookie requests. It needs no token and no store: browsers
 * say where a request comes from in headers a page cannot set (Sec-Fetch-Site, Origin, Referer).
 *
 * - `Sec-Fetch-Site: same-origin` passes: the browser vouches that the page is the target's.
 * - Otherwise the Origin header (or, without it, the Referer's origin) must be trusted: the site
 *   URL's origin, `csrf.trustedOrigins`, `extraOrigins` (the router's CORS list, read live), or
 *   the origin the request was addressed to (its Host, as Express sees it).
 * - Neither header: refused only with `Sec-Fetch-Site: cross-site`; otherwise the client is not a
 *   browser (curl, a mobile app, a server), which a forged request always is.
 *
 * A trusted origin passes even when `Sec-Fetch-Site` says cross-site: a front end on another
 * site that you listed is exactly that.
 */
export function createOriginCheck(
  config: ResolvedConfig,
  extraOrigins: ReadonlySet<string> = NONE,
): OriginCheck {
  if (!config.originCheck.enabled) {
    return function originCheckOff() {
      // csrf.checkOrigin: false; SameSite (and the double-submit token, when on) remain.
    };
  }
  const trusted = config.originCheck.trustedOrigins;
  return function checkRequestOrigin(req) {
    const fetchSite = req.get('sec-fetch-site');
    if (fetchSite === 'same-origin') return;
    const origin = claimedOrigin(req);
    if (origin === undefined) {
      if (fetchSite === 'cross-site') throw MISMATCH;
      return;
    }
    if (trusted.has(origin) || extraOrigins.has(origin) || origin === addressedOrigin(req)) {
      return;
    }
    throw MISMATCH;
  };
}

/** The Origin header, else the Referer's origin; `'null'` for one that names no origin. */
function claimedOrigin(req: Request): string | undefined {
  const origin = req.get('origin');
  if (origin !== undefined) return origin;
  const referer = req.get('referer');
  if (referer === undefined) return undefined;
  return URL.canParse(referer) ? new URL(referer).origin : 'null';
}

/**
 * The origin the browser sent the request to. A forging page cannot choose the Host header of
 * the victim's browser, so this covers apps without a site URL. The scheme follows Express
 * (`X-Forwarded-Proto` only with `trust proxy`); behind a proxy that rewrites Host or ends TLS
 * without it, this differs from the page's origin and the site URL must say it.
 */
function addressedOrigin(req: Request): string | undefined {
  const host = req.get('host');
  return host ? `${req.protocol}://${host.toLowerCase()}` : undefined;
}
