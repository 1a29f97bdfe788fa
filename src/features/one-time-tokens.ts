import { AuthError } from '../core/errors';
import { hashToken, tokenMatchesHash } from '../core/secrets';
import type { KeyedMutex } from '../core/mutex';
import type { ITwoFactorStore } from '../stores/two-factor';
import type { BaseUser } from '../stores/user';

/** How one kind of one-time token is stored on the user record. */
export interface OneTimeTokenField<U extends BaseUser = BaseUser> {
  find(tokenHash: string): Promise<U | null>;
  storedHash(user: U): string | null | undefined;
  expiry(user: U): Date | null | undefined;
  clear(user: U): Promise<void>;
}

/**
 * What makes a token single-use: the per-token lock of this process and, when given, the
 * two-factor store, whose atomic `markUsed` also holds across processes sharing it.
 */
export interface OneTimeGuard {
  oneTime: KeyedMutex;
  twoFactor?: Pick<ITwoFactorStore, 'markUsed'>;
}

const INVALID = () =>
  new AuthError('This link is invalid or has expired', 'INVALID_OR_EXPIRED_TOKEN', 400);

/**
 * Spends a one-time token: looks the user up by the token's hash, checks it in constant time
 * and against its expiry, and clears it. Two concurrent uses cannot both succeed: within one
 * process they queue on a per-token lock; across processes the shared two-factor store's
 * `markUsed` admits only the first (the user store's find-then-clear alone could not, since two
 * processes may both find the token before either clears it). Throws 400
 * INVALID_OR_EXPIRED_TOKEN otherwise.
 */
export async function consumeOneTimeToken<U extends BaseUser>(
  guard: OneTimeGuard,
  token: string,
  field: OneTimeTokenField<U>,
): Promise<U> {
  const hash = hashToken(token);
  return guard.oneTime.run(hash, async () => {
    const user = await field.find(hash);
    if (!user || !tokenMatchesHash(token, field.storedHash(user))) throw INVALID();
    const expiry = field.expiry(user);
    const expiresAt = expiry ? new Date(expiry) : undefined;
    if (!expiresAt || expiresAt.getTime() <= Date.now()) {
      await field.clear(user);
      throw INVALID();
    }
    if (guard.twoFactor && !(await guard.twoFactor.markUsed(`ott:${hash}`, expiresAt))) {
      throw INVALID();
    }
    await field.clear(user);
    return user;
  });
}

/** The link a mail carries for a one-time token: `${base}${path}?token=…`. */
export function linkWithToken(base: string, path: string, token: string): string {
  return `${base}${path}?token=${encodeURIComponent(token)}`;
}
