import type { Router } from 'express';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { clearTokenCookies } from '../../core/http/cookies';
import { requestContext } from '../../core/http/request-context';
import type { RouterContext } from '../../router/context';
import { findUserOr404 } from '../find-user';
import { deleteAccountData } from './delete-account';
import { registerEmailChangeRoutes } from './email-change-routes';
import { richProfile } from './profile';

/** GET /me, DELETE /account, and the change-email flow. */
export function registerAccountRoutes(router: Router, ctx: RouterContext): void {
  router.get(
    '/me',
    ctx.requireAuth,
    asyncHandler(async (req, res) => {
      const auth = req.user!;
      const user = await findUserOr404(ctx, auth.sub);
      const tenantId = typeof auth.tenantId === 'string' ? auth.tenantId : undefined;
      res.set('Cache-Control', 'no-store');
      res.json(await richProfile(ctx, user, tenantId));
    }),
  );

  if (ctx.users.deleteUser) {
    router.delete(
      '/account',
      ...ctx.sensitive,
      ctx.requireAuth,
      ctx.requireRecentAuth,
      asyncHandler(async (req, res) => {
        const userId = req.user!.sub;
        // Through the session manager, so the access tokens are refused at once (and on every
        // instance); the deletion then removes whatever the stores still hold.
        await ctx.sessions.revokeAll(userId, 'account_deleted', requestContext(req));
        await deleteAccountData(ctx, userId);
        ctx.publish(AuthEventNames.USER_DELETED, req, { userId });
        clearTokenCookies(res, ctx.config);
        res.json({ success: true });
      }),
    );
  }

  registerEmailChangeRoutes(router, ctx);
}
