import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { clearTokenCookies, noStore, readCookie } from '../../core/http/cookies';
import { assertCsrf } from '../../core/http/csrf';
import { bearerToken, requestContext } from '../../core/http/request-context';
import { constantTimeEqual } from '../../core/secrets';
import { failAndClear, type RouterContext } from '../../router/context';
import { registerDeviceRoutes } from './device-routes';
import { refreshBody } from './schemas';

/** The refresh token from the body (bearer clients) or the refresh cookie. */
function presentedRefreshToken(req: Request, res: Response, ctx: RouterContext) {
  const body = z.object({ refreshToken: z.string().max(4096) }).safeParse(req.body ?? {});
  if (body.success && body.data.refreshToken)
    return { token: body.data.refreshToken, fromCookie: false };
  const cookie = readCookie(req, res, ctx.config.cookies.refreshName);
  return cookie ? { token: cookie, fromCookie: true } : undefined;
}

/** POST /refresh, POST /logout, POST /sessions/cleanup, and the user's own devices. */
export function registerSessionRoutes(router: Router, ctx: RouterContext): void {
  const { config } = ctx;

  router.post(
    '/refresh',
    ...ctx.sensitive,
    asyncHandler(async (req, res) => {
      const parsed = refreshBody.safeParse(req.body ?? {});
      if (!parsed.success)
        throw new AuthError('refreshToken must be a string', 'VALIDATION_ERROR', 400);
      const presented = presentedRefreshToken(req, res, ctx);
      if (!presented) throw new AuthError('No refresh token', 'REFRESH_TOKEN_MISSING', 401);
      try {
        if (presented.fromCookie && config.csrfEnabled) {
          const claims = ctx.tokens.verifyRefreshToken(presented.token, config.source, {
            ignoreExpiration: true,
          });
          assertCsrf(req, res, config, claims.sub);
        }
        const issued = await ctx.sessions.refresh(presented.token, requestContext(req), (id) =>
          ctx.users.findById(id),
        );
        ctx.deliver(req, res, issued);
      } catch (err) {
        noStore(res);
        // Only a refresh token that can never work again (401) ends the browser's session; a
        // CSRF failure or an unavailable store (503) must not sign the user out.
        if (err instanceof AuthError && err.statusCode === 401 && presented.fromCookie) {
          failAndClear(res, config, err);
        }
        throw err;
      }
    }),
  );

  router.post(
    '/logout',
    asyncHandler(async (req, res) => {
      const session = await sessionOfRequest(req, res, ctx);
      if (session) {
        if (session.viaCookie && config.csrfEnabled) assertCsrf(req, res, config, session.userId);
        await ctx.sessions.revoke(session.sessionHandle, 'logout', requestContext(req));
        ctx.publish(AuthEventNames.AUTH_LOGOUT, req, {
          userId: session.userId,
          sessionId: session.sessionHandle,
        });
      }
      clearTokenCookies(res, config);
      noStore(res);
      res.json({ success: true });
    }),
  );

  const store = ctx.sessionStore;
  // The effective store (given to the router or to the AuthConfigurator) decides.
  if (store.deleteExpiredSessions) {
    const secret = ctx.options.sessionCleanupSecret;
    router.post(
      '/sessions/cleanup',
      ...ctx.sensitive,
      asyncHandler(async (req, res) => {
        if (secret !== undefined && !constantTimeEqual(bearerToken(req) ?? '', secret)) {
          throw new AuthError('Authentication required', 'UNAUTHORIZED', 401);
        }
        const deleted = await store.deleteExpiredSessions!();
        if (deleted > 0) ctx.publish(AuthEventNames.SESSION_EXPIRED, req, { data: { deleted } });
        res.json({ success: true, deleted });
      }),
    );
  }

  registerDeviceRoutes(router, ctx);
}

/**
 * The session a logout ends: named by the access token (header or cookie), or else by the
 * refresh token, so a user whose access token has expired can still sign out.
 */
async function sessionOfRequest(req: Request, res: Response, ctx: RouterContext) {
  const header = bearerToken(req);
  const access = header ?? readCookie(req, res, ctx.config.cookies.accessName);
  if (access) {
    const check = ctx.tokens.checkAccessToken(access);
    if (check.ok && check.payload.sid) {
      return { sessionHandle: check.payload.sid, userId: check.payload.sub, viaCookie: !header };
    }
  }
  const presented = presentedRefreshToken(req, res, ctx);
  if (!presented) return undefined;
  const session = await ctx.sessions.sessionOfRefreshToken(presented.token);
  return session
    ? {
        sessionHandle: session.sessionHandle,
        userId: session.userId,
        viaCookie: presented.fromCookie,
      }
    : undefined;
}
