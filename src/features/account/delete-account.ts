import type { RouterContext } from '../../router/context';

/**
 * Removes everything the configured stores hold for a user, then the user. Sessions go first,
 * so a failure part-way leaves a user who is signed out rather than one still signed in.
 */
export async function deleteAccountData(ctx: RouterContext, userId: string): Promise<void> {
  const { rbacStore, tenantStore, metadataStore, linkedAccountsStore } = ctx.options;
  await ctx.sessionStore.revokeAllSessionsForUser(userId);

  const tenants = tenantStore ? await tenantStore.getTenantsForUser(userId) : [];
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
  await ctx.users.deleteUser!(userId);
}
