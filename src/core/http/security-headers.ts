import type { RequestHandler, Response } from 'express';

/**
 * Tells the browser to take a JSON answer for what its Content-Type says and nothing else, so a
 * response can never be sniffed into a script or a page (an answer echoing user input would
 * otherwise be a way in).
 */
export function noSniff(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/** Sets {@link noSniff} on every answer of a JSON API (the auth router; the admin API may use it). */
export const jsonApiHeaders: RequestHandler = function keywardJsonApiHeaders(_req, res, next) {
  noSniff(res);
  next();
};

/**
 * The policy of keyward's own pages (the admin panel, the API docs): only their own files, no
 * inline script or style, no third-party origin, no framing, no form posts; data is fetched
 * from the same origin, and icons may be data: images.
 */
export const OWN_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
