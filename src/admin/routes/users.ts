import type { Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { UserRecordSessionStore } from '../../core/sessions/user-record-session-store';
import { removeUserData, type UserDataStores } from '../../features/account/remove-user-data';
import { findUserOr404 } from '../../features/find-user';
import { toAdminUser } from '../admin-user';
import { actorOf, requireFeature, type AdminContext } from '../context';
import { fetchPage, parsePaging, pathParam } from '../input';

/**
 * GET /users (paged by the store), GET /users/:id, DELETE /users/:id, and
 * DELETE /users/:id/sessions (sign out everywhere).
 */
export function registerUserRoutes(api: Router, ctx: AdminContext): void {
  const { users, stores } = ctx;
  // Where a deleted user's data lives, in removeUserData's terms (fixed at setup).
  const userData: UserDataStores = {
    users,
    sessionStore: stores.sessionStore,
    twoFactor: stores.twoFactorStore,
    rbacStore: stores.rbacStore,
    tenantStore: stores.tenantStore,
    metadataStore: stores.userMetadataStore,
    linkedAccountsStore: stores.linkedAccountsStore,
  };
  // Without a session store the auth router keeps one session on the user record; so does this
  // route, so an app on the defaults can sign a user out everywhere too.
  const sessionsOf = stores.sessionStore ?? new UserRecordSessionStore(users);

  api.get(
    '/users',
    asyncHandler(async (req, res) => {
      const listUsers = requireFeature(users.listUsers?.bind(users), 'user listing');
      const paging = parsePaging(req);
      const [{ rows, hasMore }, total] = await Promise.all([
        fetchPage(paging, listUsers),
        users.countUsers?.(paging.filter),
      ]);
      res.json({
        users: rows.map(toAdminUser),
        ...(total === undefined ? {} : { total }),
        limit: paging.limit,
        offset: paging.offset,
        hasMore,
      });
    }),
  );

  api.get(
    '/users/:id',
    asyncHandler(async (req, res) => {
      // The user itself, not wrapped, as the reference SDK answers (and as it is listed).
      res.json(toAdminUser(await findUserOr404(ctx, pathParam(req, 'id'))));
    }),
  );

  api.delete(
    '/users/:id',
    asyncHandler(async (req, res) => {
      if (!users.deleteUser) {
        throw new AuthError('The user store cannot delete users', 'NOT_SUPPORTED', 501);
      }
      const user = await findUserOr404(ctx, pathParam(req, 'id'));
      await removeUserData(userData, user.id);
      // Keys the user made for their scripts stop working with the account.
      if (stores.apiKeyStore) {
        await ctx.options.apiKeyService.revokeUserKeys(stores.apiKeyStore, user.id, {
          actor: actorOf(res),
          ...(req.ip !== undefined && { ip: req.ip }),
        });
      }
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
  api.delete(
    '/users/:id/sessions',
    asyncHandler(async (req, res) => {
      const user = await findUserOr404(ctx, pathParam(req, 'id'));
      await sessionsOf.revokeAllSessionsForUser(user.id);
      // The identity event tells the rest of the app that every session of the user ended, as a
      // password reset's does; the admin one is the audit record.
      ctx.publish(AuthEventNames.SESSION_REVOKED, req, res, {
        userId: user.id,
        data: { reason: 'admin', allSessions: true },
      });
      ctx.publish(AuthEventNames.ADMIN_SESSION_REVOKED, req, res, {
        userId: user.id,
        data: { allSessions: true },
      });
      res.json({ success: true });
    }),
  );
}
