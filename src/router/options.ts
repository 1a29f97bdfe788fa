import type { RequestHandler } from 'express';
import type { AuthConfig } from '../core/config/types';
import type { AuthEventBus } from '../core/events';
import type { CorsOptions } from '../core/http/cors';
import type {
  ILinkedAccountsStore,
  IRolesPermissionsStore,
  ITenantStore,
  IUserMetadataStore,
} from '../stores/profile-stores';
import type { IPendingLinkStore } from '../stores/linking';
import type { ISessionStore } from '../stores/session';
import type { ISettingsStore } from '../stores/settings';
import type { RateLimitOptions } from './rate-limit/options';
import type { ITwoFactorStore } from '../stores/two-factor';
import type { BaseUser } from '../stores/user';

/**
 * The router options every feature may read through the router context: stores, hooks and
 * HTTP settings. Options that belong to one feature (the OAuth strategies) are declared by that
 * feature and joined into `RouterOptions` where the router is assembled.
 */
export interface SharedRouterOptions {
  /**
   * The app's own limiter, applied to the sensitive endpoints (login, refresh, password and
   * email flows). Runs before, and beside, the built-in `rateLimit`.
   */
  rateLimiter?: RequestHandler;
  /**
   * Built-in brute-force protection, on by default: attempts per account and per client IP on
   * every endpoint that checks a secret, and a per-recipient throttle on the sending ones.
   * `false` turns it off (only behind a limiter of your own). See docs/security.md.
   */
  rateLimit?: false | RateLimitOptions;
  /**
   * Enables POST /register. Receives the parsed JSON body, the configuration and the options
   * this router was built with (its stores, e.g. to assign a first role); returns the created
   * user.
   */
  onRegister?: (
    data: Record<string, unknown>,
    config: AuthConfig,
    options: SharedRouterOptions,
  ) => Promise<BaseUser>;
  /** Device-aware sessions (several devices per user); enables POST /sessions/cleanup. */
  sessionStore?: ISessionStore;
  /** Adds `metadata` to GET /me; cleared on account deletion. */
  metadataStore?: IUserMetadataStore;
  /** Adds `roles` and `permissions` to GET /me; cleared on account deletion. */
  rbacStore?: IRolesPermissionsStore;
  /** Memberships are removed on account deletion. */
  tenantStore?: ITenantStore;
  /**
   * Links are removed on account deletion. Also enables GET /linked-accounts,
   * DELETE /linked-accounts/:provider/:providerAccountId, POST /link-request and POST /link-verify,
   * and makes each OAuth sign-in record its link.
   */
  linkedAccountsStore?: ILinkedAccountsStore;
  /**
   * Keeps the provider account of an OAUTH_ACCOUNT_CONFLICT sign-in so that POST /link-verify
   * can link it once the user has proven they own the existing account.
   */
  pendingLinkStore?: IPendingLinkStore;
  /** Runtime policy (email verification mode, mandatory 2FA). */
  settingsStore?: ISettingsStore;
  /** Second-factor state (TOTP replay, recovery codes, spent temporary tokens). */
  twoFactorStore?: ITwoFactorStore;
  /** Publishes the router's events here. */
  eventBus?: AuthEventBus;
  /** Credentialed CORS for these origins; their Origin also becomes the base of mail links. */
  cors?: CorsOptions;
  /** Largest JSON body accepted. Default `'16kb'`. */
  bodyLimit?: string | number;
  /** When set, POST /sessions/cleanup requires `Authorization: Bearer <secret>`. */
  sessionCleanupSecret?: string;
}
