import type { Request, RequestHandler, Response } from 'express';
import { originSet } from '../core/config/resolve';
import type { ResolvedConfig } from '../core/config/resolved';
import { AuthError } from '../core/errors';
import type { AuthEventBus, AuthEventInput } from '../core/events';
import { clearTokenCookies, noStore, setTokenCookies } from '../core/http/cookies';
import { linkBaseUrl } from '../core/http/cors';
import { wantsBearer } from '../core/http/request-context';
import { createAuthMiddleware } from '../core/middleware';
import type { KeyedMutex } from '../core/mutex';
import type { PasswordService } from '../core/passwords/password-service';
import type { Revocations } from '../core/sessions/revocations';
import { SessionManager } from '../core/sessions/session-manager';
import type { TempTokenPayload, TempTokenPurpose } from '../core/tokens/claims';
import type { TokenService } from '../core/tokens/token-service';
import { MailDispatcher } from '../mail/mail-dispatcher';
import type { IRateLimitStore } from '../stores/rate-limit';
import type { ISessionStore } from '../stores/session';
import type { AuthSettings } from '../stores/settings';
import type { ITwoFactorStore } from '../stores/two-factor';
import type { BaseUser, IUserStore } from '../stores/user';
import type { BackgroundWork } from '../core/background';
import type { SharedRouterOptions } from './options';
import { createRecentAuthGuard, passwordProof, type ReauthProof } from './reauth';
import { createRateLimiter, type RateLimiter } from './rate-limit/limiter';
import { resolveRateLimit } from './rate-limit/options';
import { markSessionDelivered } from './rate-limit/session-delivered';
import {
  createSignIn,
  type BeginSignInOptions,
  type SecondFactorCheck,
  type SecondFactorMethod,
  type SignInDeps,
  type SignInOutcome,
} from './sign-in';

/** What one AuthConfigurator builds once and every router and middleware shares. */
export interface AuthCore {
  config: ResolvedConfig;
  users: IUserStore;
  tokens: TokenService;
  passwords: PasswordService;
  sessionStore: ISessionStore;
  bus: AuthEventBus | undefined;
  /** Serialises consumption of one-time tokens, keyed by token hash, across all routers. */
  oneTime: KeyedMutex;
  /** TOTP replay state, recovery codes, spent temporary tokens. */
  twoFactor: ITwoFactorStore;
  /** Counters of the brute-force protection, unless a router's `rateLimit.store` replaces it. */
  rateLimitStore: IRateLimitStore;
  /** Revoked sessions of the last access-token lifetime, shared through the revocation feed. */
  revocations: Revocations;
  /** Work started after an answer went out, which `auth.idle()` waits for. */
  background: BackgroundWork;
}

/** Everything a feature's routes need, built once per router. */
export interface RouterContext extends AuthCore {
  options: SharedRouterOptions;
  sessions: SessionManager;
  mail: MailDispatcher;
  /** Authenticates the request (sets req.user) or answers 401/403. */
  requireAuth: RequestHandler;
  /**
   * After `requireAuth` on what changes the account's protection: passes a session that signed
   * in within `reauthWindow`, or a body carrying a proof; 401 REAUTHENTICATION_REQUIRED otherwise.
   */
  requireRecentAuth: RequestHandler;
  /** Proofs `requireRecentAuth` accepts; features add theirs (e.g. a TOTP code) while registering. */
  reauthProofs: ReauthProof[];
  /** The app's own `rateLimiter` hook, when given, for sensitive routes. */
  sensitive: RequestHandler[];
  /**
   * Brute-force protection for one route (`ctx.limit('login')`): counts attempts per client IP
   * and per account, answers 429 RATE_LIMITED past the limits. Placed after any middleware that
   * sets `req.user`, so signed-in routes count per user.
   */
  limit: RateLimiter['limit'];
  /**
   * For sending routes: false while the recipient is within the send throttle. The route then
   * answers as usual but sends (and issues) nothing, so the earlier link or code stays valid.
   */
  allowSend: RateLimiter['allowSend'];
  /**
   * Ends the brute-force lock of an account whose owner just proved themselves another way (a
   * completed password reset: the mail reached them).
   */
  clearLimits(user: BaseUser): Promise<void>;
  publish(event: string, req: Request, input?: AuthEventInput): void;
  /** Base URL for links in mails; throws MAIL_NOT_CONFIGURED when there is none. */
  linkBase(req: Request): string;
  /**
   * The first factor succeeded: apply policy, then start the session (tokens delivered) or the
   * 2FA challenge (temporary token and methods).
   */
  completeSignIn(
    user: BaseUser,
    req: Request,
    res: Response,
    options?: BeginSignInOptions,
  ): Promise<void>;
  /**
   * The first factor succeeded: apply policy, then issue the session or start the 2FA challenge,
   * and return the outcome without answering (browser flows turn it into redirects).
   */
  beginSignIn(user: BaseUser, req: Request, options?: BeginSignInOptions): Promise<SignInOutcome>;
  /** Answers an outcome of `beginSignIn` as JSON, exactly as `completeSignIn` does. */
  answerSignIn(req: Request, res: Response, outcome: SignInOutcome): void;
  /**
   * A second factor (`method`, e.g. `'totp'`) is being answered: the temporary token must offer
   * it (for `purpose`, default `'challenge'`), and has an answer left; `check` then checks it,
   * and the session starts.
   */
  finishSecondFactor(
    tempToken: string,
    req: Request,
    res: Response,
    method: string,
    check: SecondFactorCheck,
    purpose?: TempTokenPurpose,
  ): Promise<void>;
  /**
   * A temporary token's claims when it may be finished with `method` for `purpose`; 401 for a
   * bad token, 403 SECOND_FACTOR_NOT_ALLOWED when it does not offer the method.
   */
  checkTempToken(tempToken: string, method: string, purpose?: TempTokenPurpose): TempTokenPayload;
  /** The second factors a challenge would offer this user now (GET /me lists them). */
  secondFactorsOf(user: BaseUser): string[];
  /** Second factors the features offer; features push theirs while registering. */
  secondFactors: SecondFactorMethod[];
  /**
   * Work DELETE /account does for the features that hold data of their own about a user (API
   * keys); features push theirs while registering, so the account feature needs none of them.
   */
  accountCleanups: Array<(userId: string) => Promise<void>>;
  /** The settings store's current values ({} without one). */
  runtimeSettings(): Promise<AuthSettings>;
  /** Sends a session's tokens as cookies, or in the body for `X-Auth-Strategy: bearer`. */
  deliver: SignInDeps['deliver'];
  /**
   * Runs work after the answer has gone out, logging (never throwing) its failure. Used where
   * the answer must not depend on whether an account exists.
   */
  afterResponse(label: string, work: () => Promise<void>): void;
}

