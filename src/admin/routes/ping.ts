import type { Router } from 'express';
import type { AdminContext } from '../context';

/** Which parts of the API this router serves; the panel shows a tab only when its flag is on. */
export interface AdminFeatures {
  users: boolean;
  deleteUser: boolean;
  sessions: boolean;
  roles: boolean;
  tenants: boolean;
  metadata: boolean;
  settings: boolean;
  linkedAccounts: boolean;
  /** API keys and webhooks arrive with their own features; false until then. */
  apiKeys: boolean;
  webhooks: boolean;
}

/** Reads the feature flags off the configured stores. */
export function adminFeatures(ctx: AdminContext): AdminFeatures {
  const s = ctx.stores;
  return {
    users: typeof ctx.users.listUsers === 'function',
    deleteUser: typeof ctx.users.deleteUser === 'function',
    sessions: typeof s.sessionStore?.getAllSessions === 'function',
    roles: s.rbacStore !== undefined,
    tenants: s.tenantStore !== undefined,
    metadata: s.userMetadataStore !== undefined,
    settings: s.settingsStore !== undefined,
    linkedAccounts: s.linkedAccountsStore !== undefined,
    apiKeys: false,
    webhooks: false,
  };
}

/** GET /ping: checks the credentials (the guard ran) and lists the features. */
export function registerPingRoute(api: Router, ctx: AdminContext): void {
  const features = Object.freeze(adminFeatures(ctx));
  api.get('/ping', function adminPing(_req, res) {
    res.json({ ok: true, features });
  });
}
