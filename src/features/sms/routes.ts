import type { Response, Router } from 'express';
import { AuthError } from '../../core/errors';
import { asyncHandler } from '../../core/http/async-handler';
import { noStore } from '../../core/http/cookies';
import { isTwoFactorMode, parseBody } from '../../core/http/validate';
import { hashToken } from '../../core/secrets';
import type { RouterContext } from '../../router/context';
import type { BaseUser } from '../../stores/user';
import { challengedUser } from '../find-user';
import { checkSmsCode, invalidSmsCode, sendSmsCode, smsSettings } from './code';
import { SMS_METHOD } from './options';
import { sendBody, verifyBody } from './schemas';

const SAME_ANSWER = {
  success: true,
  message: 'If the account has a phone number, a code has been sent to it.',
};

/** The second-factor mode names its user by the temporary token. */
const TWO_FACTOR_FIELDS = { tempToken: 'TEMP_TOKEN_REQUIRED' } as const;
/**
 * SMS codes: POST /sms/send and POST /sms/verify, as a first factor (mode 'login', by userId or
 * email; the stored phone number is used) or as the second factor of a sign-in in progress
 * (mode '2fa'). The routes answer 501 SMS_NOT_CONFIGURED without `config.sms`.
 */
export function registerSmsRoutes(router: Router, ctx: RouterContext): void {
  const { config, users, twoFactor } = ctx;
  ctx.secondFactors.push({
    name: SMS_METHOD,
    availableFor: (user) => config.sms !== undefined && Boolean(user.phoneNumber),
  });

  const findTarget = async (body: { userId?: string; email?: string }) =>
    body.userId !== undefined ? users.findById(body.userId) : users.findByEmail(body.email!);

  router.post(
    '/sms/send',
    ...ctx.sensitive,
    ctx.limit('sms/send'),
    asyncHandler(async (req, res) => {
      const body = parseBody(req, sendBody, isTwoFactorMode(req) ? TWO_FACTOR_FIELDS : {});
      const settings = smsSettings(config);
      if (body.mode === '2fa') {
        // The temporary token names the user already: failures (no phone, too soon, gateway
        // down) are reported, since they reveal nothing the caller does not know.
        const user = await challengedUser(ctx, body.tempToken, SMS_METHOD);
        if (!user.phoneNumber) {
          throw new AuthError('This account has no phone number', 'NO_PHONE_NUMBER', 400);
        }
        await sendOrRetryLater(res, () =>
          sendSmsCode(twoFactor, settings, user.id, user.phoneNumber!),
        );
        return;
      }
      // Answer first, then look the user up and send: every request gets the same body in the
      // same time, whether the account exists, has a phone, or was sent a code a moment ago.
      noStore(res);
      res.json(SAME_ANSWER);
      ctx.afterResponse('sms/send: code not sent', async () => {
        const user = await findTarget(body);
        if (!user?.phoneNumber) return;
        if (!(await ctx.allowSend('sms/send', user.id))) return;
        try {
          await sendSmsCode(twoFactor, settings, user.id, user.phoneNumber);
        } catch (err) {
          if (err instanceof AuthError && err.code === 'SMS_RESEND_TOO_SOON') return;
          throw err;
        }
      });
    }),
  );

  router.post(
    '/sms/verify',
    ...ctx.sensitive,
    ctx.limit('sms/verify'),
    asyncHandler(async (req, res) => {
      const body = parseBody(req, verifyBody, isTwoFactorMode(req) ? TWO_FACTOR_FIELDS : {});
      const settings = smsSettings(config);
      const check = async (user: BaseUser) => {
        if (!(await checkSmsCode(twoFactor, settings, user.id, body.code))) throw invalidSmsCode();
      };
      if (body.mode === '2fa') {
        await ctx.finishSecondFactor(body.tempToken, req, res, SMS_METHOD, check);
        return;
      }
      const user = await findTarget(body);
      if (!user?.phoneNumber) throw invalidSmsCode();
      await check(user);
      // A first factor like a password: a user with a second factor gets the challenge, in
      // which SMS is not offered again. On an account nobody has proven (unverified email),
      // the first code to reach this number proves it: see claimsAccount.
      await ctx.completeSignIn(user, req, res, {
        firstFactor: SMS_METHOD,
        claimsAccount: user.isEmailVerified !== true && (await firstProofOfPhone(ctx, user)),
      });
    }),
  );
}

/** Remembered for ten years: long enough to mean "ever" for one account's phone number. */
const PHONE_PROOF_TTL_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * True the first time a code to this number signs in to this account (recorded through the
 * two-factor store's atomic `markUsed`, so it holds across instances).
 */
function firstProofOfPhone(ctx: RouterContext, user: BaseUser): Promise<boolean> {
  const id = `phone-proven:${user.id}:${hashToken(user.phoneNumber ?? '')}`;
  return ctx.twoFactor.markUsed(id, new Date(Date.now() + PHONE_PROOF_TTL_MS));
}

/** Sends, answering `{ success: true }`, or 429 with Retry-After while the throttle holds. */
async function sendOrRetryLater(res: Response, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (err instanceof AuthError && err.code === 'SMS_RESEND_TOO_SOON') {
      res.setHeader('Retry-After', String(Number(err.data?.retryAfterSeconds ?? 30)));
    }
    throw err;
  }
  noStore(res);
  res.json({ success: true, message: 'A code has been sent.' });
}
