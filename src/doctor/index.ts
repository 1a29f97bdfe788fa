import type { Express } from 'express';
import type { CorsOptions } from '../core/http/cors';
import type { OAuthRouterOptions } from '../features/oauth/options';
import type { BaseOAuthStrategy } from '../features/oauth/strategy';
import type { AuthCore } from '../router/context';
import { registerHealthRoute } from './health-route';
import type { DoctorRegistry } from './registry';
import { createRequestDoctor } from './request-checks';
import { offlineFindings, runDoctor } from './run-doctor';
import type { DoctorInput, DoctorRouterInput, DoctorRouterOptions } from './types';

/** The router options the doctor reads. */
export type DoctorReadOptions = DoctorRouterOptions &
  OAuthRouterOptions & {
    cors?: CorsOptions;
    sessionCleanupSecret?: string;
    bodyLimit?: string | number;
  };

/** What the checks need to know of one router's options. */
export function doctorRouterInput(options: DoctorReadOptions): DoctorRouterInput {
  const strategies = [
    options.googleStrategy,
    options.githubStrategy,
    ...(options.oauthStrategies ?? []),
  ].filter((s): s is BaseOAuthStrategy => s !== undefined);
  return { cors: options.cors, sessionCleanupSecret: options.sessionCleanupSecret, strategies };
}

/** The doctor's view of a core and the routers built from it. */
export function doctorInput(core: AuthCore, routers: readonly DoctorRouterInput[]): DoctorInput {
  return {
    config: core.config,
    users: core.users,
    sessionStore: core.sessionStore,
    twoFactor: core.twoFactor,
    rateLimitStore: core.rateLimitStore,
    revocationFeed: core.revocations.feed,
    routers,
  };
}

/**
 * The doctor's part of building a router, called by the router's assembly before its body
 * parser: records the router's options, and outside production logs the configuration's
 * findings now and those of the first requests as they come.
 */
export function attachDoctor(
  router: Express,
  core: AuthCore,
  options: DoctorReadOptions,
  registry: DoctorRegistry,
): void {
  const routerInput = doctorRouterInput(options);
  registry.addRouter(routerInput);
  const setting = options.doctor ?? true;
  if (setting === false || process.env.NODE_ENV === 'production') return;
  const logger = core.config.logger;
  router.use(
    createRequestDoctor(options.bodyLimit ?? '16kb', {
      report(finding) {
        registry.observe(finding);
        registry.logOnce(logger, [finding]);
      },
      track: (work) => registry.track(work),
    }),
  );
  const input = doctorInput(core, [routerInput]);
  registry.logOnce(logger, offlineFindings(input));
  // The providers' clocks need the network: only when asked, and never holding start-up up.
  if (typeof setting === 'object' && setting.clockSkew === true) {
    runDoctor(input, { clockSkew: true, timeoutMs: setting.timeoutMs }).then(
      (findings) => registry.logOnce(logger, findings),
      (err: unknown) => logger.error('doctor: the clock check failed', err),
    );
  }
}

/** Mounts GET /health unless the router options turn it off. */
export function attachHealth(router: Express, core: AuthCore, options: DoctorRouterOptions): void {
  if (options.health === false) return;
  registerHealthRoute(
    router,
    { users: core.users, sessionStore: () => core.sessionStore },
    core.config.logger,
    typeof options.health === 'object' ? options.health : {},
  );
}

export { DoctorRegistry } from './registry';
export { runDoctor } from './run-doctor';
export { DoctorCodes } from './types';
export type {
  DoctorCode,
  DoctorFinding,
  DoctorLevel,
  DoctorOptions,
  DoctorRouterOptions,
} from './types';
