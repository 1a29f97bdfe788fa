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
