import type { Router } from 'express';
import { z } from 'zod';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import type { ITenantStore, Tenant } from '../../stores/profile-stores';
import { requireFeature, type AdminContext } from '../context';
import { isPlainObject, parseInput, pathParam } from '../input';
import { findUserOr404 } from '../../features/find-user';

// The store assigns tenant ids, so an `id` in the body is ignored like any unknown field.
export const createTenantBody = z.object({
  name: z.string().trim().min(1).max(200),
  isActive: z.boolean().optional(),
  config: z
    .custom<Record<string, unknown>>(isPlainObject, 'must be a JSON object')
    // A check JSON Schema cannot express: the spec says what it accepts.
    .meta({ override: { type: 'object' } })
    .optional(),
});
/** POST /tenants/:id/users. */
export const memberBody = z.object({ userId: z.string().min(1).max(200) });

async function findTenantOr404(store: ITenantStore, id: string): Promise<Tenant> {
  const tenant = await store.getTenantById(id);
  if (!tenant) throw new AuthError('Tenant not found', 'TENANT_NOT_FOUND', 404);
  return tenant;
}

/** Tenants and their members. */
export function registerTenantRoutes(api: Router, ctx: AdminContext): void {
  const tenants = () => requireFeature(ctx.stores.tenantStore, 'tenants');

  api.get(
    '/tenants',
    asyncHandler(async (_req, res) => {
      res.json({ tenants: await tenants().getAllTenants() });
    }),
  );

  api.post(
    '/tenants',
    asyncHandler(async (req, res) => {
      const store = tenants();
      const body = parseInput(req, createTenantBody);
      const tenant = await store.createTenant(body);
      const event = { tenantId: tenant.id, data: { name: tenant.name } };
      ctx.publish(AuthEventNames.TENANT_CREATED, req, res, event);
      ctx.publish(AuthEventNames.ADMIN_TENANT_CREATED, req, res, event);
      res.status(201).json({ success: true, tenant });
    }),
  );

  api.delete(
    '/tenants/:id',
    asyncHandler(async (req, res) => {
      const store = tenants();
      const tenant = await findTenantOr404(store, pathParam(req, 'id'));
      await store.deleteTenant(tenant.id);
      const event = { tenantId: tenant.id, data: { name: tenant.name } };
      ctx.publish(AuthEventNames.TENANT_DELETED, req, res, event);
      ctx.publish(AuthEventNames.ADMIN_TENANT_DELETED, req, res, event);
      res.json({ success: true });
    }),
  );

  api.get(
    '/tenants/:id/users',
    asyncHandler(async (req, res) => {
      const store = tenants();
      const tenant = await findTenantOr404(store, pathParam(req, 'id'));
      res.json({ userIds: await store.getUsersForTenant(tenant.id) });
    }),
  );

  api.post(
    '/tenants/:id/users',
    asyncHandler(async (req, res) => {
      const store = tenants();
      const { userId } = parseInput(req, memberBody);
      const tenant = await findTenantOr404(store, pathParam(req, 'id'));
      const user = await findUserOr404(ctx, userId);
      await store.associateUserWithTenant(user.id, tenant.id);
      const event = { tenantId: tenant.id, userId: user.id };
      ctx.publish(AuthEventNames.TENANT_USER_ADDED, req, res, event);
      ctx.publish(AuthEventNames.ADMIN_TENANT_USER_ADDED, req, res, event);
      res.json({ success: true });
    }),
  );

  // A user id that is not (or no longer) a user is still removed: it may be a leftover.
  api.delete(
    '/tenants/:id/users/:userId',
    asyncHandler(async (req, res) => {
      const store = tenants();
      const tenant = await findTenantOr404(store, pathParam(req, 'id'));
      const userId = pathParam(req, 'userId');
      await store.disassociateUserFromTenant(userId, tenant.id);
      const event = { tenantId: tenant.id, userId };
      ctx.publish(AuthEventNames.TENANT_USER_REMOVED, req, res, event);
      ctx.publish(AuthEventNames.ADMIN_TENANT_USER_REMOVED, req, res, event);
      res.json({ success: true });
    }),
  );
}
