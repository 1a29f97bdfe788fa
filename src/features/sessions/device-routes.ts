import type { Request, Router } from 'express';
import { AuthError } from '../../core/errors';
import { asyncHandler } from '../../core/http/async-handler';
import { clearTokenCookies, noStore } from '../../core/http/cookies';
import { requestContext } from '../../core/http/request-context';
import type { RouterContext } from '../../router/context';
import { liveSessionsOf, toDeviceView } from './devices';

/** The same answer as the middleware's for a session that has ended. */
const REVOKED = new AuthError('Session is no longer valid', 'SESSION_REVOKED', 401);
/**
 * One answer for an unknown handle and for another user's: the handle is looked for among the
 * caller's own sessions only, so nothing about anyone else's is read, timed or told.
 */
const NOT_FOUND = new AuthError('Session not found', 'SESSION_NOT_FOUND', 404);

/** `data.reason` of the SESSION_REVOKED events these routes cause. */
const REASON_ONE = 'device_signed_out';
const REASON_OTHERS = 'other_devices_signed_out';

/**
 * GET /sessions, DELETE /sessions/:sessionHandle, POST /sessions/revoke-others: a user's own
 * devices. No recent-authentication proof is asked: ending sessions only protects the account,
 * and someone holding a stolen session could do no more than sign the owner out.
 */
export function registerDeviceRoutes(router: Router, ctx: RouterContext): void {
  const { config } = ctx;

  /**
   * The caller's live sessions and which one is theirs. An access token can outlive its session
   * (until it expires, unless sessions are checked per request); such a token is refused here,
   * or a thief whose copy of a session was ended could still end the owner's other sessions.
   */
  async function ownSessions(req: Request) {
    const { sub, sid } = req.user!;
    const sessions = await liveSessionsOf(ctx.sessionStore, sub);
    if (!sid || !sessions.some((s) => s.sessionHandle === sid)) throw REVOKED;
    return { sessions, current: sid };
  }

  router.get(
    '/sessions',
    ctx.requireAuth,
    asyncHandler(async (req, res) => {
      noStore(res);
      const { sessions, current } = await ownSessions(req);
      res.json({ sessions: sessions.map((s) => toDeviceView(s, current)) });
    }),
  );

  router.delete(
    '/sessions/:sessionHandle',
    ctx.requireAuth,
    asyncHandler(async (req, res) => {
      noStore(res);
      const { sessions, current } = await ownSessions(req);
      const target = sessions.find((s) => s.sessionHandle === req.params.sessionHandle);
      if (!target) throw NOT_FOUND;
      await ctx.sessions.revoke(target.sessionHandle, REASON_ONE, requestContext(req));
      // Ending the session this browser runs on is a sign-out: its cookies go too.
      if (target.sessionHandle === current) clearTokenCookies(res, config);
      res.json({ success: true });
    }),
  );

  router.post(
    '/sessions/revoke-others',
    ctx.requireAuth,
    asyncHandler(async (req, res) => {
      noStore(res);
      const { sessions, current } = await ownSessions(req);
      const others = sessions.filter((s) => s.sessionHandle !== current);
      const context = requestContext(req);
      // One by one through the session manager, so each ended session is announced (and
      // refused) by its own id, as a logout on that device would be.
      await Promise.all(
        others.map((s) => ctx.sessions.revoke(s.sessionHandle, REASON_OTHERS, context)),
      );
      res.json({ success: true, revoked: others.length });
    }),
  );
}
