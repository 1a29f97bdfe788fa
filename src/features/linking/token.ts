import { issueOneTimeToken } from '../../core/secrets';
import type { BaseUser, IUserStore } from '../../stores/user';
import { consumeOneTimeToken, type OneTimeGuard } from '../one-time-tokens';

/** A link token works for an hour after it is mailed. */
export const LINK_TOKEN_TTL_SECONDS = 60 * 60;

/** The user-store methods the email-confirmed linking flow needs. */
export type LinkTokenStore<U extends BaseUser = BaseUser> = IUserStore<U> &
  Required<Pick<IUserStore<U>, 'updateAccountLinkToken' | 'findByAccountLinkToken'>>;

export function supportsLinkTokens<U extends BaseUser>(
  users: IUserStore<U>,
): users is LinkTokenStore<U> {
  return (
    typeof users.updateAccountLinkToken === 'function' &&
    typeof users.findByAccountLinkToken === 'function'
  );
}

/**
 * Gives `userId` a fresh link token for `email`/`provider` (256 bits; only its SHA-256 is
 * stored, replacing any earlier one) and returns the token for the mail.
 */
export async function issueLinkToken(
  users: LinkTokenStore,
  userId: string,
  email: string,
  provider: string,
): Promise<string> {
  const issued = issueOneTimeToken(LINK_TOKEN_TTL_SECONDS);
  await users.updateAccountLinkToken(userId, email, provider, issued.hash, issued.expiresAt);
  return issued.token;
}

/**
 * Spends a link token (constant-time match, expiry, once under the per-token lock) and returns
 * its user as it was, pending email and provider included; 400 INVALID_OR_EXPIRED_TOKEN otherwise.
 */
export function consumeLinkToken<U extends BaseUser>(
  guard: OneTimeGuard,
  users: LinkTokenStore<U>,
  token: string,
): Promise<U> {
  return consumeOneTimeToken(guard, token, {
    find: (hash) => users.findByAccountLinkToken(hash),
    storedHash: (u) => u.accountLinkToken,
    expiry: (u) => u.accountLinkTokenExpiry,
    clear: (u) => users.updateAccountLinkToken(u.id, null, null, null, null),
  });
}
