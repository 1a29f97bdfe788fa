import type { RouterContext } from '../../router/context';

/**
 * Removes the user and everything the configured stores hold for them. The user record goes
 * first: with the SQL stores that one call removes sessions, roles, memberships, metadata and
 * links in a single transaction, so a failing database leaves everything or nothing. Stores kept
 * elsewhere (Redis sessions, your own) are cleared next; for the SQL ones those calls find
 * nothing left. A failure after the first step leaves only leftovers nobody can sign in with:
 * refreshing needs the user record.
 */
export async function deleteAccountData(ctx: RouterContext, userId: string): Promise<void> {
  const { rbacStore, tenantStore, metadataStore, linkedAccountsStore } = ctx.options;
  const tenants = tenantStore ? await tenantStore.getTenantsForUser(userId) : [];
  await ctx.users.deleteUser!(userId);
  await ctx.sessionStore.revokeAllSessionsForUser(userId);
  await ctx.twoFactor.clearUser(userId);

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
  await metadataStore?.clearMetadata(userId);
  if (linkedAccountsStore) {
    for (const link of await linkedAccountsStore.getLinkedAccounts(userId)) {
      await linkedAccountsStore.unlinkAccount(userId, link.provider, link.providerAccountId);
    }
  }
}
