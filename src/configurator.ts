import type { RequestHandler } from 'express';
import { originSet, resolveConfig } from './core/config/resolve';
import type { ResolvedConfig } from './core/config/resolved';
import type { AuthConfig } from './core/config/types';
import type { AuthEventBus } from './core/events';
import { createAuthMiddleware, type AuthMiddlewareOptions } from './core/middleware';
import type { PasswordHasher } from './core/passwords/hasher';
import { createPasswordService, type PasswordService } from './core/passwords/password-service';
import type { TokenService } from './core/tokens/token-service';
import type { AuthCore } from './router/context';
import { buildAuthRouter, createAuthCore, type AuthRouter } from './auth-router';
import type { RouterOptions } from './auth-router';
import type { RevocationListener } from './core/sessions/revocation-list';
import type { IRateLimitStore } from './stores/rate-limit';
import type { IApiKeyStore } from './stores/api-key';
import {
  ApiKeyService,
  createApiKeyMiddleware,
  type ApiKeyHashOptions,
  type ApiKeyMiddleware,
  type ApiKeyMiddlewareOptions,
} from './features/api-keys';
import type { IRevocationFeed, Revocation } from './stores/revocation';
import type { ISessionStore } from './stores/session';
import type { ITwoFactorStore } from './stores/two-factor';
import type { BaseUser, IUserStore } from './stores/user';
import type { BaseAuthStrategy } from './strategies/base-auth-strategy';
import { LocalStrategy } from './strategies/local-strategy';
import { DoctorRegistry, doctorInput, runDoctor } from './doctor';
import { byLevel } from './doctor/run-doctor';
import type { DoctorFinding, DoctorOptions } from './doctor/types';

/** Wiring an AuthConfigurator shares between its routers and middleware. */
export interface AuthConfiguratorOptions {
  /** Device-aware sessions (recommended). Without one, each user has a single session. */
  sessionStore?: ISessionStore;
  /** Where routers publish events. */
  eventBus?: AuthEventBus;
  /**
   * Second-factor state shared by all instances (TOTP replay, recovery codes, spent temporary
   * tokens). Default: in process memory, which suits a single instance only.
   */
  twoFactorStore?: ITwoFactorStore;
  /**
   * Counters of the routers' brute-force protection, shared by all of them. Default: in process
   * memory, which suits a single instance only; give the SQL or Redis store with several.
   */
  rateLimitStore?: IRateLimitStore;
  /** Replaces keyward's hasher (argon2id, or pre-hashed bcrypt on worker threads). */
  passwordHasher?: PasswordHasher;
  /**
   * Shares revocations between instances, so a logout on one refuses the access token on all:
   * `createRedisStores(…).revocationFeed` (at once) or `createSqlStores(…).revocationFeed`
   * (within 2 s). Default: in process memory, which suits a single instance only.
   */
  revocationFeed?: IRevocationFeed;
  /** API keys for machines: `auth.apiKeyMiddleware()`, self-service keys, `auth.apiKeyService`. */
  apiKeyStore?: IApiKeyStore;
  /**
   * How keys are hashed at rest, once for every part built here: `{ pepper }` (a server-side
   * secret of at least 32 characters; a list rotates it). See docs/api-keys.md.
   */
  apiKeys?: ApiKeyHashOptions;
}

/**
 * The entry point: validates the config once, then hands out routers, middleware and the
 * underlying services, all sharing the same keys, stores and worker pool.
 */
export class AuthConfigurator<U extends BaseUser = BaseUser> {
  readonly passwordService: PasswordService;
  readonly tokenService: TokenService;
  /** The validated, fully defaulted configuration. */
  readonly config: ResolvedConfig;
  /** Creates, revokes and deletes API keys with this configurator's pepper and event bus. */
  readonly apiKeyService: ApiKeyService;
  private readonly apiKeyOptions: Pick<AuthConfiguratorOptions, 'apiKeyStore' | 'apiKeys'>;
  private core: AuthCore;
  private sessionStoreGiven: boolean;
  /**
   * The `cors.origins` of every router built here: the middleware trusts them too, since the
   * same cookies authenticate a page of those origins on the router and on your routes.
   */
  private readonly routerOrigins = new Set<string>();
  /** The routers' options and first-request findings, for `doctor()`. */
  private readonly doctorRegistry = new DoctorRegistry();

  constructor(
    config: AuthConfig,
    readonly userStore: IUserStore<U>,
    options: AuthConfiguratorOptions = {},
  ) {
    this.config = resolveConfig(config);
    this.passwordService = createPasswordService(this.config, options.passwordHasher);
    this.core = createAuthCore(userStore, this.config, {
      passwords: this.passwordService,
      sessionStore: options.sessionStore,
      bus: options.eventBus,
      twoFactor: options.twoFactorStore,
      rateLimitStore: options.rateLimitStore,
      revocationFeed: options.revocationFeed,
    });
    this.sessionStoreGiven = options.sessionStore !== undefined;
    this.tokenService = this.core.tokens;
    this.apiKeyService = new ApiKeyService({ ...options.apiKeys, eventBus: options.eventBus });
    this.apiKeyOptions = options;
  }

