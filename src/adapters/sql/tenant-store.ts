import { randomUUID } from 'node:crypto';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ITenantStore, Tenant } from '../../stores/profile-stores';
import { fromFlag, fromJson, requireMillis, toFlag, toJson, toMillis } from './codec';
import { ignoringDuplicates, type SqlContext } from './dialect';
import type { TenantsTable } from './schema';

function toTenant(row: Selectable<TenantsTable> | Insertable<TenantsTable>): Tenant {
  const tenant: Tenant = {
    id: row.id,
    name: row.name,
    isActive: fromFlag(row.is_active),
    createdAt: requireMillis(row.created_at),
  };
  const config = fromJson<Record<string, unknown>>(row.config);
  if (config !== undefined) tenant.config = config;
  return tenant;
}

/** {@link ITenantStore}: tenants and memberships; tenants list in creation order. */
export class SqlTenantStore implements ITenantStore {
  constructor(private readonly ctx: SqlContext) {}

  async createTenant(data: Omit<Tenant, 'id'>): Promise<Tenant> {
    const row: Insertable<TenantsTable> = {
      id: randomUUID(),
      name: data.name,
      is_active: toFlag(data.isActive ?? true),
      config: data.config === undefined ? null : toJson(data.config),
      created_at: toMillis(data.createdAt) ?? Date.now(),
    };
    await this.ctx.db.insertInto('tenants').values(row).execute();
    return toTenant(row);
  }
  async getTenantById(id: string) {
    const row = await this.ctx.db
      .selectFrom('tenants')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toTenant(row) : null;
  }
  async getAllTenants() {
    const rows = await this.ctx.db.selectFrom('tenants').selectAll().orderBy('seq').execute();
    return rows.map(toTenant);
  }
  /** Changes the fields given; an unknown id is a no-op. */
  async updateTenant(id: string, data: Partial<Omit<Tenant, 'id'>>) {
    const set: Updateable<TenantsTable> = {};
    if (data.name !== undefined) set.name = data.name;
    if (data.isActive !== undefined) set.is_active = toFlag(data.isActive);
    if ('config' in data) set.config = data.config === undefined ? null : toJson(data.config);
    if (data.createdAt !== undefined) set.created_at = toMillis(data.createdAt) ?? Date.now();
    if (Object.keys(set).length === 0) return;
    await this.ctx.db.updateTable('tenants').set(set).where('id', '=', id).execute();
  }
  /** Removes the tenant and its memberships together. */
  async deleteTenant(id: string) {
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('tenant_members').where('tenant_id', '=', id).execute();
      await trx.deleteFrom('tenants').where('id', '=', id).execute();
    });
  }
  async associateUserWithTenant(userId: string, tenantId: string) {
    const row = { tenant_id: tenantId, user_id: userId };
    await ignoringDuplicates(
      this.ctx,
      this.ctx.db.insertInto('tenant_members').values(row),
      'user_id',
    ).execute();
  }
  async disassociateUserFromTenant(userId: string, tenantId: string) {
    await this.ctx.db
      .deleteFrom('tenant_members')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute();
  }
  async getTenantsForUser(userId: string) {
    const rows = await this.ctx.db
      .selectFrom('tenants')
      .innerJoin('tenant_members', 'tenant_members.tenant_id', 'tenants.id')
      .selectAll('tenants')
      .where('tenant_members.user_id', '=', userId)
      .orderBy('tenants.seq')
      .execute();
    return rows.map(toTenant);
  }
  async getUsersForTenant(tenantId: string) {
    const rows = await this.ctx.db
      .selectFrom('tenant_members')
      .select('user_id')
      .where('tenant_id', '=', tenantId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.user_id);
  }
}
