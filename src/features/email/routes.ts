import type { Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { assertPresent, parseBody } from '../../core/http/validate';
import { sendBody, verifyQuery } from './schemas';
import { issueOneTimeToken } from '../../core/secrets';
import type { RouterContext } from '../../router/context';
import { findUserOr404 } from '../find-user';
import { consumeOneTimeToken, linkWithToken } from '../one-time-tokens';

/** Verification links live 24 hours. */
const VERIFY_TTL_SECONDS = 24 * 3600;

/** POST /send-verification-email and GET /verify-email. */
export function registerEmailVerificationRoutes(router: Router, ctx: RouterContext): void {
  const users = ctx.users;
  const supported = () => {
    if (
      !users.updateEmailVerificationToken ||
      !users.findByEmailVerificationToken ||
      !users.updateEmailVerified
    ) {
      throw new AuthError(
        'Email verification is not supported by the user store',
        'NOT_SUPPORTED',
        501,
      );
    }
  };

  router.post(
    '/send-verification-email',
    ...ctx.sensitive,
    ctx.requireAuth,
    ctx.limit('send-verification-email'),
    asyncHandler(async (req, res) => {
      supported();
      const { emailLang } = parseBody(req, sendBody);
      const user = await findUserOr404(ctx, req.user!.sub);
      if (user.isEmailVerified) {
        throw new AuthError('Email address is already verified', 'EMAIL_ALREADY_VERIFIED', 400);
      }
      const base = ctx.linkBase(req);
      // Within the send throttle nothing is issued: the link already sent stays the valid one.
      if (!(await ctx.allowSend('send-verification-email', user.email))) {
        res.json({ success: true });
        return;
      }
      const issued = issueOneTimeToken(VERIFY_TTL_SECONDS);
      await users.updateEmailVerificationToken!(user.id, issued.hash, issued.expiresAt);
      const link = linkWithToken(base, ctx.config.email.linkPaths.verifyEmail, issued.token);
      await ctx.mail.send('sendVerificationEmail', user.email, issued.token, link, emailLang);
      res.json({ success: true });
    }),
  );

  router.get(
    '/verify-email',
    ...ctx.sensitive,
    ctx.limit('verify-email'),
    asyncHandler(async (req, res) => {
      supported();
      assertPresent(req.query, { token: 'TOKEN_REQUIRED' });
      const parsed = verifyQuery.safeParse(req.query);
      if (!parsed.success)
        throw new AuthError('token query parameter is required', 'VALIDATION_ERROR', 400);
      const user = await consumeOneTimeToken(ctx, parsed.data.token, {
        find: users.findByEmailVerificationToken!.bind(users),
        storedHash: (u) => u.emailVerificationToken,
        expiry: (u) => u.emailVerificationTokenExpiry,
        clear: (u) => users.updateEmailVerificationToken!(u.id, null, null),
      });
      await users.updateEmailVerified!(user.id, true);
      ctx.publish(AuthEventNames.USER_EMAIL_VERIFIED, req, { userId: user.id });
      res.json({ success: true });
    }),
  );
}
