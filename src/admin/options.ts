import type { ApiDocsOptions } from '../core/openapi/options';
import type { Request } from 'express';
import type { AuthLogger } from '../core/config/types';
import { consoleLogger } from '../core/config/resolve';
import { AuthConfigError } from '../core/errors';
import type { AuthEventBus } from '../core/events';
import { ActionRegistry } from '../core/scripting/action-registry';
import type { SandboxLimits } from '../core/scripting/sandbox';
import { ApiKeyService } from '../features/api-keys/service';
import {
  adaptApiKeyStore,
  adaptRbacStore,
  adaptSessionStore,
  adaptWebhookStore,
  referenceStoreProblems,
  type AdminRbacStore,
} from './reference-stores';
import type { IApiKeyStore } from '../stores/api-key';
import type { IEventLog } from '../stores/event-log';
import { InMemoryRateLimitStore } from '../stores/in-memory/in-memory-linking-stores';
import type {
  ILinkedAccountsStore,
  IRolesPermissionsStore,
  ITenantStore,
  IUserMetadataStore,
} from '../stores/profile-stores';
import type { IRateLimitStore } from '../stores/rate-limit';
import type { RevocationRecorder } from '../core/sessions/revocations';
import type { IRevocationFeed } from '../stores/revocation';
import type { ISessionStore } from '../stores/session';
import type { ISettingsStore } from '../stores/settings';
import type { ITwoFactorStore } from '../stores/two-factor';
import type { IWebhookStore } from '../stores/webhook';

/**
 * An application's own admin check. Resolve `false` to refuse (401), `true` to allow, or a
 * non-empty string to allow and name the actor recorded in events (e.g. the admin's user id).
 */
export type AdminAuthorize = (req: Request) => boolean | string | Promise<boolean | string>;

/** Throttling of failed admin logins, per client IP. */
export interface AdminRateLimitOptions {
  /** Failed attempts allowed per window; the next request is refused with 429. Default 10. */
  maxFailures?: number;
  /** Window length in milliseconds. Default 15 minutes. */
  windowMs?: number;
  /** Where the counters live. Default: in process memory; use a shared store with several instances. */
  store?: IRateLimitStore;
}

/** Options of {@link createAdminRouter}. Each optional store switches on its endpoints. */
export interface AdminRouterOptions extends ApiDocsOptions {
  /** Shared secret sent as `Authorization: Bearer <adminSecret>` (at least 16 characters). */
  adminSecret?: string;
  /** Replaces the shared secret with the application's own check (give one or the other). */
  authorize?: AdminAuthorize;
  /** Enables /api/sessions (listing needs `getAllSessions`); revoked on user deletion. */
  sessionStore?: ISessionStore;
  /** Enables /api/roles and /api/users/:id/roles. */
  rbacStore?: IRolesPermissionsStore;
  /** Enables /api/tenants and /api/users/:id/tenants. */
  tenantStore?: ITenantStore;
  /** Enables /api/users/:id/metadata. */
  userMetadataStore?: IUserMetadataStore;
  /** Enables /api/settings (the Control tab). */
  settingsStore?: ISettingsStore;
  /** Enables /api/users/:id/linked-accounts. */
  linkedAccountsStore?: ILinkedAccountsStore;
  /** Second-factor state to clear when a user is deleted (the SQL user store clears it itself). */
  twoFactorStore?: ITwoFactorStore;
  /** Enables /api/api-keys (the API Keys tab needs `listKeys`; usage logs need `listUsage`). */
  apiKeyStore?: IApiKeyStore;
  /**
   * Creates, revokes and deletes keys for the admin. Pass the app's own (the one built with its
   * `pepper`) so the keys made here verify in the app's middleware. Default:
   * `new ApiKeyService({ eventBus })`, unpeppered SHA-256, events on this router's `eventBus`.
   */
  apiKeyService?: ApiKeyService;
  /**
   * Enables /api/webhooks (the Webhooks tab needs `listAll`, registration `add`, changes
   * `update` and `remove`; deliveries and replays need the store's delivery queue). Give the
   * store your AuthTools delivers from, so what is registered here is delivered there.
   */
  webhookStore?: IWebhookStore;
  /**
   * Registration refuses webhook URLs whose host is (or resolves to) a loopback, private,
   * link-local or otherwise non-public address, unless this is true. Default false; set it only
   * where the receivers are on your own network on purpose (and the same on AuthTools).
   */
  allowPrivateNetworks?: boolean;
  /** Enables /api/events and /api/overview (the Events and Overview tabs): the AuthTools' log. */
  eventLog?: IEventLog;
  /**
   * The actions inbound webhook scripts may call: listed in the Control tab (enabled there,
   * globally) and in the inbound webhook form. Give the registry your tools router uses.
   * Default: the module-level `ActionRegistry.default` (where `@webhookAction` registers).
   */
  actions?: ActionRegistry;
  /** Limits of the dry runs of inbound webhook scripts. Default: the sandbox's (5 s, 32 MiB, …). */
  sandbox?: SandboxLimits;
  /** Admin actions are published here, each with `data.actor`. */
  eventBus?: AuthEventBus;
  /**
   * The app's AuthConfigurator (anything with its `revoke`): sessions the admin ends (one
   * session, a user's sessions, a deleted user) have their access tokens refused at once, here
   * and on every instance. Recommended whenever the admin router runs beside the auth router.
   */
  authConfigurator?: RevocationRecorder;
  /**
   * For an admin router in a process without an AuthConfigurator: the revocation feed the app's
   * instances share (e.g. `createRedisStores(…).revocationFeed`). Ignored with `authConfigurator`.
   */
  revocationFeed?: IRevocationFeed;
  /** Failed-login throttling; `false` turns it off (only behind your own limiter). */
  rateLimit?: AdminRateLimitOptions | false;
  /** Largest JSON body accepted (metadata documents). Default `'100kb'`. */
  bodyLimit?: string | number;
  /** Serve the web panel at `/` and `/assets/*`. Default true; false leaves only the API. */
  panel?: boolean;
  /** Receives unexpected errors. Default: console. */
  logger?: AuthLogger;
}

