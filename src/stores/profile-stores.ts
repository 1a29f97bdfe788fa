/** Arbitrary per-user key/value data, kept outside the users table. */
export interface IUserMetadataStore {
  getMetadata(userId: string): Promise<Record<string, unknown>>;
  /** Shallow-merges into what is there. */
  updateMetadata(userId: string, metadata: Record<string, unknown>): Promise<void>;
  clearMetadata(userId: string): Promise<void>;
}

/** Role-based access control, optionally scoped by tenant. */
export interface IRolesPermissionsStore {
  addRoleToUser(userId: string, role: string, tenantId?: string): Promise<void>;
  removeRoleFromUser(userId: string, role: string, tenantId?: string): Promise<void>;
  getRolesForUser(userId: string, tenantId?: string): Promise<string[]>;
  createRole(role: string, permissions?: string[]): Promise<void>;
  deleteRole(role: string): Promise<void>;
  addPermissionToRole(role: string, permission: string): Promise<void>;
  removePermissionFromRole(role: string, permission: string): Promise<void>;
  getPermissionsForRole(role: string): Promise<string[]>;
  getPermissionsForUser(userId: string, tenantId?: string): Promise<string[]>;
  userHasPermission(userId: string, permission: string, tenantId?: string): Promise<boolean>;
  /** Removes every role the user holds in every tenant (account deletion). */
  removeAllRolesFromUser?(userId: string): Promise<void>;
  /**
   * Every role with its permissions (admin panel). Role names alone (the reference SDK's
   * `string[]`) also fit: the admin router completes them with `getPermissionsForRole`.
   */
  getAllRoles?(): Promise<RoleInfo[] | string[]>;
}

/** A role and the permissions it grants. */
export interface RoleInfo {
  name: string;
  permissions: string[];
}

/** A tenant: organisation, workspace or team. */
export interface Tenant {
  id: string;
  name: string;
  isActive?: boolean;
  config?: Record<string, unknown>;
  createdAt?: Date;
}

/** Tenants and their members. */
export interface ITenantStore {
  createTenant(data: Omit<Tenant, 'id'>): Promise<Tenant>;
  getTenantById(id: string): Promise<Tenant | null>;
  getAllTenants(): Promise<Tenant[]>;
  updateTenant(id: string, data: Partial<Omit<Tenant, 'id'>>): Promise<void>;
  deleteTenant(id: string): Promise<void>;
  associateUserWithTenant(userId: string, tenantId: string): Promise<void>;
  disassociateUserFromTenant(userId: string, tenantId: string): Promise<void>;
  getTenantsForUser(userId: string): Promise<Tenant[]>;
  getUsersForTenant(tenantId: string): Promise<string[]>;
}

/** An external identity attached to a user. */
export interface LinkedAccount {
  provider: string;
  providerAccountId: string;
  email?: string | null;
  linkedAt?: Date;
}

/** OAuth identities linked to users. */
export interface ILinkedAccountsStore {
  getLinkedAccounts(userId: string): Promise<LinkedAccount[]>;
  linkAccount(userId: string, account: LinkedAccount): Promise<void>;
  unlinkAccount(userId: string, provider: string, providerAccountId: string): Promise<void>;
  findUserByProviderAccount(
    provider: string,
    providerAccountId: string,
  ): Promise<{ userId: string } | null>;
}
