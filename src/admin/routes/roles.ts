import type { Router } from 'express';
import { z } from 'zod';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { requireFeature, type AdminContext } from '../context';
import { parseInput, pathParam } from '../input';

const label = () => z.string().trim().min(1).max(200);
export const createRoleBody = z.object({
  name: label(),
  permissions: z.array(label()).max(500).optional(),
});

/** GET /roles, POST /roles, DELETE /roles/:name. */
export function registerRoleRoutes(api: Router, ctx: AdminContext): void {
  const rbac = () => requireFeature(ctx.stores.rbacStore, 'roles');

  api.get(
    '/roles',
    asyncHandler(async (_req, res) => {
      const store = rbac();
      if (!store.getAllRoles) {
        throw new AuthError('The roles store cannot list roles', 'NOT_SUPPORTED', 501);
      }
      res.json({ roles: await store.getAllRoles() });
    }),
  );

  api.post(
    '/roles',
    asyncHandler(async (req, res) => {
      const store = rbac();
      const { name, permissions = [] } = parseInput(req, createRoleBody);
      const unique = [...new Set(permissions)];
      await store.createRole(name, unique);
      ctx.publish(AuthEventNames.ADMIN_ROLE_CREATED, req, res, {
        data: { role: name, permissions: unique },
      });
      res.status(201).json({ success: true });
    }),
  );

  api.delete(
    '/roles/:name',
    asyncHandler(async (req, res) => {
      const store = rbac();
      const role = pathParam(req, 'name');
      // Without a listing the store cannot say whether the role exists; deleting is then a no-op.
      if (store.getAllRoles && !(await store.getAllRoles()).some((r) => r.name === role)) {
        throw new AuthError('Role not found', 'ROLE_NOT_FOUND', 404);
      }
      await store.deleteRole(role);
      ctx.publish(AuthEventNames.ADMIN_ROLE_DELETED, req, res, { data: { role } });
      res.json({ success: true });
    }),
  );
}
