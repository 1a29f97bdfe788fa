import { AuthConfigError } from '../../core/errors';
import type { IRateLimitStore } from '../../stores/rate-limit';

/** At most `max` attempts per fixed window of `windowMs` milliseconds. */
export interface RateLimitTier {
  max: number;
  windowMs: number;
}

/** The limits of one route; `false` (or an empty list) leaves that dimension unlimited. */
export interface RouteRateLimit {
  /**
   * Attempts per account (normalised email, or user id from a temporary token, the signed-in
   * user or `userId`), counted before the check and cleared by a success (a 2xx answer).
   */
  account?: RateLimitTier[] | false;
  /** Attempts per client IP (`req.ip`; IPv6 grouped by /64), successes included. */
  ip?: RateLimitTier[] | false;
  /**
   * Sending routes: messages per recipient. Past it the route answers as usual but sends
   * nothing, so the link or code already sent stays the valid one.
   */
  recipient?: RateLimitTier[] | false;
}

/** The routes the limiter guards (the OAuth starts are `'oauth'`). */
export const RATE_LIMITED_ROUTES = [
  'login',
  'register',
  'change-password',
  'forgot-password',
  'reset-password',
  'send-verification-email',
  'verify-email',
  'link-verify',
  '2fa/verify',
  '2fa/verify-setup',
  '2fa/disable',
  '2fa/recovery-codes',
  'sms/send',
  'sms/verify',
  'magic-link/send',
  'magic-link/verify',
  'oauth',
  // Proofs of recent authentication (a password or code in the body of a sensitive request).
  'reauth',
] as const;

export type RateLimitedRoute = (typeof RATE_LIMITED_ROUTES)[number];

/** The routes that send a mail or an SMS, throttled per recipient. */
export type SendRoute =
  'forgot-password' | 'send-verification-email' | 'sms/send' | 'magic-link/send';

