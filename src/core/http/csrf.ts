import type { Request, Response } from 'express';
import type { ResolvedConfig } from '../config/resolved';
import { AuthError } from '../errors';
import { constantTimeEqual, generateToken, hmac } from '../secrets';
import { readCookie } from './read-cookie';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A double-submit token bound to the user: `random.hmac(random.userId)`. Binding it means a
 * cookie planted by a sibling subdomain (cookie tossing) cannot pass for the victim's.
 */
export function issueCsrfToken(config: ResolvedConfig, userId: string): string {
  const nonce = generateToken(18);
  return `${nonce}.${hmac(config.csrfKey, `${nonce}.${userId}`)}`;
}

/** True for the methods CSRF protects. */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method);
}

/**
 * Checks a cookie-authenticated unsafe request: the X-CSRF-Token header must equal the csrf
 * cookie, and the token must have been issued to `userId`. Throws 403 CSRF_INVALID.
 */
export function assertCsrf(
  req: Request,
  res: Response,
  config: ResolvedConfig,
  userId: string,
): void {
  const header = req.get('x-csrf-token');
  const cookie = readCookie(req, res, config.cookies.csrfName);
  if (
    !header ||
    !cookie ||
    !constantTimeEqual(header, cookie) ||
    !issuedTo(config, cookie, userId)
  ) {
    throw new AuthError('Missing or invalid CSRF token', 'CSRF_INVALID', 403);
  }
}

function issuedTo(config: ResolvedConfig, token: string, userId: string): boolean {
  const dot = token.indexOf('.');
  if (dot < 0) return false;
  const nonce = token.slice(0, dot);
  return constantTimeEqual(token.slice(dot + 1), hmac(config.csrfKey, `${nonce}.${userId}`));
}
