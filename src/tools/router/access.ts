import type { Request } from 'express';
import { AuthError } from '../../core/errors';
import type { ToolsAction, ToolsRouterOptions } from './options';

/** The caller of a tools endpoint, as the access rules see them. */
export interface ToolsCaller {
  user: Express.User;
  isAdmin: boolean;
  /** Set for a caller bound to one tenant: everything they do stays inside it. */
  tenantId: string | undefined;
}

const FORBIDDEN = new AuthError('Not allowed', 'FORBIDDEN', 403);

/** `role: 'admin'` or `roles: ['admin', …]` in the access token. */
export function defaultIsAdmin(user: Express.User): boolean {
  if (user.role === 'admin') return true;
  return Array.isArray(user.roles) && user.roles.includes('admin');
}

/** The `tenantId` claim, when it is a non-empty string. */
export function defaultTenantOf(user: Express.User): string | undefined {
  const tenant = user.tenantId;
  return typeof tenant === 'string' && tenant.length > 0 ? tenant : undefined;
}

/** Builds the caller of a request the auth middleware has admitted. */
export function callerOf(req: Request, options: ToolsRouterOptions): ToolsCaller {
  const user = req.user;
  if (!user) throw new AuthError('Authentication required', 'UNAUTHORIZED', 401);
  return {
    user,
    isAdmin: (options.isAdmin ?? defaultIsAdmin)(user),
    tenantId: (options.tenantOf ?? defaultTenantOf)(user),
  };
}

/** Throws 403 unless the permission hook (default: administrators) allows the action. */
export async function assertPermitted(
  req: Request,
  caller: ToolsCaller,
  options: ToolsRouterOptions,
  action: ToolsAction,
  target: string,
): Promise<void> {
  const allowed = options.permission
    ? await options.permission(req, action, target)
    : caller.isAdmin;
  if (allowed !== true) throw FORBIDDEN;
}

/** A tenant-bound caller may name only their own tenant; returns the tenant to apply. */
export function confineTenant(
  caller: ToolsCaller,
  requested: string | undefined,
): string | undefined {
  if (caller.tenantId === undefined) return requested;
  if (requested !== undefined && requested !== caller.tenantId) throw FORBIDDEN;
  return caller.tenantId;
}

/** Thrown wherever tenant isolation refuses. */
export const forbidden = (): AuthError => FORBIDDEN;
