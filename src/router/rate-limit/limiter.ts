import type { Request, RequestHandler, Response } from 'express';
import type { ResolvedConfig } from '../../core/config/resolved';
import { AuthError } from '../../core/errors';
import type { TokenService } from '../../core/tokens/token-service';
import type { IRateLimitStore } from '../../stores/rate-limit';
import type { IUserStore } from '../../stores/user';
import { clientAddressKey } from './client-ip';
import { DeviceCookies } from './device-cookie';
import { KnownAddresses } from './known-ip';
import {
  SIGN_IN_ROUTES,
  type RateLimitTier,
  type RateLimitedRoute,
  type ResolvedRateLimit,
  type SendRoute,
} from './options';
import { deliversSession } from './session-delivered';
import type { BackgroundWork } from '../../core/background';

/** Names the account a request is about (`email:…` or `user:…`), or undefined for none. */
export type AccountKey = (req: Request) => string | undefined;

/** The router's brute-force protection, built once per router. */
export interface RateLimiter {
  /** Middleware counting attempts at `route` per client IP and per account. */
  limit: (route: RateLimitedRoute, account?: AccountKey) => RequestHandler;
  /** False while `recipient` is within the route's send throttle: then send nothing. */
  allowSend: (route: SendRoute, recipient: string) => Promise<boolean>;
  /** Clears the account-wide counters of a user (after a password reset). */
  clearUser: (userId: string, email: string | undefined) => Promise<void>;
}

/** `email:<trimmed, lower-cased address>`: one account however the address is typed. */
export const emailAccount = (email: string) => `email:${email.trim().toLowerCase()}`;
export const userAccount = (id: string) => `user:${id}`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * The default account of a request: the temporary token's `sub` (a sign-in in progress; an
 * invalid token names no account, and the route refuses it anyway), the signed-in user, a
 * `userId`, or the normalised `email` of the body. Unknown emails are counted like known ones,
 * so a 429 never tells whether an account exists.
 */
function defaultAccount(tokens: TokenService): AccountKey {
  return function accountOfRequest(req) {
    const body = isRecord(req.body) ? req.body : {};
    if (nonEmpty(body.tempToken)) {
      try {
        return userAccount(tokens.verifyTempToken(body.tempToken).sub);
      } catch {
        return undefined;
      }
    }
    if (req.user?.sub) return userAccount(req.user.sub);
    if (nonEmpty(body.userId)) return userAccount(body.userId);
    if (nonEmpty(body.email)) return emailAccount(body.email);
    return undefined;
  };
}

/**
 * Hits each tier, shortest window first, and stops at the first one over its limit, returning
 * when that window ends. Counting happens before the decision, so parallel attempts cannot all
 * slip through; a refused attempt does not reach the longer tiers, so refusals never extend a
 * lock beyond the window that caused it.
 */
async function firstExceeded(
  store: IRateLimitStore,
  base: string,
  tiers: readonly RateLimitTier[],
): Promise<Date | undefined> {
  for (const tier of tiers) {
    const hit = await store.hit(`${base}:${tier.windowMs}`, tier.windowMs);
    if (hit.count > tier.max) return hit.resetAt;
  }
  return undefined;
}

function rateLimited(res: Response, until: Date): AuthError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  res.set('Retry-After', String(seconds));
  return new AuthError('Too many attempts; try again later', 'RATE_LIMITED', 429);
}

/**
 * Runs `onSuccess` just before the headers of a 2xx answer are written (so it may still set a
 * cookie). Node writes headers through `writeHead`, whether the handler calls it or not.
 */
function beforeSuccessHeaders(res: Response, onSuccess: () => void): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
  let done = false;
  res.writeHead = function writeHeadAfterLimit(...args: unknown[]) {
    const status = typeof args[0] === 'number' ? args[0] : res.statusCode;
    if (!done && status >= 200 && status < 300) onSuccess();
    done = true;
    return writeHead(...args);
  } as Response['writeHead'];
}

function passThrough(): RequestHandler {
  return function rateLimitOff(_req, _res, next) {
    next();
  };
}

