import type { Request, RequestHandler, Response, Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { noStore } from '../../core/http/cookies';
import { parseBody } from '../../core/http/validate';
import type { RouterContext } from '../../router/context';
import type { BaseUser } from '../../stores/user';
import { findUserOr404 } from '../find-user';
import { TotpFactor } from './factor';
import { TOTP_METHOD } from './options';
import { challengeBody, proofBody, totpCodeBody, verifySetupBody } from './schemas';
import { TotpSecretBox } from './secret-box';
import { TotpStrategy } from './strategy';

/**
 * TOTP second factor: POST /2fa/setup, /2fa/verify-setup, /2fa/verify, /2fa/disable and
 * /2fa/recovery-codes. Mounted only when the user store can save a TOTP secret.
 */
export function registerTotpRoutes(router: Router, ctx: RouterContext): void {
  const { users } = ctx;
  if (!users.updateTotpSecret) return;
  const saveSecret = users.updateTotpSecret.bind(users);
  const strategy = new TotpStrategy();
  const factor = new TotpFactor(ctx, strategy, new TotpSecretBox(ctx.config.totpKey));
  // Recovery codes belong to this method: they are issued with it and die with it.
  ctx.secondFactors.push({
    name: TOTP_METHOD,
    availableFor: (user) => factor.isEnabled(user),
    enrollable: true,
  });
  // A current code proves the session's owner for recent-authentication checks.
  ctx.reauthProofs.push({
    field: 'totpCode',
    availableFor: (user) => factor.isEnabled(user),
    verify: (user, code) =>
      factor.checkCode(user, code).then(
        () => true,
        (err: unknown) => {
          if (err instanceof AuthError && err.code === 'INVALID_2FA_CODE') return false;
          throw err;
        },
      ),
  });

  // Setup works for a signed-in user who signed in recently or proves it again, and, during
  // sign-in, for a user whom policy requires to enrol: the enrolment token of a
  // 2FA_SETUP_REQUIRED answer in the body. A challenge token is refused: it proves the first
  // factor only, and enrolling a new authenticator with it would skip the second.
  const signedInOrEnrolling: RequestHandler = (req, res, next) => {
    const tempToken = (req.body as { tempToken?: unknown } | undefined)?.tempToken;
    if (typeof tempToken !== 'string') {
      ctx.requireAuth(req, res, (err?: unknown) =>
        err ? next(err) : ctx.requireRecentAuth(req, res, next),
      );
      return;
    }
    try {
      res.locals.enrollingUserId = ctx.checkTempToken(tempToken, TOTP_METHOD, 'enrol').sub;
      next();
    } catch (err) {
      next(err);
    }
  };

  const currentUser = (req: Request, res?: Response): Promise<BaseUser> => {
    const enrolling = res?.locals.enrollingUserId as string | undefined;
    return findUserOr404(ctx, enrolling ?? req.user!.sub);
  };
  const assertNotEnabled = (user: BaseUser) => {
    if (factor.isEnabled(user)) {
      throw new AuthError(
        'Two-factor authentication is already enabled',
        '2FA_ALREADY_ENABLED',
        400,
      );
    }
  };

  router.post(
    '/2fa/setup',
    ...ctx.sensitive,
    signedInOrEnrolling,
    asyncHandler(async (req, res) => {
      const user = await currentUser(req, res);
      assertNotEnabled(user);
      // Nothing is stored yet: 2FA starts only once /2fa/verify-setup proves the app has it.
      const { secret, otpauthUrl, qrCode } = strategy.generateSecret(
        user.email,
        ctx.config.totpAppName,
      );
      noStore(res);
      res.json({ secret, otpauthUrl, qrCode: await qrCode });
    }),
  );

  /** Checks the first code for `secret`, then stores it and issues recovery codes. */
  const enable = async (user: BaseUser, token: string, secret: string, req: Request) => {
    assertNotEnabled(user);
    // The accepted step is recorded, so the code that enabled 2FA cannot also sign in.
    await factor.acceptCode(user.id, token, secret);
    await saveSecret(user.id, factor.seal(secret, user.id));
    const recoveryCodes = await factor.issueRecoveryCodes(user.id);
    ctx.publish(AuthEventNames.USER_2FA_ENABLED, req, {
      userId: user.id,
      data: { method: TOTP_METHOD },
    });
    return { recoveryCodes };
  };

  router.post(
    '/2fa/verify-setup',
    ...ctx.sensitive,
    signedInOrEnrolling,
    ctx.limit('2fa/verify-setup'),
    asyncHandler(async (req, res) => {
      const { token, secret, tempToken } = parseBody(req, verifySetupBody);
      if (tempToken !== undefined) {
        // Enrolling during sign-in: the new factor is the second factor, so the sign-in
        // completes here and the answer carries the session and the recovery codes.
        await ctx.finishSecondFactor(
          tempToken,
          req,
          res,
          TOTP_METHOD,
          (user) => enable(user, token, secret, req),
          'enrol',
        );
        return;
      }
      const { recoveryCodes } = await enable(await currentUser(req, res), token, secret, req);
      noStore(res);
      res.json({ success: true, recoveryCodes });
    }),
  );

  router.post(
    '/2fa/verify',
    ...ctx.sensitive,
    ctx.limit('2fa/verify'),
    asyncHandler(async (req, res) => {
      const { tempToken, totpCode, recoveryCode } = parseBody(req, challengeBody, {
        tempToken: 'TEMP_TOKEN_REQUIRED',
      });
      await ctx.finishSecondFactor(tempToken, req, res, TOTP_METHOD, (user) =>
        factor.check(user, { totpCode, recoveryCode }),
      );
    }),
  );

  router.post(
    '/2fa/disable',
    ...ctx.sensitive,
    ctx.requireAuth,
    ctx.limit('2fa/disable'),
    asyncHandler(async (req, res) => {
      // A current code is required, unlike the reference API: an access token alone (stolen,
      // or a device left signed in) must not be enough to remove the second factor.
      const proof = parseBody(req, proofBody);
      const user = await currentUser(req);
      if (user.require2FA === true || (await ctx.runtimeSettings()).require2FA === true) {
        throw new AuthError('Two-factor authentication is required here', '2FA_REQUIRED', 403);
      }
      await factor.check(user, proof);
      await saveSecret(user.id, null);
      await ctx.twoFactor.clearUser(user.id);
      ctx.publish(AuthEventNames.USER_2FA_DISABLED, req, {
        userId: user.id,
        data: { method: TOTP_METHOD },
      });
      res.json({ success: true });
    }),
  );

  router.post(
    '/2fa/recovery-codes',
    ...ctx.sensitive,
    ctx.requireAuth,
    ctx.limit('2fa/recovery-codes'),
    asyncHandler(async (req, res) => {
      const { totpCode } = parseBody(req, totpCodeBody);
      const user = await currentUser(req);
      await factor.checkCode(user, totpCode);
      const recoveryCodes = await factor.issueRecoveryCodes(user.id);
      noStore(res);
      res.json({ success: true, recoveryCodes });
    }),
  );
}
