import { randomUUID } from 'node:crypto';
import type { AuthSettings, ISettingsStore } from '../settings';
import type {
  IRolesPermissionsStore,
  ITenantStore,
  IUserMetadataStore,
  Tenant,
} from '../profile-stores';

/** Runtime policy in process memory. */
export class InMemorySettingsStore implements ISettingsStore {
  private settings: AuthSettings;
  constructor(initial: AuthSettings = {}) {
    this.settings = structuredClone(initial);
  }
  async getSettings() {
    return structuredClone(this.settings);
  }
  async updateSettings(settings: Partial<AuthSettings>) {
    this.settings = { ...this.settings, ...structuredClone(settings) };
  }
}

/** Per-user metadata in process memory. */
export class InMemoryUserMetadataStore implements IUserMetadataStore {
  private readonly data = new Map<string, Record<string, unknown>>();
  async getMetadata(userId: string) {
    return structuredClone(this.data.get(userId) ?? {});
  }
  async updateMetadata(userId: string, metadata: Record<string, unknown>) {
    this.data.set(userId, { ...this.data.get(userId), ...structuredClone(metadata) });
  }
  async clearMetadata(userId: string) {
    this.data.delete(userId);
  }
}

const NO_TENANT = '';

/** Roles and permissions in process memory; roles are scoped by tenant when one is given. */
export class InMemoryRolesPermissionsStore implements IRolesPermissionsStore {
  private readonly permissionsByRole = new Map<string, Set<string>>();
  /** userId → tenantId ('' for none) → roles */
  private readonly rolesByUser = new Map<string, Map<string, Set<string>>>();

  async addRoleToUser(userId: string, role: string, tenantId?: string) {
    const tenants = this.rolesByUser.get(userId) ?? new Map<string, Set<string>>();
    const roles = tenants.get(tenantId ?? NO_TENANT) ?? new Set<string>();
    roles.add(role);
    tenants.set(tenantId ?? NO_TENANT, roles);
    this.rolesByUser.set(userId, tenants);
  }
  async removeRoleFromUser(userId: string, role: string, tenantId?: string) {
    this.rolesByUser
      .get(userId)
      ?.get(tenantId ?? NO_TENANT)
      ?.delete(role);
  }
  async getRolesForUser(userId: string, tenantId?: string) {
    return [...(this.rolesByUser.get(userId)?.get(tenantId ?? NO_TENANT) ?? [])];
  }
  async removeAllRolesFromUser(userId: string) {
    this.rolesByUser.delete(userId);
  }
  async createRole(role: string, permissions: string[] = []) {
    this.permissionsByRole.set(role, new Set(permissions));
  }
  async deleteRole(role: string) {
    this.permissionsByRole.delete(role);
    for (const tenants of this.rolesByUser.values())
      for (const roles of tenants.values()) roles.delete(role);
  }
  async addPermissionToRole(role: string, permission: string) {
    const set = this.permissionsByRole.get(role) ?? new Set<string>();
    set.add(permission);
    this.permissionsByRole.set(role, set);
  }
  async removePermissionFromRole(role: string, permission: string) {
    this.permissionsByRole.get(role)?.delete(permission);
  }
  async getPermissionsForRole(role: string) {
    return [...(this.permissionsByRole.get(role) ?? [])];
  }
  async getAllRoles() {
    return [...this.permissionsByRole].map(([name, permissions]) => ({
      name,
      permissions: [...permissions],
    }));
  }
  async getPermissionsForUser(userId: string, tenantId?: string) {
    const roles = await this.getRolesForUser(userId, tenantId);
    const all = new Set<string>();
    for (const role of roles) for (const p of this.permissionsByRole.get(role) ?? []) all.add(p);
    return [...all];
  }
  async userHasPermission(userId: string, permission: string, tenantId?: string) {
    return (await this.getPermissionsForUser(userId, tenantId)).includes(permission);
  }
}

/** Tenants and memberships in process memory. */
export class InMemoryTenantStore implements ITenantStore {
  private readonly tenants = new Map<string, Tenant>();
  private readonly members = new Map<string, Set<string>>();

  async createTenant(data: Omit<Tenant, 'id'>) {
    const tenant: Tenant = {
      isActive: true,
      createdAt: new Date(),
      ...structuredClone(data),
      id: randomUUID(),
    };
    this.tenants.set(tenant.id, tenant);
    return structuredClone(tenant);
  }
  async getTenantById(id: string) {
    const t = this.tenants.get(id);
    return t ? structuredClone(t) : null;
  }
  async getAllTenants() {
    return [...this.tenants.values()].map((t) => structuredClone(t));
  }
  async updateTenant(id: string, data: Partial<Omit<Tenant, 'id'>>) {
    const t = this.tenants.get(id);
    if (t) Object.assign(t, structuredClone(data));
  }
  async deleteTenant(id: string) {
    this.tenants.delete(id);
    this.members.delete(id);
  }
  async associateUserWithTenant(userId: string, tenantId: string) {
    const set = this.members.get(tenantId) ?? new Set<string>();
    set.add(userId);
    this.members.set(tenantId, set);
  }
  async disassociateUserFromTenant(userId: string, tenantId: string) {
    this.members.get(tenantId)?.delete(userId);
  }
  async getTenantsForUser(userId: string) {
    return [...this.members]
      .filter(([, users]) => users.has(userId))
      .map(([id]) => this.tenants.get(id))
      .filter((t): t is Tenant => t !== undefined)
      .map((t) => structuredClone(t));
  }
  async getUsersForTenant(tenantId: string) {
    return [...(this.members.get(tenantId) ?? [])];
  }
}
