import type { Request } from 'express';
import type { RequestContext } from '../sessions/session-manager';

/** What sessions and events record about a request. Honours Express's `trust proxy`. */
export function requestContext(req: Request): RequestContext {
  return { ip: req.ip, userAgent: req.get('user-agent')?.slice(0, 512) };
}

/** True when the client asked for tokens in the body (`X-Auth-Strategy: bearer`). */
export function wantsBearer(req: Request): boolean {
  return req.get('x-auth-strategy')?.toLowerCase() === 'bearer';
}

/** The bearer token of the Authorization header, if any. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ')
    return undefined;
  return header.slice(7).trim() || undefined;
}
