import type { IRolesPermissionsStore, RoleInfo } from '../../stores/profile-stores';
import { ignoringDuplicates, type SqlContext } from './dialect';

/** A role held outside any tenant is stored under tenant '' (see schema.ts). */
const NO_TENANT = '';

const unique = (values: Iterable<string>) => [...new Set(values)];

async function defineRole(ctx: SqlContext, role: string): Promise<void> {
  await ignoringDuplicates(
    ctx,
    ctx.db.insertInto('roles').values({ name: role }),
    'name',
  ).execute();
}

/** The permissions the user's roles grant in that tenant (or outside tenants), one row each. */
function grantedTo(ctx: SqlContext, userId: string, tenantId: string | undefined) {
  return ctx.db
    .selectFrom('user_roles')
    .innerJoin('role_permissions', 'role_permissions.role', 'user_roles.role')
    .select('role_permissions.permission')
    .where('user_roles.user_id', '=', userId)
    .where('user_roles.tenant_id', '=', tenantId ?? NO_TENANT);
}

/**
 * {@link IRolesPermissionsStore}, tenant-aware, with `removeAllRolesFromUser` and `getAllRoles`.
 * Adds are idempotent (unique keys); listings come back in the order things were added.
 */
export class SqlRolesPermissionsStore implements Required<IRolesPermissionsStore> {
  constructor(private readonly ctx: SqlContext) {}

  async addRoleToUser(userId: string, role: string, tenantId?: string) {
    const row = { user_id: userId, role, tenant_id: tenantId ?? NO_TENANT };
    await ignoringDuplicates(
      this.ctx,
      this.ctx.db.insertInto('user_roles').values(row),
      'role',
    ).execute();
  }
  async removeRoleFromUser(userId: string, role: string, tenantId?: string) {
    await this.ctx.db
      .deleteFrom('user_roles')
      .where('user_id', '=', userId)
      .where('tenant_id', '=', tenantId ?? NO_TENANT)
      .where('role', '=', role)
      .execute();
  }
  async getRolesForUser(userId: string, tenantId?: string) {
    const rows = await this.ctx.db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', userId)
      .where('tenant_id', '=', tenantId ?? NO_TENANT)
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.role);
  }
  async removeAllRolesFromUser(userId: string) {
    await this.ctx.db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  }
  /** Defines the role with exactly these permissions, replacing any it had. */
  async createRole(role: string, permissions: string[] = []) {
    await this.ctx.db.transaction().execute(async (trx) => {
      const tx = { ...this.ctx, db: trx };
      await defineRole(tx, role);
      await trx.deleteFrom('role_permissions').where('role', '=', role).execute();
      const rows = unique(permissions).map((permission) => ({ role, permission }));
      if (rows.length > 0) await trx.insertInto('role_permissions').values(rows).execute();
    });
  }
  /** Removes the role, its permissions and every assignment of it, in every tenant. */
  async deleteRole(role: string) {
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_roles').where('role', '=', role).execute();
      await trx.deleteFrom('role_permissions').where('role', '=', role).execute();
      await trx.deleteFrom('roles').where('name', '=', role).execute();
    });
  }
  async addPermissionToRole(role: string, permission: string) {
    await defineRole(this.ctx, role);
    await ignoringDuplicates(
      this.ctx,
      this.ctx.db.insertInto('role_permissions').values({ role, permission }),
      'role',
    ).execute();
  }
  async removePermissionFromRole(role: string, permission: string) {
    await this.ctx.db
      .deleteFrom('role_permissions')
      .where('role', '=', role)
      .where('permission', '=', permission)
      .execute();
  }
  async getPermissionsForRole(role: string) {
    const rows = await this.ctx.db
      .selectFrom('role_permissions')
      .select('permission')
      .where('role', '=', role)
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.permission);
  }
  async getAllRoles(): Promise<RoleInfo[]> {
    const [roles, grants] = await Promise.all([
      this.ctx.db.selectFrom('roles').select('name').orderBy('seq').execute(),
      this.ctx.db
        .selectFrom('role_permissions')
        .select(['role', 'permission'])
        .orderBy('seq')
        .execute(),
    ]);
    const byRole = new Map<string, string[]>(roles.map((r) => [r.name, []]));
    for (const g of grants) byRole.get(g.role)?.push(g.permission);
    return [...byRole].map(([name, permissions]) => ({ name, permissions }));
  }
  /** The union of the permissions of the user's roles (in that tenant, or outside tenants). */
  async getPermissionsForUser(userId: string, tenantId?: string) {
    const rows = await grantedTo(this.ctx, userId, tenantId)
      .orderBy('user_roles.seq')
      .orderBy('role_permissions.seq')
      .execute();
    return unique(rows.map((r) => r.permission));
  }
  async userHasPermission(userId: string, permission: string, tenantId?: string) {
    const row = await grantedTo(this.ctx, userId, tenantId)
      .where('role_permissions.permission', '=', permission)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
