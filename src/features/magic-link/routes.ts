import type { Request, Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { isTwoFactorMode, parseBody } from '../../core/http/validate';
import type { RouterContext } from '../../router/context';
import type { BaseUser } from '../../stores/user';
import { MAGIC_LINK_METHOD } from './options';
import { sendBody, verifyBody } from './schemas';
import {
  consumeMagicLinkToken,
  mailMagicLink,
  markEmailVerified,
  supportsMagicLinks,
  type MagicLinkStore,
} from './token';
import { challengedUser } from '../find-user';

const SAME_ANSWER = {
  success: true,
  message: 'If an account exists for this email, a sign-in link has been sent.',
};
const SENT = { success: true, message: 'A sign-in link has been sent.' };

/** Every failure of a link used as a second factor, including a link of another user. */
const invalidLink = () =>
  new AuthError('This link is invalid or has expired', 'INVALID_OR_EXPIRED_TOKEN', 401);

/**
 * Magic links: POST /magic-link/send and POST /magic-link/verify, as a first factor (mode
 * 'login') or as the second factor of a sign-in in progress (mode '2fa'). Mounted only when the
 * user store implements updateMagicLinkToken and findByMagicLinkToken.
 */
export function registerMagicLinkRoutes(router: Router, ctx: RouterContext): void {
  const { users } = ctx;
  if (!supportsMagicLinks(users)) return;
  const canMail = () => ctx.mail.canSend('sendMagicLink');
  ctx.secondFactors.push({ name: MAGIC_LINK_METHOD, availableFor: () => canMail() });

  const assertConfigured = () => {
    if (!canMail()) {
      throw new AuthError('Magic links are not configured', 'MAIL_NOT_CONFIGURED', 501);
    }
  };

  const path = ctx.config.email.linkPaths.magicLink;
  const sendTo = (user: BaseUser, base: string, lang?: string) =>
    mailMagicLink(ctx.mail, users, user, { base, path, lang });

  router.post(
    '/magic-link/send',
    ...ctx.sensitive,
    ctx.limit('magic-link/send'),
    asyncHandler(async (req, res) => {
      const body = parseBody(
        req,
        sendBody,
        isTwoFactorMode(req) ? { tempToken: 'TEMP_TOKEN_REQUIRED' } : { email: 'EMAIL_REQUIRED' },
      );
      assertConfigured();
      const base = ctx.linkBase(req);
      if (body.mode === '2fa') {
        // The temporary token already names the user, so there is nothing to hide here: the
        // mail goes out before the answer and a delivery failure is reported.
        const user = await challengedUser(ctx, body.tempToken, MAGIC_LINK_METHOD);
        // Within the send throttle the link already sent stays the valid one.
        if (await ctx.allowSend('magic-link/send', user.email))
          await sendTo(user, base, body.emailLang);
        res.json(SENT);
        return;
      }
      // Answer first and do the work afterwards: known and unknown emails get the same body in
      // the same time, and a slow or failing mail API cannot reveal which one this was.
      res.json(SAME_ANSWER);
      ctx.afterResponse('magic-link/send: link not sent', async () => {
        const user = await users.findByEmail(body.email);
        if (user && (await ctx.allowSend('magic-link/send', user.email))) {
          await sendTo(user, base, body.emailLang);
        }
      });
    }),
  );

  router.post(
    '/magic-link/verify',
    ...ctx.sensitive,
    ctx.limit('magic-link/verify'),
    asyncHandler(async (req, res) => {
      const body = parseBody(
        req,
        verifyBody,
        isTwoFactorMode(req)
          ? { token: 'TOKEN_REQUIRED', tempToken: 'TEMP_TOKEN_REQUIRED' }
          : { token: 'TOKEN_REQUIRED' },
      );
      if (body.mode === '2fa') {
        await ctx.finishSecondFactor(body.tempToken, req, res, MAGIC_LINK_METHOD, (user) =>
          checkSecondFactor(ctx, users, req, user, body.token),
        );
        return;
      }
      const linked = await consumeMagicLinkToken(ctx, users, body.token);
      // A first factor like a password: a user with a second factor gets the challenge. The
      // first link to reach an unverified address is the first proof that the account is
      // this person's: a password set at registration by whoever that was is removed.
      await ctx.completeSignIn(await verifyEmail(ctx, req, linked), req, res, {
        firstFactor: MAGIC_LINK_METHOD,
        claimsAccount: linked.isEmailVerified !== true,
      });
    }),
  );
}

/**
 * The link as second factor: it must belong to the user of the temporary token. A link of
 * another user is refused like an invalid one (so the answer does not reveal that it was
 * valid) and is spent all the same: a link presented for someone else's sign-in is treated as
 * exposed; its owner can ask for a new one.
 */
async function checkSecondFactor(
  ctx: RouterContext,
  users: MagicLinkStore,
  req: Request,
  user: BaseUser,
  token: string,
): Promise<void> {
  let linked: BaseUser;
  try {
    linked = await consumeMagicLinkToken(ctx, users, token);
  } catch (err) {
    if (err instanceof AuthError && err.code === 'INVALID_OR_EXPIRED_TOKEN') throw invalidLink();
    throw err;
  }
  if (linked.id !== user.id) throw invalidLink();
  await verifyEmail(ctx, req, linked);
}

/** Marks the address verified on the first link that reached it and publishes the event. */
async function verifyEmail(ctx: RouterContext, req: Request, user: BaseUser): Promise<BaseUser> {
  const result = await markEmailVerified(ctx.users, user);
  if (result.newly) ctx.publish(AuthEventNames.USER_EMAIL_VERIFIED, req, { userId: user.id });
  return result.user;
}