/** `RouterOptions.rateLimit`: brute-force protection, on unless `false`. */
export interface RateLimitOptions {
  /**
   * Where the counters live. Default: the AuthConfigurator's `rateLimitStore`, in process memory
   * unless given; several instances need a shared one (keyward/sql or keyward/redis).
   */
  store?: IRateLimitStore;
  /** Per-route changes: `false` turns a route's limits off; a field replaces that default. */
  routes?: Partial<Record<RateLimitedRoute, false | RouteRateLimit>>;
  /**
   * The known-device cookie, set on a successful sign-in: that browser gets its own account
   * counter, so a stranger's failures do not lock it out. `false` turns it off.
   */
  deviceCookie?: false | { name?: string; maxAgeDays?: number };
  /**
   * Known IP addresses, for clients without the device cookie (bearer mode): a client address
   * (IPv6 by /64) that completed a sign-in to an account in the last 30 days gets its own
   * /login counter for that account, like a known device. Needs a store with `peek` (the
   * built-in ones have it); without one it is off. Default true; `false` turns it off.
   */
  knownIps?: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Failures per account slow down in steps and stop at 100 an hour (the ASVS 5 ceiling): ten a
 * minute lets a person mistype a few times (and leaves room for the per-code limits of SMS and
 * recovery), thirty per quarter hour slows a patient attacker to about 100 an hour, and the
 * hour tier is the hard stop.
 */
const ACCOUNT: RateLimitTier[] = [
  { max: 10, windowMs: MINUTE },
  { max: 30, windowMs: 15 * MINUTE },
  { max: 100, windowMs: HOUR },
];
/**
 * Per client IP, every attempt counts (successes too: clearing them would let an attacker with
 * one valid account reset the counter). Generous, because many users can share one address
 * (offices, carrier NAT); it stops one machine trying many accounts.
 */
const IP: RateLimitTier[] = [
  { max: 50, windowMs: MINUTE },
  { max: 500, windowMs: HOUR },
];
/** Routes that only take high-entropy tokens: the limit protects the server, not the token. */
const IP_TOKENS: RateLimitTier[] = [
  { max: 30, windowMs: MINUTE },
  { max: 300, windowMs: HOUR },
];
/**
 * Sending routes per IP: each request can cost a mail or an SMS, but the recipient throttle
 * already bounds what one address receives; this bounds how many addresses one machine fans out to.
 */
const IP_SEND: RateLimitTier[] = [
  { max: 30, windowMs: MINUTE },
  { max: 300, windowMs: HOUR },
];
/** One message per recipient a minute, five an hour. */
const RECIPIENT: RateLimitTier[] = [
  { max: 1, windowMs: MINUTE },
  { max: 5, windowMs: HOUR },
];

const guess: RouteRateLimit = { account: ACCOUNT, ip: IP };
const token: RouteRateLimit = { ip: IP_TOKENS };
const send: RouteRateLimit = { ip: IP_SEND, recipient: RECIPIENT };
/**
 * SMS already keeps one code per user until `sms.resendIntervalSeconds` has passed (the earlier
 * code stays valid); the limiter adds the hourly cap, since each message costs money.
 */
const sms: RouteRateLimit = { ip: IP_SEND, recipient: [{ max: 10, windowMs: HOUR }] };

/** Every route's defaults (documented in docs/security.md). */
export const DEFAULT_ROUTE_LIMITS: Readonly<Record<RateLimitedRoute, RouteRateLimit>> = {
  login: guess,
  register: guess,
  'change-password': guess,
  'forgot-password': send,
  'reset-password': token,
  'send-verification-email': send,
  'verify-email': token,
  'link-verify': token,
  '2fa/verify': guess,
  '2fa/verify-setup': guess,
  '2fa/disable': guess,
  '2fa/recovery-codes': guess,
  'sms/send': sms,
  'sms/verify': guess,
  'magic-link/send': send,
  'magic-link/verify': guess,
  oauth: token,
  reauth: guess,
};

/**
 * Routes whose counters are shared: a TOTP or SMS code guessed through any of these counts
 * against one budget per account. Every other route counts on its own.
 */
const BUCKETS: Partial<Record<RateLimitedRoute, string>> = {
  '2fa/verify': 'second-factor',
  '2fa/verify-setup': 'second-factor',
  '2fa/disable': 'second-factor',
  '2fa/recovery-codes': 'second-factor',
  'sms/verify': 'second-factor',
  'magic-link/verify': 'second-factor',
};

/**
 * Routes whose success can complete a sign-in: when it does with session cookies, the browser
 * gets the known-device cookie, and either way the client address becomes known (both bound to
 * the account's email, which is what /login counts by).
 */
export const SIGN_IN_ROUTES: ReadonlySet<RateLimitedRoute> = new Set([
  'login',
  '2fa/verify',
  '2fa/verify-setup',
  'sms/verify',
  'magic-link/verify',
]);

/** One route's limits after defaults and overrides; tiers sorted shortest window first. */
export interface ResolvedRouteLimit {
  bucket: string;
  account: readonly RateLimitTier[];
  ip: readonly RateLimitTier[];
  recipient: readonly RateLimitTier[];
}

export interface ResolvedRateLimit {
  store: IRateLimitStore;
  routes: Readonly<Record<RateLimitedRoute, ResolvedRouteLimit | undefined>>;
  deviceCookie: { name: string; maxAgeMs: number } | undefined;
  knownIps: boolean;
}

function tiers(value: RateLimitTier[] | false | undefined, where: string, problems: string[]) {
  if (value === false || value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${where} must be a list of { max, windowMs } or false`);
    return [];
  }
  for (const [i, tier] of value.entries()) {
    if (!Number.isSafeInteger(tier?.max) || tier.max < 1) {
      problems.push(`${where}[${i}].max must be a whole number of at least 1`);
    }
    if (!(Number.isFinite(tier?.windowMs) && tier.windowMs >= 1000)) {
      problems.push(`${where}[${i}].windowMs must be at least 1000 (milliseconds)`);
    }
  }
  return [...value].sort((a, b) => a.windowMs - b.windowMs);
}

/** Checks `rateLimit` once at setup (every problem in one AuthConfigError) and fills defaults. */
export function resolveRateLimit(
  options: RateLimitOptions | false | undefined,
  defaultStore: IRateLimitStore,
  secureCookieName: boolean,
): ResolvedRateLimit | undefined {
  if (options === false) return undefined;
  const problems: string[] = [];
  const given = options?.routes ?? {};
  for (const name of Object.keys(given)) {
    if (!(RATE_LIMITED_ROUTES as readonly string[]).includes(name)) {
      problems.push(
        `rateLimit.routes: unknown route '${name}' (one of ${RATE_LIMITED_ROUTES.join(', ')})`,
      );
    }
  }
  const routes = {} as Record<RateLimitedRoute, ResolvedRouteLimit | undefined>;
  for (const name of RATE_LIMITED_ROUTES) {
    const override = given[name];
    if (override === false) {
      routes[name] = undefined;
      continue;
    }
    const merged = { ...DEFAULT_ROUTE_LIMITS[name], ...override };
    const where = `rateLimit.routes['${name}']`;
    routes[name] = {
      bucket: BUCKETS[name] ?? name,
      account: tiers(merged.account, `${where}.account`, problems),
      ip: tiers(merged.ip, `${where}.ip`, problems),
      recipient: tiers(merged.recipient, `${where}.recipient`, problems),
    };
  }
  const device = options?.deviceCookie;
  const maxAgeDays = device === false ? 0 : (device?.maxAgeDays ?? 180);
  if (!(maxAgeDays > 0) && device !== false) {
    problems.push('rateLimit.deviceCookie.maxAgeDays must be a positive number');
  }
  if (problems.length > 0) throw new AuthConfigError(problems);
  return {
    store: options?.store ?? defaultStore,
    routes: Object.freeze(routes),
    deviceCookie:
      device === false
        ? undefined
        : {
            name: device?.name ?? (secureCookieName ? '__Host-keywardDevice' : 'keywardDevice'),
            maxAgeMs: maxAgeDays * 24 * HOUR,
          },
    knownIps: options?.knownIps !== false,
  };
}
