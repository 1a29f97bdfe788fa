// The in-memory stores behind the admin router in the admin suites: the API suites
// (api-setup.ts) and the browser panel (panel-seed.ts) start from the same full set.
import {
  InMemoryApiKeyStore,
  InMemoryEventLog,
  InMemoryLinkedAccountsStore,
  InMemoryRolesPermissionsStore,
  InMemorySessionStore,
  InMemorySettingsStore,
  InMemoryTenantStore,
  InMemoryUserMetadataStore,
  InMemoryUserStore,
  InMemoryWebhookStore,
  type AdminRouterOptions,
  type AuthSettings,
} from 'keyward';

/** The user store and every optional store the admin router can use, all in memory. */
export interface AdminStores {
  users: InMemoryUserStore;
  sessionStore: InMemorySessionStore;
  rbacStore: InMemoryRolesPermissionsStore;
  tenantStore: InMemoryTenantStore;
  userMetadataStore: InMemoryUserMetadataStore;
  settingsStore: InMemorySettingsStore;
  linkedAccountsStore: InMemoryLinkedAccountsStore;
  apiKeyStore: InMemoryApiKeyStore;
  webhookStore: InMemoryWebhookStore;
  eventLog: InMemoryEventLog;
}

/** Fresh, empty stores; `settings` are what the settings store starts with. */
export function createAdminStores(settings: AuthSettings = {}): AdminStores {
  return {
    users: new InMemoryUserStore(),
    sessionStore: new InMemorySessionStore(),
    rbacStore: new InMemoryRolesPermissionsStore(),
    tenantStore: new InMemoryTenantStore(),
    userMetadataStore: new InMemoryUserMetadataStore(),
    settingsStore: new InMemorySettingsStore(settings),
    linkedAccountsStore: new InMemoryLinkedAccountsStore(),
    apiKeyStore: new InMemoryApiKeyStore(),
    webhookStore: new InMemoryWebhookStore(),
    eventLog: new InMemoryEventLog(),
  };
}

/** Router options that turn every optional store off, leaving only the user store's features. */
export const WITHOUT_OPTIONAL_STORES: Partial<AdminRouterOptions> = {
  sessionStore: undefined,
  rbacStore: undefined,
  tenantStore: undefined,
  userMetadataStore: undefined,
  settingsStore: undefined,
  linkedAccountsStore: undefined,
  apiKeyStore: undefined,
  webhookStore: undefined,
  eventLog: undefined,
};
