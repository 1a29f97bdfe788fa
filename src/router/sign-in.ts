import type { Request, Response } from 'express';
import type { ResolvedConfig } from '../core/config/resolved';
import { assertEmailVerified } from '../core/email-verification';
import { AuthError } from '../core/errors';
import { AuthEventNames, type AuthEventInput } from '../core/events';
import { noStore } from '../core/http/cookies';
import { requestContext } from '../core/http/request-context';
import type { IssuedSession, SessionManager } from '../core/sessions/session-manager';
import type { TempTokenPayload, TempTokenPurpose } from '../core/tokens/claims';
import type { TokenService } from '../core/tokens/token-service';
import type { AuthSettings } from '../stores/settings';
import type { ITwoFactorStore } from '../stores/two-factor';
import type { BaseUser, IUserStore } from '../stores/user';

/** A second factor a feature offers (`'totp'`, `'sms'`, `'magic-link'`). */
export interface SecondFactorMethod {
  name: string;
  /** True when this user can complete a challenge with it right now. */
  availableFor(user: BaseUser): boolean;
  /** True when a user whom policy requires to have a second factor may set this one up while signing in. */
  enrollable?: boolean;
}

/**
 * What the sign-in pipeline needs from the router: the router context provides each of these
 * (spelled out here, so the pipeline does not depend on the context it is part of).
 */
export interface SignInDeps {
  config: ResolvedConfig;
  users: IUserStore;
  tokens: TokenService;
  sessions: SessionManager;
  twoFactor: ITwoFactorStore;
  secondFactors: SecondFactorMethod[];
  runtimeSettings(): Promise<AuthSettings>;
  publish(event: string, req: Request, input?: AuthEventInput): void;
  /** Sends a session's tokens as cookies, or in the body for `X-Auth-Strategy: bearer`. */
  deliver(
    req: Request,
    res: Response,
    issued: IssuedSession,
    extra?: Record<string, unknown>,
  ): void;
}

/**
 * Checks a second factor for `user`; throws an AuthError (e.g. INVALID_2FA_CODE) when it fails.
 * Fields it returns are added to the answer that starts the session (e.g. new recovery codes).
 */
export type SecondFactorCheck = (user: BaseUser) => Promise<void | Record<string, unknown>>;

/**
 * What a first factor leads to: a session (already issued, tokens not yet delivered), a 2FA
 * challenge (temporary token and the methods on offer), or, when policy requires a second factor
 * the user has not set up, an enrolment (temporary token only).
 */
export type SignInOutcome =
  | { kind: 'session'; user: BaseUser; issued: IssuedSession }
  | { kind: '2fa'; user: BaseUser; tempToken: string; methods: string[] }
  | { kind: '2fa-setup'; user: BaseUser; tempToken: string | undefined };

/** Options of `beginSignIn`. */
export interface BeginSignInOptions {
  /** The first factor, reported as `data.provider` of the login event (e.g. `'google'`). */
  provider?: string;
  /**
   * A passwordless first factor that is also a second factor (`'magic-link'`, `'sms'`): it is
   * left out of the methods on offer, since the same inbox or phone twice is one factor, not
   * two; and it cannot enrol a second factor on its own (no enrolment token).
   */
  firstFactor?: string;
  /**
   * This first factor is the first proof that the person owns the account (a magic link to an
   * address nobody had verified, say). A password already on the account was set by whoever
   * registered it, which nobody proved: it is removed and every other session ends, so an
   * attacker who registered the address first keeps no way in.
   */
  claimsAccount?: boolean;
}

const notAllowed = () =>
  new AuthError(
    'This sign-in attempt cannot be completed with this method',
    'SECOND_FACTOR_NOT_ALLOWED',
    403,
  );

/**
 * Where every first factor ends. `beginSignIn` applies the email-verification policy, then
 * either starts a session or, when the user has or needs a second factor, a 5-minute temporary
 * token, and returns that outcome without answering: a JSON route answers with `answerSignIn`
 * (`completeSignIn` does both), a browser flow such as the OAuth callback turns it into
 * redirects. `finishSecondFactor` is where every second factor ends: it checks the temporary
 * token, runs the factor's check, spends the token (once, atomically) and starts the session.
 */
