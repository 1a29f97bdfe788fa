import type { Request, Response } from 'express';
import { AuthError } from '../core/errors';
import { AuthEventNames } from '../core/events';
import { noStore } from '../core/http/cookies';
import { requestContext } from '../core/http/request-context';
import type { BaseUser } from '../stores/user';
import type { RouterContext } from './context';

/** A second factor a feature offers (`'totp'`, `'sms'`, `'magic-link'`). */
export interface SecondFactorMethod {
  name: string;
  /** True when this user can complete a challenge with it right now. */
  availableFor(user: BaseUser): boolean;
}

/** What the sign-in pipeline needs from the router. */
export type SignInDeps = Pick<
  RouterContext,
  | 'config'
  | 'users'
  | 'tokens'
  | 'sessions'
  | 'twoFactor'
  | 'secondFactors'
  | 'runtimeSettings'
  | 'publish'
  | 'deliver'
>;

/**
 * Checks a second factor for `user`; throws an AuthError (e.g. INVALID_2FA_CODE) when it fails.
 * Fields it returns are added to the answer that starts the session (e.g. new recovery codes).
 */
export type SecondFactorCheck = (user: BaseUser) => Promise<void | Record<string, unknown>>;

/**
 * Where every first factor ends: `completeSignIn` applies the email-verification policy, then
 * either starts a session or, when the user has or needs a second factor, answers with a
 * 5-minute temporary token and the methods on offer. `finishSecondFactor` is where every
 * second factor ends: it checks the temporary token, runs the factor's check, spends the token
 * (once, atomically) and starts the session.
 */
export function createSignIn(deps: SignInDeps) {
  const { config, tokens, sessions, twoFactor } = deps;

  async function startSession(
    user: BaseUser,
    req: Request,
    res: Response,
    via: string,
    extra?: Record<string, unknown>,
  ) {
    const issued = await sessions.issue(user, requestContext(req));
    deps.publish(AuthEventNames.AUTH_LOGIN_SUCCESS, req, {
      userId: user.id,
      sessionId: issued.session.sessionHandle,
      data: {
        provider: user.loginProvider ?? 'local',
        ...(via === 'second-factor' ? { secondFactor: true } : {}),
      },
    });
    deps.deliver(req, res, issued, extra);
  }

  async function completeSignIn(user: BaseUser, req: Request, res: Response): Promise<void> {
    const settings = await deps.runtimeSettings();
    assertEmailVerified(user, settings.emailVerificationMode ?? config.emailVerificationMode);
    const required =
      user.isTotpEnabled === true || user.require2FA === true || settings.require2FA === true;
    if (!required) return startSession(user, req, res, 'password');

    const methods = deps.secondFactors.filter((m) => m.availableFor(user)).map((m) => m.name);
    const tempToken = tokens.signTempToken(user.id, methods);
    noStore(res);
    if (methods.length === 0) {
      res.status(403).json({
        requires2FASetup: true,
        tempToken,
        error: 'A second factor is required; set one up first',
        code: '2FA_SETUP_REQUIRED',
      });
      return;
    }
    res.json({ requiresTwoFactor: true, tempToken, available2faMethods: methods });
  }

  async function finishSecondFactor(
    tempToken: string,
    req: Request,
    res: Response,
    check: SecondFactorCheck,
  ): Promise<void> {
    const claims = tokens.verifyTempToken(tempToken);
    const user = await deps.users.findById(claims.sub);
    if (!user) throw new AuthError('Invalid temporary token', 'INVALID_TEMP_TOKEN', 401);
    const extra = await check(user);
    // Spent only after the factor held, so a mistyped code does not end the attempt; spent
    // atomically, so two correct answers racing with one token cannot both sign in.
    if (!(await twoFactor.markUsed(`temp:${claims.jti}`, new Date(claims.exp * 1000)))) {
      throw new AuthError('This sign-in attempt was already completed', 'TEMP_TOKEN_USED', 401);
    }
    await startSession(user, req, res, 'second-factor', extra ?? undefined);
  }

  return { completeSignIn, finishSecondFactor };
}

function assertEmailVerified(user: BaseUser, mode: string): void {
  if (mode === 'none' || user.isEmailVerified) return;
  if (mode === 'strict') {
    throw new AuthError('Email address is not verified', 'EMAIL_NOT_VERIFIED', 403);
  }
  const deadline = user.emailVerificationDeadline;
  if (deadline && new Date(deadline).getTime() <= Date.now()) {
    throw new AuthError(
      'The grace period to verify your email address is over; verify it to sign in',
      'EMAIL_VERIFICATION_REQUIRED',
      403,
    );
  }
}
