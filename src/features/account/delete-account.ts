import type { RouterContext } from '../../router/context';
import { removeUserData } from './remove-user-data';

/** DELETE /account's work: the signed-in user and everything this router's stores hold. */
export async function deleteAccountData(ctx: RouterContext, userId: string): Promise<void> {
  const { rbacStore, tenantStore, metadataStore, linkedAccountsStore } = ctx.options;
  await removeUserData(
    {
      users: ctx.users,
      sessionStore: ctx.sessionStore,
      twoFactor: ctx.twoFactor,
      rbacStore,
      tenantStore,
      metadataStore,
      linkedAccountsStore,
    },
    userId,
  );
  await Promise.all(ctx.accountCleanups.map((cleanup) => cleanup(userId)));
}
