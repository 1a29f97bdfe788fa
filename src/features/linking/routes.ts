import type { Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { noStore } from '../../core/http/cookies';
import { parseBody } from '../../core/http/validate';
import type { RouterContext } from '../../router/context';
import type { ILinkedAccountsStore, LinkedAccount } from '../../stores/profile-stores';
import type { BaseUser } from '../../stores/user';
import { findUserOr404 } from '../find-user';
import { linkWithToken } from '../one-time-tokens';
import { linkRequestBody, linkVerifyBody } from './schemas';
import { consumeLinkToken, issueLinkToken, supportsLinkTokens } from './token';

/** The label of a plain address linked without a provider. */
const EMAIL_PROVIDER = 'email';

const alreadyLinked = () =>
  new AuthError('This account is already linked to another user', 'ACCOUNT_ALREADY_LINKED', 409);

/**
 * Account linking: GET /linked-accounts and DELETE /linked-accounts/:provider/:providerAccountId
 * for the signed-in user, and the email-confirmed POST /link-request → POST /link-verify, which
 * also completes an OAuth sign-in that hit OAUTH_ACCOUNT_CONFLICT (stashed in the
 * pendingLinkStore). Mounted when the router options give a linkedAccountsStore; the two link
 * routes also need the user store's updateAccountLinkToken and findByAccountLinkToken.
 */
export function registerLinkingRoutes(router: Router, ctx: RouterContext): void {
  const links = ctx.options.linkedAccountsStore;
  if (!links) return;
  const { users } = ctx;

  router.get(
    '/linked-accounts',
    ctx.requireAuth,
    asyncHandler(async (req, res) => {
      noStore(res);
      res.json({ linkedAccounts: await links.getLinkedAccounts(req.user!.sub) });
    }),
  );

  router.delete(
    '/linked-accounts/:provider/:providerAccountId',
    ...ctx.sensitive,
    ctx.requireAuth,
    ctx.requireRecentAuth,
    asyncHandler(async (req, res) => {
      const user = await findUserOr404(ctx, req.user!.sub);
      const { provider, providerAccountId } = req.params as Record<string, string>;
      const accounts = await links.getLinkedAccounts(user.id);
      const target = accounts.find(
        (a) => a.provider === provider && a.providerAccountId === providerAccountId,
      );
      if (!target) throw new AuthError('No such linked account', 'NOT_FOUND', 404);
      assertAnotherWayIn(user, accounts, target);
      await links.unlinkAccount(user.id, target.provider, target.providerAccountId);
      ctx.publish(AuthEventNames.USER_UNLINKED, req, {
        userId: user.id,
        data: { provider: target.provider },
      });
      res.json({ success: true });
    }),
  );

  if (!supportsLinkTokens(users)) return;

  // Protected on purpose: the user first proves they own the account (by signing in to it, second
  // factor included), then the mail proves they own the address. An unauthenticated request would
  // let a stranger attach their provider account to an account registered with that address.
  router.post(
    '/link-request',
    ...ctx.sensitive,
    ctx.requireAuth,
    ctx.requireRecentAuth,
    asyncHandler(async (req, res) => {
      const body = parseBody(req, linkRequestBody);
      if (!ctx.mail.canSend('sendAccountLink')) {
        throw new AuthError(
          'Account linking needs email.sendVerificationEmail or email.mailer',
          'MAIL_NOT_CONFIGURED',
          501,
        );
      }
      const base = ctx.linkBase(req);
      const user = await findUserOr404(ctx, req.user!.sub);
      const provider = body.provider ?? EMAIL_PROVIDER;
      const token = await issueLinkToken(users, user.id, body.email, provider);
      const link = linkWithToken(base, ctx.config.email.linkPaths.accountLink, token);
      await ctx.mail.send('sendAccountLink', body.email, token, link, body.emailLang);
      res.json({ success: true, message: 'A confirmation link has been sent to that address.' });
    }),
  );

  router.post(
    '/link-verify',
    ...ctx.sensitive,
    ctx.limit('link-verify'),
    asyncHandler(async (req, res) => {
      const body = parseBody(req, linkVerifyBody, { token: 'TOKEN_REQUIRED' });
      // The user as stored with the token: the pending email and provider are read from it.
      const user = await consumeLinkToken(ctx, users, body.token);
      const email = user.accountLinkPendingEmail;
      if (!email) throw new AuthError('This link is invalid', 'INVALID_OR_EXPIRED_TOKEN', 400);
      const provider = user.accountLinkPendingProvider ?? EMAIL_PROVIDER;
      const account = await linkPending(ctx, links, user, email, provider);
      ctx.publish(AuthEventNames.USER_LINKED, req, { userId: user.id, data: { provider } });
      if (body.loginAfterLinking === true) {
        // A sign-in like any other: a user with a second factor gets the challenge.
        await ctx.completeSignIn(user, req, res);
        return;
      }
      res.json({ success: true, linkedAccount: account });
    }),
  );
}

/**
 * Links the confirmed address, or, when an OAuth sign-in with that address hit a conflict, the
 * stashed provider account (then removed from the stash).
 */
async function linkPending(
  ctx: RouterContext,
  links: ILinkedAccountsStore,
  user: BaseUser,
  email: string,
  provider: string,
): Promise<LinkedAccount> {
  const pending = ctx.options.pendingLinkStore;
  const stashed = provider === EMAIL_PROVIDER ? null : await pending?.retrieve(email, provider);
  const account: LinkedAccount = {
    provider,
    providerAccountId: stashed?.providerAccountId ?? email,
    email,
  };
  const owner = await links.findUserByProviderAccount(account.provider, account.providerAccountId);
  if (owner && owner.userId !== user.id) throw alreadyLinked();
  try {
    await links.linkAccount(user.id, account);
  } catch (err) {
    ctx.config.logger.warn('link-verify: linkAccount refused', err);
    throw alreadyLinked();
  }
  if (stashed) await pending?.remove(email, provider);
  return account;
}

/** Refuses to remove the user's last way to sign in: a password or another linked account. */
function assertAnotherWayIn(user: BaseUser, accounts: LinkedAccount[], target: LinkedAccount) {
  // A confirmed address is a label, not a way to sign in: removing it never locks anyone out.
  if (target.provider === EMAIL_PROVIDER) return;
  const others = accounts.filter((a) => a !== target && a.provider !== EMAIL_PROVIDER);
  if (user.password || others.length > 0) return;
  throw new AuthError(
    'This is your last way to sign in; set a password or link another account first',
    'LAST_SIGN_IN_METHOD',
    409,
  );
}
