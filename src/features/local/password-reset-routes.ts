import type { Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { requestContext } from '../../core/http/request-context';
import { parseBody } from '../../core/http/validate';
import { forgotBody, resetBody } from './schemas';
import type { RouterContext } from '../../router/context';
import { consumeOneTimeToken, linkWithToken } from '../one-time-tokens';
import { issueOneTimeToken } from '../../core/secrets';

/** Reset tokens live one hour. */
const RESET_TTL_SECONDS = 3600;

const SAME_ANSWER = {
  success: true,
  message: 'If an account exists for this email, a reset link has been sent.',
};

/** POST /forgot-password and POST /reset-password. */
export function registerPasswordResetRoutes(router: Router, ctx: RouterContext): void {
  router.post(
    '/forgot-password',
    ...ctx.sensitive,
    ctx.limit('forgot-password'),
    asyncHandler(async (req, res) => {
      const { email, emailLang } = parseBody(req, forgotBody, { email: 'EMAIL_REQUIRED' });
      if (!ctx.mail.canSend('sendPasswordReset') || !ctx.users.findByResetToken) {
        throw new AuthError('Password reset is not configured', 'MAIL_NOT_CONFIGURED', 501);
      }
      const base = ctx.linkBase(req);
      // Answer first and do the work afterwards: known and unknown emails get the same body in
      // the same time, and a slow or failing mail API cannot reveal which one this was.
      res.json(SAME_ANSWER);
      ctx.afterResponse('forgot-password: reset link not sent', () =>
        sendResetLink(ctx, email, base, emailLang),
      );
    }),
  );

  router.post(
    '/reset-password',
    ...ctx.sensitive,
    ctx.limit('reset-password'),
    asyncHandler(async (req, res) => {
      const body = parseBody(req, resetBody, { token: 'TOKEN_REQUIRED' });
      const newPassword = (body.newPassword ?? body.password)!;
      const findByResetToken = ctx.users.findByResetToken?.bind(ctx.users);
      if (!findByResetToken)
        throw new AuthError(
          'Password reset is not supported by the user store',
          'NOT_SUPPORTED',
          501,
        );
      // Cheap checks first: a refused password leaves the token usable, and an invalid token
      // costs no hash. The hashing slot is taken before the token is spent, so a busy server
      // cannot spend a token without setting the password.
      ctx.passwords.assertAcceptable(newPassword);
      const { user, hash } = await ctx.passwords.withReservedHash(async (hashPassword) => {
        const owner = await consumeOneTimeToken(ctx, body.token, {
          find: findByResetToken,
          storedHash: (u) => u.resetToken,
          expiry: (u) => u.resetTokenExpiry,
          clear: (u) => ctx.users.updateResetToken(u.id, null, null),
        });
        return { user: owner, hash: await hashPassword(newPassword) };
      });
      await ctx.users.updatePassword(user.id, hash);
      // The mail reached the user, so the address is theirs.
      if (!user.isEmailVerified) await ctx.users.updateEmailVerified?.(user.id, true);
      await ctx.sessions.revokeAll(user.id, 'password_reset', requestContext(req));
      // The mail reached the owner: a stranger's guesses no longer lock them out.
      await ctx.clearLimits(user);
      ctx.publish(AuthEventNames.USER_PASSWORD_RESET, req, { userId: user.id });
      res.json({ success: true });
    }),
  );
}

async function sendResetLink(ctx: RouterContext, email: string, base: string, lang?: string) {
  const user = await ctx.users.findByEmail(email);
  if (!user) return;
  // Within the send throttle nothing is issued: the link already sent stays the valid one.
  if (!(await ctx.allowSend('forgot-password', user.email))) return;
  const issued = issueOneTimeToken(RESET_TTL_SECONDS);
  // Overwrites any earlier token: only the newest link works.
  await ctx.users.updateResetToken(user.id, issued.hash, issued.expiresAt);
  const link = linkWithToken(base, ctx.config.email.linkPaths.resetPassword, issued.token);
  await ctx.mail.send('sendPasswordReset', user.email, issued.token, link, lang);
}
