import type { ApiKey, IApiKeyStore, ListApiKeysOptions } from '../stores/api-key';
import type { IRolesPermissionsStore, RoleInfo } from '../stores/profile-stores';
import type { ISessionStore, SessionInfo } from '../stores/session';
import type { IWebhookStore, WebhookConfig } from '../stores/webhook';
import {
  findIn,
  memberOf,
  mentions,
  pageOf,
  takesPositionalPage,
  withMethods,
  type PositionalList,
} from '../stores/paged-scan';
export { adaptUserStore } from '../stores/adapt-user-store';

/*
 * Stores written to the reference SDK's interfaces, adapted once when the admin router is
 * built, so the admin API (and the panel) lists and finds what they hold instead of answering
 * empty lists or 404s. What is detected, and how:
 * - listings declared `(limit, offset)` (two parameters): paged by the store, filtered here;
 * - `getAllRoles()` answering role names: completed with each role's permissions (by answer);
 * - an API key store with `listAll(limit, offset)` and no `listKeys`: listed through it;
 * - a webhook store with `listAll` and no `findById`: webhooks found through the listing.
 * keyward's own shapes pass through untouched.
 */

/** The session store with a reference-shaped `getAllSessions(limit, offset)` adapted. */
export function adaptSessionStore(store: ISessionStore | undefined): ISessionStore | undefined {
  if (!store) return store;
  const list = memberOf(store, 'getAllSessions');
  if (!takesPositionalPage(list)) return store;
  const positional: PositionalList<SessionInfo> = (limit, offset) =>
    (list as PositionalList<SessionInfo>).call(store, limit, offset);
  return withMethods(store, {
    getAllSessions: (options: { limit?: number; offset?: number; filter?: string } = {}) => {
      const { filter } = options;
      const keep = filter
        ? (s: SessionInfo) => mentions(s.userId, filter) || mentions(s.ipAddress, filter)
        : undefined;
      return pageOf(positional, options, keep);
    },
  });
}

/** A roles store whose `getAllRoles()` always answers `{ name, permissions }`. */
export type AdminRbacStore = Omit<IRolesPermissionsStore, 'getAllRoles'> & {
  getAllRoles?(): Promise<RoleInfo[]>;
};

/**
 * The roles store with `getAllRoles()` answering either shape: role names (the reference's
 * `string[]`) are completed with `getPermissionsForRole`, `{ name, permissions }` pass as they
 * are. Decided per answer, since a function's declared return type is gone at run time.
 */
export function adaptRbacStore(
  store: IRolesPermissionsStore | undefined,
): AdminRbacStore | undefined {
  if (!store || typeof store.getAllRoles !== 'function') return store as AdminRbacStore | undefined;
  const getAll = memberOf(store, 'getAllRoles') as () => Promise<Array<RoleInfo | string>>;
  return withMethods<AdminRbacStore>(store as AdminRbacStore, {
    getAllRoles: async () =>
      Promise.all(
        (await getAll.call(store)).map(async (role) =>
          typeof role === 'string'
            ? { name: role, permissions: await store.getPermissionsForRole(role) }
            : role,
        ),
      ),
  });
}

/** An API key store that lists only with the reference's `listAll`, given `listKeys`. */
export function adaptApiKeyStore(store: IApiKeyStore | undefined): IApiKeyStore | undefined {
  // The reference's API key store lists with `listAll(limit, offset)`, unknown to IApiKeyStore.
  if (!store || typeof store.listKeys === 'function') return store;
  const list = memberOf(store, 'listAll');
  if (typeof list !== 'function') return store;
  const positional: PositionalList<ApiKey> = (limit, offset) =>
    (list as PositionalList<ApiKey>).call(store, limit, offset);
  return withMethods(store, {
    listKeys: (options: ListApiKeysOptions = {}) => {
      const { filter, userId } = options;
      const keep =
        filter || userId
          ? (k: ApiKey) =>
              (!userId || k.userId === userId) &&
              (!filter ||
                mentions(k.name, filter) ||
                mentions(k.keyPrefix, filter) ||
                mentions(k.serviceId, filter))
          : undefined;
      return pageOf(positional, options, keep);
    },
  });
}

/** A webhook store without `findById` finds through `listAll` (the reference has no look-up). */
export function adaptWebhookStore(store: IWebhookStore | undefined): IWebhookStore | undefined {
  if (!store || typeof store.findById === 'function') return store;
  const list = memberOf(store, 'listAll');
  if (typeof list !== 'function') return store;
  const positional: PositionalList<WebhookConfig> = (limit, offset) =>
    (list as PositionalList<WebhookConfig>).call(store, limit, offset);
  return withMethods(store, {
    findById: (id: string) => findIn(positional, (hook) => hook.id === id),
  });
}

/**
 * What cannot be adapted, as start-up problems with the fix: a webhook store that changes
 * webhooks but can neither find nor list them would make every change a 404.
 */
export function referenceStoreProblems(stores: { webhookStore?: IWebhookStore }): string[] {
  const hooks = stores.webhookStore;
  if (!hooks || typeof hooks.findById === 'function' || typeof hooks.listAll === 'function') {
    return [];
  }
  if (typeof hooks.update !== 'function' && typeof hooks.remove !== 'function') return [];
  return [
    'webhookStore has update/remove but neither findById(id) nor listAll(limit, offset): ' +
      'add findById(id) (or listAll) so the admin API can find a webhook before changing it',
  ];
}