/** Builds the limiter; `resolved` undefined (`rateLimit: false`) makes every part a no-op. */
export function createRateLimiter(
  config: ResolvedConfig,
  tokens: TokenService,
  users: Pick<IUserStore, 'findById'>,
  resolved: ResolvedRateLimit | undefined,
  background?: BackgroundWork,
): RateLimiter {
  if (!resolved) {
    return {
      limit: passThrough,
      allowSend: () => Promise.resolve(true),
      clearUser: () => Promise.resolve(),
    };
  }
  const { store, routes } = resolved;
  const devices = resolved.deviceCookie
    ? new DeviceCookies(config, resolved.deviceCookie.name, resolved.deviceCookie.maxAgeMs)
    : undefined;
  const knownIps = resolved.knownIps ? KnownAddresses.of(store) : undefined;
  const fallbackAccount = defaultAccount(tokens);

  /** The email account of `who` (a user id is looked up), which a device or an IP binds to. */
  async function loginAccount(who: string): Promise<string | undefined> {
    if (who.startsWith('email:')) return who;
    const user = await users.findById(who.slice('user:'.length));
    return user ? emailAccount(user.email) : undefined;
  }

  /** Whether this answer delivers a session as cookies (not bearer, not a 2FA challenge). */
  const sessionCookieSet = (res: Response) => {
    const header = res.getHeader('set-cookie');
    const lines = Array.isArray(header) ? header : typeof header === 'string' ? [header] : [];
    return lines.some((line) => line.startsWith(`${config.cookies.accessName}=`));
  };

  const clear = (base: string, tiers: readonly RateLimitTier[]) =>
    Promise.all(tiers.map((t) => store.reset(`${base}:${t.windowMs}`))).then(() => undefined);

  /** Buckets with account counters and their tiers, for clearing a user's counters. */
  const bucketTiers = new Map<string, RateLimitTier[]>();
  for (const limits of Object.values(routes)) {
    if (!limits || limits.account.length === 0) continue;
    bucketTiers.set(limits.bucket, [...(bucketTiers.get(limits.bucket) ?? []), ...limits.account]);
  }

  return {
    limit(route, account = fallbackAccount) {
      const limits = routes[route];
      if (!limits) return passThrough();
      const { bucket, ip: ipTiers, account: accountTiers } = limits;
      const signsIn = SIGN_IN_ROUTES.has(route);
      const issuing = signsIn ? devices : undefined;
      const remembering = signsIn ? knownIps : undefined;
      // Only /login counts by email, the account a device cookie and a known IP are bound to.
      const recognising = route === 'login' ? devices : undefined;
      const knownFrom = route === 'login' ? knownIps : undefined;
      const countsAccounts = accountTiers.length > 0;

      /** Remembers the address once the account is known by its email (logged, never thrown). */
      const rememberAddress = (known: KnownAddresses, who: string, ip: string) => {
        const work = async () => {
          const signIn = await loginAccount(who);
          if (signIn) await known.remember(signIn, ip);
        };
        const onError = (err: unknown) =>
          config.logger.error('rate limit: known IP not recorded after a sign-in', err);
        // Tracked where the router tracks its work after the answer, so auth.idle() covers it.
        if (background) background.run(work, onError);
        else work().catch(onError);
      };

      async function check(req: Request, res: Response): Promise<void> {
        const ip = clientAddressKey(req.ip);
        const ipLimited = await firstExceeded(store, `keyward:${bucket}:ip:${ip}`, ipTiers);
        if (ipLimited) throw rateLimited(res, ipLimited);

        const who = countsAccounts || signsIn ? account(req) : undefined;
        if (who === undefined) return;
        // A known device, or else a known IP, counts on its own: the account-wide counter,
        // which anyone can fill, does not apply to it, and its success leaves that counter as
        // it is. Its own failures still lock it, and the per-IP tiers above still bind.
        const device = recognising?.recognise(req, res, who);
        const knownIp = !device && countsAccounts && (await knownFrom?.has(who, ip));
        const own = device ? `:dev:${device}` : knownIp ? `:ip:${ip}` : '';
        const base = `keyward:${bucket}:acct:${who}${own}`;
        if (countsAccounts) {
          const accountLimited = await firstExceeded(store, base, accountTiers);
          if (accountLimited) throw rateLimited(res, accountLimited);
        }
        const signIn = issuing && !device ? await loginAccount(who) : undefined;

        beforeSuccessHeaders(res, () => {
          if (issuing && signIn && sessionCookieSet(res) && !issuing.recognise(req, res, signIn)) {
            issuing.issue(res, signIn);
          }
          // Only a completed sign-in (not a second-factor challenge) makes the address known.
          if (remembering && deliversSession(res)) rememberAddress(remembering, who, ip);
          if (!countsAccounts) return;
          const clearing = () => clear(base, accountTiers);
          const onError = (err: unknown) =>
            config.logger.error('rate limit: counters not cleared after a success', err);
          if (background) background.run(clearing, onError);
          else clearing().catch(onError);
        });
      }

      return function rateLimit(req, res, next) {
        check(req, res).then(() => next(), next);
      };
    },

    async allowSend(route, recipient) {
      const tiers = routes[route]?.recipient ?? [];
      if (tiers.length === 0) return true;
      const key = `keyward:${route}:to:${recipient.trim().toLowerCase()}`;
      return (await firstExceeded(store, key, tiers)) === undefined;
    },

    async clearUser(userId, email) {
      const accounts = [userAccount(userId), ...(email ? [emailAccount(email)] : [])];
      const work: Promise<void>[] = [];
      for (const [bucket, tiers] of bucketTiers) {
        for (const who of accounts) work.push(clear(`keyward:${bucket}:acct:${who}`, tiers));
      }
      await Promise.all(work);
    },
  };
}
