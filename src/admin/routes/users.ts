import type { Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { removeUserData } from '../../features/account/remove-user-data';
import type { BaseUser } from '../../stores/user';
import { toAdminUser } from '../admin-user';
import { requireFeature, type AdminContext } from '../context';
import { parsePaging, pathParam } from '../input';

/** The user, or 404 USER_NOT_FOUND. */
export async function findUserOr404(ctx: AdminContext, id: string): Promise<BaseUser> {
  const user = await ctx.users.findById(id);
  if (!user) throw new AuthError('User not found', 'USER_NOT_FOUND', 404);
  return user;
}

/** GET /users (paged by the store), GET /users/:id, DELETE /users/:id. */
export function registerUserRoutes(api: Router, ctx: AdminContext): void {
  const { users } = ctx;

  api.get(
    '/users',
    asyncHandler(async (req, res) => {
      const listUsers = requireFeature(users.listUsers?.bind(users), 'user listing');
      const { limit, offset, filter } = parsePaging(req);
      // One more than the page tells whether another page follows, without a second query.
      const [rows, total] = await Promise.all([
        listUsers({ limit: limit + 1, offset, filter }),
        users.countUsers?.(filter),
      ]);
      res.json({
        users: rows.slice(0, limit).map(toAdminUser),
        ...(total === undefined ? {} : { total }),
        limit,
        offset,
        hasMore: rows.length > limit,
      });
    }),
  );

  api.get(
    '/users/:id',
    asyncHandler(async (req, res) => {
      res.json({ user: toAdminUser(await findUserOr404(ctx, pathParam(req, 'id'))) });
    }),
  );

  api.delete(
    '/users/:id',
    asyncHandler(async (req, res) => {
      if (!users.deleteUser) {
        throw new AuthError('The user store cannot delete users', 'NOT_SUPPORTED', 501);
      }
      const user = await findUserOr404(ctx, pathParam(req, 'id'));
      const s = ctx.stores;
      await removeUserData(
        {
          users,
          sessionStore: s.sessionStore,
          twoFactor: s.twoFactorStore,
          rbacStore: s.rbacStore,
          tenantStore: s.tenantStore,
          metadataStore: s.userMetadataStore,
          linkedAccountsStore: s.linkedAccountsStore,
        },
        user.id,
      );
      // The identity events tell the rest of the app what happened, as self-service deletion
      // does; the admin one is the audit record.
      const reason = { reason: 'admin_deleted', allSessions: true };
      ctx.publish(AuthEventNames.SESSION_REVOKED, req, res, { userId: user.id, data: reason });
      ctx.publish(AuthEventNames.USER_DELETED, req, res, { userId: user.id });
      ctx.publish(AuthEventNames.ADMIN_USER_DELETED, req, res, {
        userId: user.id,
        data: { email: user.email },
      });
      res.json({ success: true });
    }),
  );
}
