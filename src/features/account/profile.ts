import type { RouterContext } from '../../router/context';
import type { BaseUser } from '../../stores/user';

/** The fields of a user record that are safe to show the user. */
export function safeProfile(user: BaseUser) {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    role: user.role ?? null,
    loginProvider: user.loginProvider ?? 'local',
    isEmailVerified: user.isEmailVerified ?? false,
    isTotpEnabled: user.isTotpEnabled ?? false,
    require2FA: user.require2FA ?? false,
    phoneNumber: user.phoneNumber ?? null,
    hasPassword: Boolean(user.password),
    createdAt: user.createdAt ?? null,
  };
}

/** GET /me's body: safe fields, store-backed extras, and the app's custom claims on top. */
export async function richProfile(ctx: RouterContext, user: BaseUser, tenantId?: string) {
  const { metadataStore, rbacStore } = ctx.options;
  const [metadata, roles, permissions, extra] = await Promise.all([
    metadataStore?.getMetadata(user.id),
    rbacStore?.getRolesForUser(user.id, tenantId),
    rbacStore?.getPermissionsForUser(user.id, tenantId),
    ctx.config.buildTokenPayload?.(user),
  ]);
  return {
    ...safeProfile(user),
    // The second factors that stand for this user: what a sign-in challenge would offer.
    available2faMethods: ctx.secondFactorsOf(user),
    ...(metadataStore ? { metadata } : {}),
    ...(rbacStore ? { roles, permissions } : {}),
    ...extra,
    // Custom fields may add to or reshape the profile, but never change whose profile it is.
    id: user.id,
  };
}
