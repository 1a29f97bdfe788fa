import { originOfSiteUrl, pickSiteUrl } from '../config/site-urls';
import type { Request, RequestHandler } from 'express';

/** CORS for the auth router. */
export interface CorsOptions {
  /** Exact origins allowed to call the router with credentials, e.g. `https://app.example.com`. */
  origins: string[];
  /** Preflight cache, seconds. Default 600. */
  maxAgeSeconds?: number;
}

const ALLOWED_HEADERS = 'Content-Type, Authorization, X-CSRF-Token, X-Auth-Strategy';
const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * Answers preflights and sets credentialed CORS headers for allowed origins only. Every answer
 * varies by Origin, so a shared cache never hands one origin's headers to another.
 */
export function createCors(options: CorsOptions): RequestHandler {
  const allowed = new Set(options.origins.map((o) => o.replace(/\/+$/, '')));
  const maxAge = String(options.maxAgeSeconds ?? 600);
  return function keywardCors(req, res, next) {
    res.vary('Origin');
    const origin = req.get('origin');
    const ok = origin !== undefined && allowed.has(origin);
    if (ok) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      if (ok) {
        res.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
        res.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        res.set('Access-Control-Max-Age', maxAge);
      }
      res.status(ok ? 204 : 403).end();
      return;
    }
    next();
  };
}

/**
 * The base URL for links in mails: the `email.siteUrl` entry the request's Origin names, else
 * that Origin when it is an allowed CORS origin, else the first site URL. Never the Host or
 * X-Forwarded-Host header, which a client controls, nor an Origin outside both lists.
 */
export function linkBaseUrl(
  req: Request,
  allowedOrigins: ReadonlySet<string>,
  siteUrls: readonly string[],
): string | undefined {
  const origin = req.get('origin');
  const site = pickSiteUrl(origin, siteUrls);
  if (origin && site !== undefined && originOfSiteUrl(site) === origin) return site;
  if (origin && allowedOrigins.has(origin)) return origin;
  return site;
}