/** The options after validation, with every default filled in. */
export interface ResolvedAdminOptions {
  readonly adminSecret: string | undefined;
  readonly authorize: AdminAuthorize | undefined;
  readonly stores: Readonly<
    Pick<
      AdminRouterOptions,
      | 'sessionStore'
      | 'tenantStore'
      | 'userMetadataStore'
      | 'settingsStore'
      | 'linkedAccountsStore'
      | 'twoFactorStore'
      | 'apiKeyStore'
      | 'webhookStore'
      | 'eventLog'
    > & {
      /** Adapted so that its listing always answers `{ name, permissions }`. */
      rbacStore?: AdminRbacStore;
    }
  >;
  /** Makes and ends keys in `stores.apiKeyStore`: the given service or one on `eventBus`. */
  readonly apiKeyService: ApiKeyService;
  /** Whether webhook URLs may point at non-public addresses. */
  readonly allowPrivateNetworks: boolean;
  readonly actions: ActionRegistry;
  readonly sandbox: SandboxLimits | undefined;
  readonly eventBus: AuthEventBus | undefined;
  /** Where ended sessions are recorded (the configurator, or the feed); undefined: nowhere. */
  readonly revocations: RevocationRecorder | undefined;
  readonly rateLimit: Readonly<Required<AdminRateLimitOptions>> | undefined;
  readonly bodyLimit: string | number;
  readonly panel: boolean;
  readonly logger: AuthLogger;
}

/** A shared secret shorter than this is guessable; it guards every user account. */
export const MIN_ADMIN_SECRET_LENGTH = 16;

const adminLogger = consoleLogger('keyward admin');

function positive(value: number | undefined, name: string, problems: string[]): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
    problems.push(`${name} must be a positive whole number`);
  }
}

