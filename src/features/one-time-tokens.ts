import { AuthError } from '../core/errors';
import { hashToken, tokenMatchesHash } from '../core/secrets';
import type { RouterContext } from '../router/context';
import type { BaseUser } from '../stores/user';

/** How one kind of one-time token is stored on the user record. */
export interface OneTimeTokenField<U extends BaseUser = BaseUser> {
  find(tokenHash: string): Promise<U | null>;
  storedHash(user: U): string | null | undefined;
  expiry(user: U): Date | null | undefined;
  clear(user: U): Promise<void>;
}

const INVALID = () =>
  new AuthError('This link is invalid or has expired', 'INVALID_OR_EXPIRED_TOKEN', 400);

/**
 * Spends a one-time token: looks the user up by the token's hash, checks it in constant time
 * and against its expiry, and clears it, all under a per-token lock so two concurrent uses
 * cannot both succeed. Throws 400 INVALID_OR_EXPIRED_TOKEN otherwise.
 */
export async function consumeOneTimeToken<U extends BaseUser>(
  ctx: Pick<RouterContext, 'oneTime'>,
  token: string,
  field: OneTimeTokenField<U>,
): Promise<U> {
  const hash = hashToken(token);
  return ctx.oneTime.run(hash, async () => {
    const user = await field.find(hash);
    if (!user || !tokenMatchesHash(token, field.storedHash(user))) throw INVALID();
    const expiry = field.expiry(user);
    if (!expiry || new Date(expiry).getTime() <= Date.now()) {
      await field.clear(user);
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