/** Assembles the per-router context from the shared core. */
export function createRouterContext(core: AuthCore, options: SharedRouterOptions): RouterContext {
  const { config } = core;
  const bus = options.eventBus ?? core.bus;
  const twoFactor = options.twoFactorStore ?? core.twoFactor;
  const sessions = new SessionManager(
    config,
    core.tokens,
    core.sessionStore,
    bus,
    core.revocations,
    twoFactor,
  );
  const allowedOrigins = new Set((options.cors?.origins ?? []).map((o) => o.replace(/\/+$/, '')));

  const limiter = createRateLimiter(
    config,
    core.tokens,
    core.users,
    resolveRateLimit(
      options.rateLimit,
      core.rateLimitStore,
      config.cookies.accessName.startsWith('__Host-'),
    ),
    core.background,
  );
  const publish: RouterContext['publish'] = (event, req, input = {}) =>
    bus?.publish(event, { ip: req.ip, ...input });

  const deliver: RouterContext['deliver'] = (req, res, issued, extra = {}) => {
    noStore(res);
    markSessionDelivered(res);
    if (wantsBearer(req)) {
      res.json({ ...extra, success: true, ...issued.tokens });
      return;
    }
    setTokenCookies(res, issued.tokens, config, issued.session.userId);
    res.json({ ...extra, success: true });
  };

  const runtimeSettings = async (): Promise<AuthSettings> =>
    options.settingsStore ? options.settingsStore.getSettings() : {};
  const secondFactors: SecondFactorMethod[] = [];
  const signIn = createSignIn({
    config,
    users: core.users,
    tokens: core.tokens,
    sessions,
    twoFactor,
    secondFactors,
    runtimeSettings,
    publish,
    deliver,
  });

  const reauthProofs: ReauthProof[] = [passwordProof(core.passwords)];

  return {
    ...core,
    twoFactor,
    bus,
    options,
    sessions,
    mail: new MailDispatcher(config),
    requireAuth: createAuthMiddleware(config, {
      sessionStore: core.sessionStore,
      checkSessionOnRequest: config.checkSessionOnRequest,
      trustedOrigins: originSet(options.cors?.origins ?? []),
      revocations: core.revocations,
    }),
    requireRecentAuth: createRecentAuthGuard({
      config,
      limitProofs: limiter.limit('reauth'),
      users: core.users,
      passwords: core.passwords,
      proofs: reauthProofs,
    }),
    reauthProofs,
    accountCleanups: [],
    sensitive: options.rateLimiter ? [options.rateLimiter] : [],
    limit: limiter.limit,
    allowSend: limiter.allowSend,
    clearLimits: (user) => limiter.clearUser(user.id, user.email),
    publish,
    deliver,
    afterResponse(label, work) {
      core.background.run(work, (err: unknown) => config.logger.error(label, err));
    },
    linkBase(req) {
      const base = linkBaseUrl(req, allowedOrigins, config.siteUrls);
      if (!base) {
        throw new AuthError(
          'Links cannot be built: set email.siteUrl or cors.origins',
          'MAIL_NOT_CONFIGURED',
          501,
        );
      }
      return base;
    },
    secondFactors,
    runtimeSettings,
    ...signIn,
  };
}

/** Clears token cookies and answers with the error (a refresh that cannot succeed). */
export function failAndClear(res: Response, config: ResolvedConfig, err: AuthError): never {
  clearTokenCookies(res, config);
  throw err;
}
