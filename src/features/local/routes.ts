import type { Request, Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { requestContext } from '../../core/http/request-context';
import { parseBody } from '../../core/http/validate';
import { LocalStrategy } from '../../strategies/local-strategy';
import type { RouterContext } from '../../router/context';
import { findUserOr404 } from '../find-user';
import { registerPasswordResetRoutes } from './password-reset-routes';
import { upgradePasswordHash } from './rehash';
import { changePasswordBody, loginBody, registerBody } from './schemas';

/** Local email/password: register, login, change-password, and the reset flow. */
export function registerLocalRoutes(router: Router, ctx: RouterContext): void {
  const strategy = new LocalStrategy(ctx.users, ctx.passwords);
  const { onRegister } = ctx.options;

  if (onRegister) {
    router.post(
      '/register',
      ...ctx.sensitive,
      ctx.limit('register'),
      asyncHandler(async (req, res) => {
        // A non-JSON body is not an empty registration. Express 5 leaves it undefined,
        // Express 4 makes it {}.
        if (req.body === undefined || (!req.is('json') && isEmptyObject(req.body))) {
          throw new AuthError('Request body must be a JSON object', 'VALIDATION_ERROR', 400);
        }
        const data = parseBody(req, registerBody);
        // The policy lives at the endpoint, not in PasswordService.hash, so an onRegister that
        // only hashes (the reference's pattern) still gets the length and common-password rules.
        if (typeof data.password === 'string') ctx.passwords.assertAcceptable(data.password);
        const user = await onRegister(data, ctx.config.source, ctx.options);
        ctx.publish(AuthEventNames.USER_CREATED, req, { userId: user.id });
        // No link base (no siteUrl, no allowed Origin): the account exists, so skip the mail.
        const base = ctx.mail.canSend('sendWelcome') ? linkBaseOrLog(ctx, req) : undefined;
        if (base !== undefined) {
          const loginUrl = base + ctx.config.email.linkPaths.login;
          const lang = typeof data.emailLang === 'string' ? data.emailLang : undefined;
          // The account exists either way: a failed welcome mail is logged (by the dispatcher),
          // not reported as a failed registration.
          ctx.afterResponse('register: welcome mail not sent', async () => {
            await ctx.mail
              .send('sendWelcome', user.email, { loginUrl, firstName: user.firstName }, lang)
              .catch(() => undefined);
          });
        }
        res.status(201).json({ success: true, userId: user.id });
      }),
    );
  }

  router.post(
    '/login',
    ...ctx.sensitive,
    ctx.limit('login'),
    asyncHandler(async (req, res) => {
      const { email, password } = parseBody(req, loginBody);
      ctx.passwords.assertNotTooLong(password);
      let user;
      try {
        user = await strategy.authenticate({ email, password });
      } catch (err) {
        if (err instanceof AuthError && err.code === 'INVALID_CREDENTIALS') {
          ctx.publish(AuthEventNames.AUTH_LOGIN_FAILED, req, {
            data: { email, reason: 'invalid_credentials' },
          });
        }
        throw err;
      }
      await upgradePasswordHash(ctx, user, password);
      await ctx.completeSignIn(user, req, res);
    }),
  );

  router.post(
    '/change-password',
    ...ctx.sensitive,
    ctx.requireAuth,
    ctx.limit('change-password'),
    asyncHandler(async (req, res) => {
      const { currentPassword, newPassword } = parseBody(req, changePasswordBody);
      ctx.passwords.assertAcceptable(newPassword);
      const auth = req.user!;
      const user = await findUserOr404(ctx, auth.sub);
      if (!user.password) {
        throw new AuthError(
          'This account has no password; it signs in another way',
          'NO_PASSWORD_SET',
          400,
        );
      }
      if (!(await ctx.passwords.compare(currentPassword, user.password))) {
        throw new AuthError('Current password is incorrect', 'INVALID_CREDENTIALS', 401);
      }
      await ctx.users.updatePassword(user.id, await ctx.passwords.hash(newPassword));
      // Other devices signed in with the old password are signed out; this one stays.
      const others = await ctx.sessionStore.getSessionsForUser(user.id);
      for (const s of others) {
        if (s.sessionHandle !== auth.sid) {
          await ctx.sessions.revoke(s.sessionHandle, 'password_changed', requestContext(req));
        }
      }
      ctx.publish(AuthEventNames.USER_PASSWORD_CHANGED, req, { userId: user.id });
      res.json({ success: true });
    }),
  );

  registerPasswordResetRoutes(router, ctx);
}

function linkBaseOrLog(ctx: RouterContext, req: Request): string | undefined {
  try {
    return ctx.linkBase(req);
  } catch (err) {
    ctx.config.logger.error('register: welcome mail not sent', err);
    return undefined;
  }
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