/** The webhook store, event log and private-network switch: each what it claims to be. */
function checkEventTools(options: AdminRouterOptions, problems: string[]): void {
  const { webhookStore, eventLog, allowPrivateNetworks } = options;
  if (webhookStore !== undefined && typeof webhookStore?.findByEvent !== 'function') {
    problems.push('webhookStore must be an IWebhookStore (it has no findByEvent)');
  }
  if (
    eventLog !== undefined &&
    (typeof eventLog?.query !== 'function' || typeof eventLog.countByDay !== 'function')
  ) {
    problems.push('eventLog must be an IEventLog (query and countByDay)');
  }
  if (allowPrivateNetworks !== undefined && typeof allowPrivateNetworks !== 'boolean') {
    problems.push('allowPrivateNetworks must be true or false');
  } else if (allowPrivateNetworks === true && webhookStore === undefined) {
    // The switch alone changes nothing; this is almost certainly a forgotten store.
    problems.push('allowPrivateNetworks needs webhookStore (the webhooks it applies to)');
  }
}

/** Validates once at construction; every problem is reported together. */
export function resolveAdminOptions(options: AdminRouterOptions): ResolvedAdminOptions {
  const problems: string[] = [];
  const { adminSecret, authorize } = options;
  if (adminSecret === undefined && authorize === undefined) {
    problems.push('give adminSecret (a shared secret) or authorize (your own check)');
  }
  if (adminSecret !== undefined && authorize !== undefined) {
    // Two ways in would make it unclear which one guards the API; compose them in the hook.
    problems.push('give adminSecret or authorize, not both');
  }
  if (adminSecret !== undefined) {
    if (typeof adminSecret !== 'string' || adminSecret.trim().length < MIN_ADMIN_SECRET_LENGTH) {
      problems.push(
        `adminSecret must be a string of at least ${MIN_ADMIN_SECRET_LENGTH} characters ` +
          '(e.g. the output of `openssl rand -base64 32`)',
      );
    }
  }
  if (authorize !== undefined && typeof authorize !== 'function') {
    problems.push('authorize must be a function (req) => boolean | string');
  }
  if (options.apiKeyService !== undefined) {
    if (typeof options.apiKeyService?.createKey !== 'function') {
      problems.push('apiKeyService must be an ApiKeyService');
    } else if (options.apiKeyStore === undefined) {
      // A service alone switches nothing on; this is almost certainly a forgotten store.
      problems.push('apiKeyService needs apiKeyStore (the store the keys live in)');
    }
  }
  checkEventTools(options, problems);
  problems.push(...referenceStoreProblems(options));
  if (options.actions !== undefined && !(options.actions instanceof ActionRegistry)) {
    problems.push('actions must be an ActionRegistry');
  }
  const limit = options.rateLimit;
  if (limit) {
    positive(limit.maxFailures, 'rateLimit.maxFailures', problems);
    positive(limit.windowMs, 'rateLimit.windowMs', problems);
  }
  if (problems.length > 0) throw new AuthConfigError(problems);

  return Object.freeze({
    adminSecret,
    authorize,
    stores: Object.freeze({
      // Stores written to the reference SDK's interfaces are adapted here, once.
      sessionStore: adaptSessionStore(options.sessionStore),
      rbacStore: adaptRbacStore(options.rbacStore),
      tenantStore: options.tenantStore,
      userMetadataStore: options.userMetadataStore,
      settingsStore: options.settingsStore,
      linkedAccountsStore: options.linkedAccountsStore,
      twoFactorStore: options.twoFactorStore,
      apiKeyStore: adaptApiKeyStore(options.apiKeyStore),
      webhookStore: adaptWebhookStore(options.webhookStore),
      eventLog: options.eventLog,
    }),
    apiKeyService: options.apiKeyService ?? new ApiKeyService({ eventBus: options.eventBus }),
    allowPrivateNetworks: options.allowPrivateNetworks === true,
    actions: options.actions ?? ActionRegistry.default,
    sandbox: options.sandbox,
    eventBus: options.eventBus,
    revocations:
      options.authConfigurator ??
      (options.revocationFeed ? { revoke: (r) => options.revocationFeed!.publish(r) } : undefined),
    rateLimit:
      limit === false
        ? undefined
        : Object.freeze({
            maxFailures: limit?.maxFailures ?? 10,
            windowMs: limit?.windowMs ?? 15 * 60_000,
            store: limit?.store ?? new InMemoryRateLimitStore(),
          }),
    bodyLimit: options.bodyLimit ?? '100kb',
    panel: options.panel !== false,
    logger: options.logger ?? adminLogger,
  });
}