  /** The auth router, to mount with `app.use('/auth', auth.router())`. */
  router(options: RouterOptions = {}): AuthRouter {
    // A session store given to the router (reference style) also serves auth.middleware().
    if (options.sessionStore && !this.sessionStoreGiven) {
      this.core = { ...this.core, sessionStore: options.sessionStore };
      this.sessionStoreGiven = true;
    }
    for (const origin of originSet(options.cors?.origins ?? [])) this.routerOrigins.add(origin);
    const apiKeys = options.apiKeys && {
      store: this.apiKeyOptions.apiKeyStore,
      ...this.apiKeyOptions.apiKeys,
      ...options.apiKeys,
    };
    return buildAuthRouter(
      this.core,
      { eventBus: this.core.bus, ...options, ...(apiKeys && { apiKeys }) },
      this.doctorRegistry,
    );
  }

  /**
   * Checks the configuration, the stores and the routers built so far for mistakes that
   * otherwise surface as mysterious failures (cookie domain, SameSite, weak secrets, missing
   * transports, in-memory stores in production, providers' clocks), plus what the routers'
   * first requests showed (proxy headers, the app's body parser). See docs/doctor.md.
   */
  async doctor(options: DoctorOptions = {}): Promise<DoctorFinding[]> {
    const findings = await runDoctor(doctorInput(this.core, this.doctorRegistry.routers), options);
    await this.doctorRegistry.settled();
    return byLevel([...findings, ...this.doctorRegistry.observed]);
  }

  /**
   * Guards routes with API keys from the configurator's `apiKeyStore`, hashed with its pepper;
   * failures are counted in its rate-limit store (shared by instances when that store is) and
   * abuse is published on its event bus.
   */
  apiKeyMiddleware(
    options: ApiKeyMiddlewareOptions & { store?: IApiKeyStore } = {},
  ): ApiKeyMiddleware {
    const { store = this.apiKeyOptions.apiKeyStore, ...rest } = options;
    if (!store) {
      throw new TypeError('keyward: apiKeyMiddleware() needs an apiKeyStore (configurator option)');
    }
    const rateLimit =
      rest.rateLimit === false ? false : { store: this.core.rateLimitStore, ...rest.rateLimit };
    return createApiKeyMiddleware(store, {
      eventBus: this.core.bus,
      logger: this.config.logger,
      ...this.apiKeyOptions.apiKeys,
      ...rest,
      rateLimit,
    });
  }

  /** Protects routes: sets `req.user` or answers 401/403. */
  middleware(options: AuthMiddlewareOptions = {}): RequestHandler {
    return createAuthMiddleware(this.config, {
      sessionStore: () => this.core.sessionStore,
      trustedOrigins: this.routerOrigins,
      revocations: this.core.revocations,
      ...options,
    });
  }

  /** The feed this configurator shares revocations through (the in-memory one by default). */
  get revocationFeed(): IRevocationFeed {
    return this.core.revocations.feed;
  }

  /**
   * Ends access for a session or for every session of a user that signed in until now: refused
   * here at once, on every instance through the feed. The admin router calls this when given
   * `authConfigurator`; call it yourself after ending sessions outside keyward's routes. It
   * does not touch the session store (revoke the session there too).
   */
  revoke(revocation: Revocation): Promise<void> {
    return this.core.revocations.revoke(revocation);
  }

  /**
   * Calls `listener` for each revocation that reaches this instance, from its own routes or
   * from another instance through the feed (e.g. to close a revoked session's open streams).
   * Returns a function that stops listening. Listeners run synchronously: keep them quick.
   */
  onRevocation(listener: RevocationListener): () => void {
    void this.core.revocations.start();
    return this.core.revocations.onRevocation(listener);
  }

  /**
   * Loads the revocations of the last access-token lifetime from the feed and subscribes to it;
   * resolves when done. Optional: the first protected request does it (and waits for it) too.
   */
  ready(): Promise<void> {
    return this.core.revocations.start();
  }

  /**
   * Resolves once the work the routers started after an answer has settled: mail and SMS sent
   * after answering (forgot-password, magic links, SMS codes, email changes, welcome mail,
   * recovery-code notices) and the brute-force protection's bookkeeping after a success
   * (clearing counters, remembering a known IP). Failures were logged, so it never rejects.
   * Await it before `close()` on a graceful shutdown, or in a test before asserting what was
   * (not) sent.
   */
  idle(): Promise<void> {
    return this.core.background.idle();
  }

  /** A first-factor strategy by name. */
  strategy(name: 'local'): LocalStrategy<U>;
  strategy(name: string): BaseAuthStrategy<unknown, U>;
  strategy(name: string): BaseAuthStrategy<never, U> {
    if (name === 'local') return new LocalStrategy<U>(this.userStore, this.passwordService);
    throw new TypeError(`keyward: unknown strategy '${name}'`);
  }

  /** Stops the password worker threads and the revocation feed's subscription. */
  async close(): Promise<void> {
    await this.core.revocations.close();
    await this.passwordService.close();
  }
}
