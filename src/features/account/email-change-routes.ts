import type { Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { parseBody } from '../../core/http/validate';
import { confirmBody, requestBody } from './schemas';
import { issueOneTimeToken } from '../../core/secrets';
import type { RouterContext } from '../../router/context';
import { findUserOr404 } from '../find-user';
import { consumeOneTimeToken, linkWithToken } from '../one-time-tokens';

/** Email-change tokens live one hour. */
const CHANGE_TTL_SECONDS = 3600;

/** POST /change-email/request and POST /change-email/confirm. */
export function registerEmailChangeRoutes(router: Router, ctx: RouterContext): void {
  const users = ctx.users;

  router.post(
    '/change-email/request',
    ...ctx.sensitive,
    ctx.requireAuth,
    ctx.requireRecentAuth,
    asyncHandler(async (req, res) => {
      const { newEmail, emailLang } = parseBody(req, requestBody);
      if (!users.updateEmailChangeToken || !users.findByEmailChangeToken || !users.updateEmail) {
        throw new AuthError(
          'Changing email is not supported by the user store',
          'NOT_SUPPORTED',
          501,
        );
      }
      const user = await findUserOr404(ctx, req.user!.sub);
      if (newEmail.toLowerCase() === user.email.toLowerCase()) {
        throw new AuthError(
          'newEmail is already the address of this account',
          'VALIDATION_ERROR',
          400,
        );
      }
      if (!ctx.mail.canSend('sendVerificationEmail')) {
        throw new AuthError('Email sending is not configured', 'MAIL_NOT_CONFIGURED', 501);
      }
      const base = ctx.linkBase(req);
      // Answer before looking at the address: one that belongs to someone else gets the same
      // answer, in the same time, and no mail, so this cannot tell which addresses exist.
      res.json({ success: true, message: 'A confirmation link has been sent to the new address.' });
      ctx.afterResponse('change-email/request: confirmation not sent', async () => {
        if (await users.findByEmail(newEmail)) return;
        const issued = issueOneTimeToken(CHANGE_TTL_SECONDS);
        await users.updateEmailChangeToken!(user.id, newEmail, issued.hash, issued.expiresAt);
        const link = linkWithToken(
          base,
          ctx.config.email.linkPaths.confirmEmailChange,
          issued.token,
        );
        await ctx.mail.send('sendVerificationEmail', newEmail, issued.token, link, emailLang);
      });
    }),
  );

  router.post(
    '/change-email/confirm',
    ...ctx.sensitive,
    asyncHandler(async (req, res) => {
      const { token, emailLang } = parseBody(req, confirmBody, { token: 'TOKEN_REQUIRED' });
      if (!users.findByEmailChangeToken || !users.updateEmailChangeToken || !users.updateEmail) {
        throw new AuthError(
          'Changing email is not supported by the user store',
          'NOT_SUPPORTED',
          501,
        );
      }
      const user = await consumeOneTimeToken(ctx, token, {
        find: users.findByEmailChangeToken.bind(users),
        storedHash: (u) => u.emailChangeToken,
        expiry: (u) => u.emailChangeTokenExpiry,
        clear: (u) => users.updateEmailChangeToken!(u.id, null, null, null),
      });
      const newEmail = user.pendingEmail;
      if (!newEmail)
        throw new AuthError('This link is invalid or has expired', 'INVALID_OR_EXPIRED_TOKEN', 400);
      const holder = await users.findByEmail(newEmail);
      if (holder && holder.id !== user.id) {
        throw new AuthError('That email address is already in use', 'EMAIL_IN_USE', 409);
      }
      await users.updateEmail(user.id, newEmail);
      // Following the link proved control of the new address.
      await users.updateEmailVerified?.(user.id, true);
      ctx.publish(AuthEventNames.USER_EMAIL_CHANGED, req, { userId: user.id });
      // The change is done; tell the old address, but a failed notice does not undo it.
      if (ctx.mail.canSend('sendEmailChanged')) {
        await ctx.mail
          .send('sendEmailChanged', user.email, newEmail, emailLang)
          .catch(() => undefined);
      }
      res.json({ success: true, email: newEmail });
    }),
  );
}
