import type {
  ILinkedAccountsStore,
  IRolesPermissionsStore,
  ITenantStore,
  IUserMetadataStore,
} from '../../stores/profile-stores';
import type { ISessionStore } from '../../stores/session';
import type { ITwoFactorStore } from '../../stores/two-factor';
import type { IUserStore } from '../../stores/user';

/** The stores a user's data may live in; only `users` (with `deleteUser`) is required. */
export interface UserDataStores {
  users: IUserStore;
  sessionStore?: ISessionStore;
  twoFactor?: ITwoFactorStore;
  rbacStore?: IRolesPermissionsStore;
  tenantStore?: ITenantStore;
  metadataStore?: IUserMetadataStore;
  linkedAccountsStore?: ILinkedAccountsStore;
}

/**
 * Removes the user and everything the given stores hold for them; shared by self-service
 * account deletion and the admin API so both leave nothing behind. The user record goes first:
 * with the SQL stores that one call removes sessions, roles, memberships, metadata and links in
 * a single transaction, so a failing database leaves everything or nothing. Stores kept
 * elsewhere (Redis sessions, your own) are cleared next; for the SQL ones those calls find
 * nothing left. A failure after the first step leaves only leftovers nobody can sign in with:
 * refreshing needs the user record.
 */
export async function removeUserData(stores: UserDataStores, userId: string): Promise<void> {
  const { users, sessionStore, twoFactor, rbacStore, tenantStore } = stores;
  if (!users.deleteUser) throw new TypeError('removeUserData needs IUserStore.deleteUser');
  const tenants = tenantStore ? await tenantStore.getTenantsForUser(userId) : [];
  await users.deleteUser(userId);
  await sessionStore?.revokeAllSessionsForUser(userId);
  await twoFactor?.clearUser(userId);

  if (rbacStore) {
    if (rbacStore.removeAllRolesFromUser) {
      await rbacStore.removeAllRolesFromUser(userId);
    } else {
      for (const tenantId of [undefined, ...tenants.map((t) => t.id)]) {
        for (const role of await rbacStore.getRolesForUser(userId, tenantId)) {
          await rbacStore.removeRoleFromUser(userId, role, tenantId);
        }
      }
    }
  }
  for (const tenant of tenants) await tenantStore!.disassociateUserFromTenant(userId, tenant.id);
  await stores.metadataStore?.clearMetadata(userId);
  const { linkedAccountsStore } = stores;
  if (linkedAccountsStore) {
    for (const link of await linkedAccountsStore.getLinkedAccounts(userId)) {
      await linkedAccountsStore.unlinkAccount(userId, link.provider, link.providerAccountId);
    }
  }
}