export function createSignIn(deps: SignInDeps) {
  const { config, tokens, sessions, twoFactor } = deps;

  /** Starts the session and publishes the login event (`secondFactor: true` after a 2FA step). */
  async function issueSession(
    user: BaseUser,
    req: Request,
    login: { provider?: string; secondFactor?: true },
  ): Promise<IssuedSession> {
    const issued = await sessions.issue(user, requestContext(req));
    deps.publish(AuthEventNames.AUTH_LOGIN_SUCCESS, req, {
      userId: user.id,
      sessionId: issued.session.sessionHandle,
      data: {
        provider: login.provider ?? user.loginProvider ?? 'local',
        ...(login.secondFactor ? { secondFactor: true } : {}),
      },
    });
    return issued;
  }

  async function beginSignIn(
    user: BaseUser,
    req: Request,
    options: BeginSignInOptions = {},
  ): Promise<SignInOutcome> {
    const settings = await deps.runtimeSettings();
    if (options.claimsAccount) user = await claimAccount(user, req);
    assertEmailVerified(user, settings.emailVerificationMode ?? config.emailVerificationMode);
    const required =
      user.isTotpEnabled === true || user.require2FA === true || settings.require2FA === true;
    if (!required) {
      return {
        kind: 'session',
        user,
        issued: await issueSession(user, req, { provider: options.provider }),
      };
    }
    const methods = offeredMethods(user, options.firstFactor);
    if (methods.length > 0) {
      return { kind: '2fa', user, tempToken: tokens.signTempToken(user.id, methods), methods };
    }
    // Nothing to answer with: the user must set a factor up. Only a first factor that is not
    // itself a passwordless channel may do that; otherwise one inbox or one phone would become
    // a full session through the enrolment.
    const enrollable = deps.secondFactors.filter((m) => m.enrollable).map((m) => m.name);
    const tempToken =
      options.firstFactor === undefined && enrollable.length > 0
        ? tokens.signTempToken(user.id, enrollable, undefined, 'enrol')
        : undefined;
    return { kind: '2fa-setup', user, tempToken };
  }

  /** See {@link BeginSignInOptions.claimsAccount}. */
  async function claimAccount(user: BaseUser, req: Request): Promise<BaseUser> {
    const context = requestContext(req);
    await sessions.revokeAll(user.id, 'account_claimed', context);
    if (!user.password) return user;
    await deps.users.updatePassword(user.id, null);
    deps.publish(AuthEventNames.USER_PASSWORD_CLEARED, req, {
      userId: user.id,
      data: { reason: 'account_claimed' },
    });
    return { ...user, password: null };
  }

  /**
   * The second factors this user is offered: those the configuration allows and the user can
   * use, minus the first factor. A user with TOTP switched on is offered TOTP only, so a weaker
   * channel (a phone number, an inbox) is no way around the authenticator.
   */
  function offeredMethods(user: BaseUser, firstFactor: string | undefined): string[] {
    const usable = deps.secondFactors.filter(
      (m) =>
        m.name !== firstFactor &&
        (config.twoFactorMethods as readonly string[]).includes(m.name) &&
        m.availableFor(user),
    );
    const totp = usable.find((m) => m.name === 'totp');
    return (totp ? [totp] : usable).map((m) => m.name);
  }

  /** Answers a sign-in outcome as JSON: tokens (cookies or body), a challenge, or a 403. */
  function answerSignIn(req: Request, res: Response, outcome: SignInOutcome): void {
    if (outcome.kind === 'session') {
      deps.deliver(req, res, outcome.issued);
      return;
    }
    noStore(res);
    if (outcome.kind === '2fa-setup') {
      res.status(403).json({
        requires2FASetup: true,
        ...(outcome.tempToken ? { tempToken: outcome.tempToken } : {}),
        error: outcome.tempToken
          ? 'A second factor is required; set one up first'
          : 'A second factor is required; sign in with your password to set one up',
        code: '2FA_SETUP_REQUIRED',
      });
      return;
    }
    res.json({
      requiresTwoFactor: true,
      tempToken: outcome.tempToken,
      available2faMethods: outcome.methods,
    });
  }

  async function completeSignIn(
    user: BaseUser,
    req: Request,
    res: Response,
    options?: BeginSignInOptions,
  ): Promise<void> {
    answerSignIn(req, res, await beginSignIn(user, req, options));
  }

  /**
   * The temporary token's claims when it may be finished with `method` for `purpose` (a
   * challenge offered it, or an enrolment allows it); 403 SECOND_FACTOR_NOT_ALLOWED otherwise.
   */
  function checkTempToken(
    tempToken: string,
    method: string,
    purpose: TempTokenPurpose = 'challenge',
  ): TempTokenPayload {
    const claims = tokens.verifyTempToken(tempToken);
    if (claims.pur !== purpose || !claims.methods.includes(method)) throw notAllowed();
    return claims;
  }

  /**
   * Counts one answer against the token before it is checked; the token dies after
   * `twoFactor.maxAttempts` answers. Each attempt takes the first free numbered slot in the
   * two-factor store's atomic `markUsed`, so concurrent guesses (on any instance sharing the
   * store) never get more answers between them.
   */
  async function claimAttempt(claims: TempTokenPayload): Promise<void> {
    const until = new Date(claims.exp * 1000);
    for (let slot = 1; slot <= config.twoFactorMaxAttempts; slot++) {
      if (await twoFactor.markUsed(`temp:${claims.jti}:attempt:${slot}`, until)) return;
    }
    throw new AuthError(
      'Too many wrong answers for this sign-in attempt; sign in again',
      'TEMP_TOKEN_EXHAUSTED',
      401,
    );
  }

  async function finishSecondFactor(
    tempToken: string,
    req: Request,
    res: Response,
    method: string,
    check: SecondFactorCheck,
    purpose: TempTokenPurpose = 'challenge',
  ): Promise<void> {
    const claims = checkTempToken(tempToken, method, purpose);
    await claimAttempt(claims);
    const user = await deps.users.findById(claims.sub);
    if (!user) throw new AuthError('Invalid temporary token', 'INVALID_TEMP_TOKEN', 401);
    const extra = await check(user);
    // Spent only after the factor held, so a mistyped code does not end the attempt; spent
    // atomically, so two correct answers racing with one token cannot both sign in.
    if (!(await twoFactor.markUsed(`temp:${claims.jti}`, new Date(claims.exp * 1000)))) {
      throw new AuthError('This sign-in attempt was already completed', 'TEMP_TOKEN_USED', 401);
    }
    const issued = await issueSession(user, req, { secondFactor: true });
    deps.deliver(req, res, issued, extra ?? undefined);
  }

  return {
    beginSignIn,
    answerSignIn,
    completeSignIn,
    finishSecondFactor,
    checkTempToken,
    secondFactorsOf: (user: BaseUser) => offeredMethods(user, undefined),
  };
}
