import type { Router } from 'express';
import { z } from 'zod';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { requireFeature, type AdminContext } from '../context';
import {
  assertSafeKeys,
  assertShallow,
  isPlainObject,
  parseInput,
  queryParam,
  pathParam,
} from '../input';
import { findUserOr404 } from '../../features/find-user';

const name = () => z.string().trim().min(1).max(200);
/** POST /users/:id/roles. */
export const assignRoleBody = z.object({ role: name(), tenantId: name().optional() });

/** Largest number of top-level metadata keys one PUT may write. */
const MAX_METADATA_KEYS = 500;

/** A user's roles, metadata, linked accounts and tenants. */
export function registerUserRelationRoutes(api: Router, ctx: AdminContext): void {
  const { stores } = ctx;
  const rbac = () => requireFeature(stores.rbacStore, 'roles');
  const metadata = () => requireFeature(stores.userMetadataStore, 'metadata');

  // ?tenantId= scopes roles to a tenant; without it, the user's roles outside any tenant.
  api.get(
    '/users/:id/roles',
    asyncHandler(async (req, res) => {
      const store = rbac();
      const user = await findUserOr404(ctx, pathParam(req, 'id'));
      res.json({ roles: await store.getRolesForUser(user.id, queryParam(req, 'tenantId')) });
    }),
  );

  api.post(
    '/users/:id/roles',
    asyncHandler(async (req, res) => {
      const store = rbac();
      const { role, tenantId } = parseInput(req, assignRoleBody);
      const user = await findUserOr404(ctx, pathParam(req, 'id'));
      await store.addRoleToUser(user.id, role, tenantId);
      const event = { userId: user.id, tenantId, data: { role } };
      ctx.publish(AuthEventNames.ROLE_ASSIGNED, req, res, event);
      ctx.publish(AuthEventNames.ADMIN_ROLE_ASSIGNED, req, res, event);
      res.json({ success: true });
    }),
  );

  api.delete(
    '/users/:id/roles/:role',
    asyncHandler(async (req, res) => {
      const store = rbac();
      const tenantId = queryParam(req, 'tenantId') || undefined;
      const user = await findUserOr404(ctx, pathParam(req, 'id'));
      const role = pathParam(req, 'role');
      await store.removeRoleFromUser(user.id, role, tenantId);
      const event = { userId: user.id, tenantId, data: { role } };
      ctx.publish(AuthEventNames.ROLE_REVOKED, req, res, event);
      ctx.publish(AuthEventNames.ADMIN_ROLE_REMOVED, req, res, event);
      res.json({ success: true });
    }),
  );

  api.get(
    '/users/:id/metadata',
    asyncHandler(async (req, res) => {
      const store = metadata();
      const user = await findUserOr404(ctx, pathParam(req, 'id'));
      // The document itself, not wrapped, as the reference SDK answers.
      res.json((await store.getMetadata(user.id)) ?? {});
    }),
  );

  // The body is the whole new document: keys left out are removed.
  api.put(
    '/users/:id/metadata',
    asyncHandler(async (req, res) => {
      const store = metadata();
      const next: unknown = req.body;
      if (!isPlainObject(next)) {
        throw new AuthError('The body must be a JSON object', 'INVALID_INPUT', 400);
      }
      assertSafeKeys(next, 'Metadata');
      assertShallow(next, 'Metadata');
      if (Object.keys(next).length > MAX_METADATA_KEYS) {
        throw new AuthError(
          `Metadata may have at most ${MAX_METADATA_KEYS} keys`,
          'INVALID_INPUT',
          400,
        );
      }
      const user = await findUserOr404(ctx, pathParam(req, 'id'));
      // The store interface only merges, so replacing is clear-then-write (two calls).
      await store.clearMetadata(user.id);
      if (Object.keys(next).length > 0) await store.updateMetadata(user.id, next);
      ctx.publish(AuthEventNames.ADMIN_USER_METADATA_UPDATED, req, res, {
        userId: user.id,
        data: { keys: Object.keys(next) },
      });
      res.json({ success: true, metadata: await store.getMetadata(user.id) });
    }),
  );

  api.get(
    '/users/:id/linked-accounts',
    asyncHandler(async (req, res) => {
      const store = requireFeature(stores.linkedAccountsStore, 'linked accounts');
      const user = await findUserOr404(ctx, pathParam(req, 'id'));
      res.json({ linkedAccounts: await store.getLinkedAccounts(user.id) });
    }),
  );

  api.get(
    '/users/:id/tenants',
    asyncHandler(async (req, res) => {
      const store = requireFeature(stores.tenantStore, 'tenants');
      const user = await findUserOr404(ctx, pathParam(req, 'id'));
      const tenants = await store.getTenantsForUser(user.id);
      res.json({
        tenantIds: tenants.map((t) => t.id),
        tenants: tenants.map((t) => ({ id: t.id, name: t.name })),
      });
    }),
  );
}
