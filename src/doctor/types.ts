import type { ResolvedConfig } from '../core/config/resolved';
import type { CorsOptions } from '../core/http/cors';
import type { IRateLimitStore } from '../stores/rate-limit';
import type { IRevocationFeed } from '../stores/revocation';
import type { ISessionStore } from '../stores/session';
import type { ITwoFactorStore } from '../stores/two-factor';
import type { IUserStore } from '../stores/user';
import type { BaseOAuthStrategy } from '../features/oauth/strategy';

/** How serious a finding is: `error` breaks a flow, `warn` is likely a mistake, `info` is a note. */
export type DoctorLevel = 'error' | 'warn' | 'info';

/** Every finding the doctor can report; stable, listed with their fixes in docs/doctor.md. */
export const DoctorCodes = [
  'COOKIE_DOMAIN_INVALID',
  'COOKIE_DOMAIN_MISMATCH',
  'SAMESITE_NONE_WITHOUT_SECURE',
  'OAUTH_FORM_POST_STRICT_COOKIES',
  'TRUST_PROXY_UNSET',
  'BODY_LIMIT_SMALLER_THAN_ROUTER',
  'IN_MEMORY_STORE_IN_PRODUCTION',
  'MAIL_TRANSPORT_MISSING',
  'SMS_TRANSPORT_MISSING',
  'CLOCK_SKEW',
  'CLOCK_CHECK_FAILED',
  'WEAK_SECRET',
  'ALLOWED_ORIGIN_INVALID',
] as const;
export type DoctorCode = (typeof DoctorCodes)[number];

/** One problem (or note) about the running configuration, and what to change. */
export interface DoctorFinding {
  level: DoctorLevel;
  code: DoctorCode;
  /** What is wrong, for people. */
  message: string;
  /** What to set or change instead. */
  fix: string;
}

/** Options of `auth.doctor()`. */
export interface DoctorOptions {
  /**
   * Compare this machine's clock with each OAuth provider's `Date` header (one HEAD request to
   * its token endpoint). Default true for `auth.doctor()`, false at router start-up.
   */
  clockSkew?: boolean;
  /** How long each provider may take to answer the clock check. Default 3000 ms. */
  timeoutMs?: number;
  /** Skew, in seconds, beyond which the clock check warns. Default 30. */
  maxClockSkewSeconds?: number;
}

/** The router options of the doctor and the health route; part of `RouterOptions`. */
export interface DoctorRouterOptions {
  /**
   * Outside production (`NODE_ENV !== 'production'`) the router logs the doctor's warnings and
   * errors once when it is built, and those of the first requests it sees (proxy headers, the
   * app's body parser). `false` silences both; `{ clockSkew: true }` adds the providers' clocks
   * to the start-up check. Default true.
   */
  doctor?: boolean | Pick<DoctorOptions, 'clockSkew' | 'timeoutMs'>;
  /**
   * GET /health: 200 while the user and session stores answer, 503 when one does not within
   * `timeoutMs` (default 2000). A result answers for `cacheMs` (default 1000; 0 probes on every
   * request), so a flood of requests cannot become a flood of store reads. `false` removes the
   * route. Default true.
   */
  health?: boolean | { timeoutMs?: number; cacheMs?: number };
}

/** The router options the checks read (a subset of `RouterOptions`). */
export interface DoctorRouterInput {
  cors?: CorsOptions;
  sessionCleanupSecret?: string;
  strategies: readonly BaseOAuthStrategy[];
}

/** Everything the checks look at: the resolved config, the stores in use, the routers built. */
export interface DoctorInput {
  config: ResolvedConfig;
  users: IUserStore;
  sessionStore: ISessionStore;
  twoFactor: ITwoFactorStore;
  rateLimitStore: IRateLimitStore;
  revocationFeed: IRevocationFeed;
  routers: readonly DoctorRouterInput[];
}

/** A group of checks that need no network: they read the input and return findings. */
export type DoctorCheck = (input: DoctorInput) => DoctorFinding[];
