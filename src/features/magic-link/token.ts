import { issueOneTimeToken } from '../../core/secrets';
import type { MailDispatcher } from '../../mail/mail-dispatcher';
import type { BaseUser, IUserStore } from '../../stores/user';
import { consumeOneTimeToken, linkWithToken, type OneTimeGuard } from '../one-time-tokens';
import { MAGIC_LINK_TTL_SECONDS } from './options';

/** The two user-store methods magic links need. */
export type MagicLinkStore<U extends BaseUser = BaseUser> = IUserStore<U> &
  Required<Pick<IUserStore<U>, 'updateMagicLinkToken' | 'findByMagicLinkToken'>>;

/** True when the store can keep and look up magic-link tokens. */
export function supportsMagicLinks<U extends BaseUser>(
  users: IUserStore<U>,
): users is MagicLinkStore<U> {
  return (
    typeof users.updateMagicLinkToken === 'function' &&
    typeof users.findByMagicLinkToken === 'function'
  );
}

/**
 * Gives `userId` a fresh link token (256 bits from the CSPRNG) and stores only its SHA-256.
 * Overwrites any earlier token, so only the newest link works. Returns the token for the link.
 */
export async function issueMagicLinkToken(users: MagicLinkStore, userId: string): Promise<string> {
  const issued = issueOneTimeToken(MAGIC_LINK_TTL_SECONDS);
  await users.updateMagicLinkToken(userId, issued.hash, issued.expiresAt);
  return issued.token;
}

/**
 * Mails `user` a link `${base}${path}?token=…` with a fresh token (only the newest link works),
 * in `lang` when given; the router and MagicLinkStrategy both send through it.
 */
export async function mailMagicLink(
  mail: MailDispatcher,
  users: MagicLinkStore,
  user: BaseUser,
  link: { base: string; path: string; lang?: string },
): Promise<void> {
  const token = await issueMagicLinkToken(users, user.id);
  const url = linkWithToken(link.base, link.path, token);
  await mail.send('sendMagicLink', user.email, token, url, link.lang);
}

/**
 * Spends a link token (constant-time match, expiry, single use under the per-token lock) and
 * returns its user; throws 400 INVALID_OR_EXPIRED_TOKEN otherwise.
 */
export function consumeMagicLinkToken<U extends BaseUser>(
  guard: OneTimeGuard,
  users: MagicLinkStore<U>,
  token: string,
): Promise<U> {
  return consumeOneTimeToken(guard, token, {
    find: (hash) => users.findByMagicLinkToken(hash),
    storedHash: (u) => u.magicLinkToken,
    expiry: (u) => u.magicLinkTokenExpiry,
    clear: (u) => users.updateMagicLinkToken(u.id, null, null),
  });
}

/**
 * The link reached the user's inbox, so the address is theirs: marks it verified when it was
 * not yet (when the store can). `newly` is true when this call recorded it.
 */
export async function markEmailVerified<U extends BaseUser>(
  users: IUserStore<U>,
  user: U,
): Promise<{ user: U; newly: boolean }> {
  if (user.isEmailVerified === true) return { user, newly: false };
  const verified = { ...user, isEmailVerified: true };
  // A store that cannot record it still gets a user whose address this sign-in has proven.
  if (!users.updateEmailVerified) return { user: verified, newly: false };
  await users.updateEmailVerified(user.id, true);
  return { user: verified, newly: true };
}
