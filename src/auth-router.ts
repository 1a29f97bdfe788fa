import express, { type Express } from 'express';
import cookieParser from 'cookie-parser';
import { asResolvedConfig } from './core/config/resolve';
import type { ResolvedConfig } from './core/config/resolved';
import type { AuthConfig } from './core/config/types';
import { originSet } from './core/config/resolve';
import { createCors } from './core/http/cors';
import { createErrorMiddleware } from './core/http/error-middleware';
import { jsonApiHeaders } from './core/http/security-headers';
import { KeyedMutex } from './core/mutex';
import { InMemoryRateLimitStore } from './stores/in-memory/in-memory-linking-stores';
import { InMemoryRevocationFeed } from './stores/in-memory/in-memory-revocation-feed';
import { InMemoryTwoFactorStore } from './stores/in-memory/in-memory-two-factor-store';
import type { IRevocationFeed } from './stores/revocation';
import { createPasswordService } from './core/passwords/password-service';
import { Revocations } from './core/sessions/revocations';
import { UserRecordSessionStore } from './core/sessions/user-record-session-store';
import { TokenService } from './core/tokens/token-service';
import { registerAccountRoutes } from './features/account/routes';
import { registerEmailVerificationRoutes } from './features/email/routes';
import { registerLocalRoutes } from './features/local/routes';
import { registerLinkingRoutes } from './features/linking/routes';
import { registerMagicLinkRoutes } from './features/magic-link/routes';
import { registerOAuthRoutes } from './features/oauth/routes';
import { registerSessionRoutes } from './features/sessions/routes';
import { registerSmsRoutes } from './features/sms/routes';
import { registerTotpRoutes } from './features/totp/routes';
import type { BaseUser, IUserStore } from './stores/user';
import { createRouterContext, type AuthCore, type RouterContext } from './router/context';
import { registerOriginGuard } from './router/origin-guard';
import { BackgroundWork } from './core/background';
import { registerApiKeyRoutes } from './features/api-keys/self-service-routes';
import { assertSessionStore } from './core/sessions/assert-session-store';
import type { ISessionStore } from './stores/session';
import { DoctorRegistry, attachDoctor, attachHealth } from './doctor';
import { registerAuthDocs } from './auth-openapi';
import type { RouterOptions } from './router-options';

export type { RouterOptions };

/** Mounts one feature's routes; `options` are the router's, for options a feature declares itself. */
type RegisterFeature = (router: Express, ctx: RouterContext, options: RouterOptions) => void;

/** What `auth.router()` returns: mount it with `app.use('/auth', router)` or call it as a handler. */
export type AuthRouter = Express;

/**
 * Features in mount order. A feature is one folder and one line here. This file is the
 * assembly: it stands above the features and the router's shared context, so neither imports
 * the other's way up.
 */
const FEATURES: RegisterFeature[] = [
  registerLocalRoutes,
  registerSessionRoutes,
  registerAccountRoutes,
  registerEmailVerificationRoutes,
  registerTotpRoutes,
  registerMagicLinkRoutes,
  registerSmsRoutes,
  registerOAuthRoutes,
  registerLinkingRoutes,
  registerApiKeyRoutes,
  // Last: the spec describes what the features above mounted.
  registerAuthDocs,
];

