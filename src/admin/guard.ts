import type { Request, RequestHandler, Response } from 'express';
import { AuthError } from '../core/errors';
import { AuthEventNames } from '../core/events';
import { asyncHandler } from '../core/http/async-handler';
import { bearerToken } from '../core/http/request-context';
import { constantTimeEqual } from '../core/secrets';
import { setActor, type AdminContext } from './context';
import type { AdminAuthorize } from './options';

/** The actor name events carry for requests authorised by the shared secret. */
export const SECRET_ACTOR = 'admin-secret';
/** The actor name when an authorize hook answers `true` rather than naming someone. */
export const HOOK_ACTOR = 'authorize-hook';

/** Resolves the actor of an authorised request, or null. */
type Check = (req: Request) => Promise<string | null>;

function secretCheck(secret: string): Check {
  return async function checkAdminSecret(req) {
    const presented = bearerToken(req);
    // constantTimeEqual compares SHA-256 digests, so neither content nor length leaks.
    return presented !== undefined && constantTimeEqual(presented, secret) ? SECRET_ACTOR : null;
  };
}

function hookCheck(authorize: AdminAuthorize): Check {
  return async function checkAdminHook(req) {
    const verdict = await authorize(req);
    if (typeof verdict === 'string') return verdict.trim() === '' ? null : verdict;
    return verdict === true ? HOOK_ACTOR : null;
  };
}

function refuse(): AuthError {
  return new AuthError('Admin authorization required', 'ADMIN_UNAUTHORIZED', 401);
}

/**
 * Guards every /api route: counts the attempt against the client IP (refusing with 429 once
 * too many failed), then checks the secret or the app's hook. A success clears the count, so
 * only failures add up; a locked-out address is refused before its credentials are looked at,
 * so guessing stops even for a correct guess.
 */
export function createAdminGuard(ctx: AdminContext): RequestHandler {
  const { adminSecret, authorize, rateLimit } = ctx.options;
  const check = authorize ? hookCheck(authorize) : secretCheck(adminSecret!);

  async function throttle(req: Request, res: Response): Promise<string | undefined> {
    if (!rateLimit) return undefined;
    const key = `keyward:admin-auth:${req.ip ?? 'unknown'}`;
    const hit = await rateLimit.store.hit(key, rateLimit.windowMs);
    if (hit.count > rateLimit.maxFailures) {
      const seconds = Math.max(1, Math.ceil((hit.resetAt.getTime() - Date.now()) / 1000));
      res.set('Retry-After', String(seconds));
      throw new AuthError('Too many failed admin logins; try again later', 'RATE_LIMITED', 429);
    }
    return key;
  }

  return asyncHandler(async function adminGuard(req, res, next) {
    const key = await throttle(req, res);
    const actor = await check(req);
    if (!actor) {
      ctx.options.eventBus?.publish(AuthEventNames.ADMIN_AUTH_FAILED, {
        ip: req.ip,
        data: {
          method: req.method,
          path: req.path,
          hadCredentials: Boolean(req.get('authorization')),
        },
      });
      res.set('WWW-Authenticate', 'Bearer realm="admin"');
      throw refuse();
    }
    if (key !== undefined) await ctx.options.rateLimit!.store.reset(key);
    setActor(res, actor);
    next();
  });
}
