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
  /** An API key store that can list its keys (the API Keys tab). */
  apiKeys: boolean;
  /** The API key store keeps a usage log the admin can read (`listUsage`). */
  apiKeyUsage: boolean;
  /** A webhook store that can list its webhooks (the Webhooks tab). */
  webhooks: boolean;
  /** The webhook store keeps its deliveries (`listDeliveries`): the deliveries view and replay. */
  webhookDeliveries: boolean;
  /** An event log (the Events and Overview tabs). */
  events: boolean;
  /** A settings store to switch webhook script actions on and off in (the Control tab). */
  webhookActions: boolean;
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
    apiKeys: typeof s.apiKeyStore?.listKeys === 'function',
    apiKeyUsage: typeof s.apiKeyStore?.listUsage === 'function',
    webhooks: typeof s.webhookStore?.listAll === 'function',
    webhookDeliveries: typeof s.webhookStore?.listDeliveries === 'function',
    events: s.eventLog !== undefined,
    webhookActions: s.settingsStore !== undefined,
  };
}

/** GET /ping: checks the credentials (the guard ran) and lists the features. */
export function registerPingRoute(api: Router, ctx: AdminContext): void {
  const features = Object.freeze(adminFeatures(ctx));
  api.get('/ping', function adminPing(_req, res) {
    res.json({ ok: true, features });
  });
}