/** Builds the shared core for a standalone router or middleware. */
export function createAuthCore(
  userStore: IUserStore,
  config: AuthConfig | ResolvedConfig,
  extras: Partial<
    Pick<AuthCore, 'passwords' | 'sessionStore' | 'bus' | 'twoFactor' | 'rateLimitStore'>
  > & { revocationFeed?: IRevocationFeed } = {},
): AuthCore {
  const resolved = asResolvedConfig(config);
  // In process memory unless a feed is given: every router and middleware of this core refuses
  // a revoked session's tokens at once; other instances need a shared feed (Redis or SQL).
  const revocations = new Revocations(
    extras.revocationFeed ?? new InMemoryRevocationFeed(),
    resolved.accessTtlSeconds,
    resolved.logger,
  );
  if (extras.bus) revocations.listen(extras.bus);
  // Not started here: the first protected request (or auth.ready()) loads and subscribes, so an
  // app may construct the configurator before it migrates the tables the feed reads.
  return {
    revocations,
    background: new BackgroundWork(),
    config: resolved,
    users: userStore,
    tokens: new TokenService(resolved),
    passwords: extras.passwords ?? createPasswordService(resolved),
    sessionStore: checkedSessionStore(extras.sessionStore) ?? new UserRecordSessionStore(userStore),
    bus: extras.bus,
    oneTime: new KeyedMutex(),
    // In process memory unless a store is given: fine for one instance; several instances need
    // a shared one (keyward/sql provides it) so a code or temporary token works only once.
    twoFactor: extras.twoFactor ?? new InMemoryTwoFactorStore(),
    // Shared by every router of this core, so limits hold across them; several instances need
    // a shared store (keyward/sql or keyward/redis).
    rateLimitStore: extras.rateLimitStore ?? new InMemoryRateLimitStore(),
  };
}

function checkedSessionStore(store: ISessionStore | undefined): ISessionStore | undefined {
  assertSessionStore(store, 'sessionStore');
  return store;
}

/**
 * Builds the router from an existing core (what AuthConfigurator.router() uses). `doctor`
 * collects what the start-up doctor learns, shared by the routers of one configurator.
 */
export function buildAuthRouter(
  core: AuthCore,
  options: RouterOptions = {},
  doctor: DoctorRegistry = new DoctorRegistry(),
): AuthRouter {
  assertSessionStore(options.sessionStore, 'RouterOptions.sessionStore');
  const routerCore = {
    ...core,
    ...(options.sessionStore && { sessionStore: options.sessionStore }),
    ...(options.rateLimit &&
      options.rateLimit.store && { rateLimitStore: options.rateLimit.store }),
  };
  const ctx = createRouterContext(
    options.sessionStore ? { ...core, sessionStore: options.sessionStore } : core,
    options,
  );
  // A sub-application rather than a bare Router: mounted in an Express app it inherits the
  // app's settings (trust proxy); called directly with Node's req/res (Next.js API routes) it
  // still gives handlers Express's request and response helpers.
  const router = express();
  router.disable('x-powered-by');
  router.use(jsonApiHeaders);
  if (options.cors) router.use(createCors(options.cors));
  // The doctor's first-request checks go before the body parser too: they look at whether the
  // app parsed the body already. The router's own stores (session, rate limit) are the ones checked.
  attachDoctor(router, routerCore, options, doctor);
  // Before the body parser: a forged request is refused without reading its body.
  registerOriginGuard(router, ctx.config, originSet(options.cors?.origins ?? []));
  // Our own parsers: the router works mounted before, after or without the app's. Each skips a
  // body or cookies that were already parsed.
  router.use(express.json({ limit: options.bodyLimit ?? '16kb' }));
  router.use(cookieParser());
  attachHealth(router, routerCore, options);
  for (const register of FEATURES) register(router, ctx, options);
  router.use(createErrorMiddleware(ctx.config.logger));
  return router;
}

/** The `/auth` router: every endpoint of the enabled features, ready to mount. */
export function createAuthRouter<U extends BaseUser = BaseUser>(
  userStore: IUserStore<U>,
  config: AuthConfig,
  options: RouterOptions = {},
): AuthRouter {
  const core = createAuthCore(userStore, config, {
    sessionStore: options.sessionStore,
    bus: options.eventBus,
    twoFactor: options.twoFactorStore,
    rateLimitStore: options.rateLimit ? options.rateLimit.store : undefined,
    revocationFeed: options.revocationFeed,
  });
  return buildAuthRouter(core, options);
}
