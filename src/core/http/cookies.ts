import type { CookieOptions as ExpressCookieOptions, Response } from 'express';
import type { ResolvedConfig } from '../config/resolved';
import type { TokenPair } from '../tokens/claims';
import { issueCsrfToken } from './csrf';

export { readCookie } from './read-cookie';

function base(config: ResolvedConfig): ExpressCookieOptions {
  const { secure, sameSite, domain } = config.cookies;
  return { secure, sameSite, ...(domain ? { domain } : {}) };
}

/** The double-submit cookie alone (csrf-token), bound to `userId`; returns its value. */
export function setCsrfCookie(res: Response, config: ResolvedConfig, userId: string): string {
  const token = issueCsrfToken(config, userId);
  // Readable by the page's script on purpose: it echoes the value in X-CSRF-Token.
  res.cookie(config.cookies.csrfName, token, {
    ...base(config),
    httpOnly: false,
    path: '/',
    maxAge: config.refreshTtlSeconds * 1000,
  });
  return token;
}

/** Sets the access, refresh and (with CSRF on) csrf cookies for a new pair. */
export function setTokenCookies(
  res: Response,
  tokens: TokenPair,
  config: ResolvedConfig,
  userId: string,
): void {
  const c = config.cookies;
  res.cookie(c.accessName, tokens.accessToken, {
    ...base(config),
    httpOnly: true,
    path: '/',
    maxAge: config.accessTtlSeconds * 1000,
  });
  res.cookie(c.refreshName, tokens.refreshToken, {
    ...base(config),
    httpOnly: true,
    path: c.refreshPath,
    maxAge: config.refreshTtlSeconds * 1000,
  });
  if (config.csrfEnabled) setCsrfCookie(res, config, userId);
}

/** Removes every token cookie (logout, revoked session). */
export function clearTokenCookies(res: Response, config: ResolvedConfig): void {
  const c = config.cookies;
  res.clearCookie(c.accessName, { ...base(config), httpOnly: true, path: '/' });
  res.clearCookie(c.refreshName, { ...base(config), httpOnly: true, path: c.refreshPath });
  if (config.csrfEnabled) res.clearCookie(c.csrfName, { ...base(config), path: '/' });
}

/** Token responses must never be cached by a browser or a proxy. */
export function noStore(res: Response): void {
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
}
