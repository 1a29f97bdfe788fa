import { AuthError } from '../../core/errors';
import type { RouterContext } from '../../router/context';
import type { BaseUser } from '../../stores/user';

/**
 * After a successful password login: when the stored hash is of an older scheme or cost (bare
 * bcrypt, a lower cost, other argon2id parameters), store the current hash of the password just
 * verified. This is the only moment keyward has the plain password, so old hashes move to the
 * current scheme one login at a time. A failure is logged and never fails the login; the next
 * login tries again.
 */
export async function upgradePasswordHash(
  ctx: RouterContext,
  user: BaseUser,
  password: string,
): Promise<void> {
  if (!user.password) return;
  try {
    const hash = await ctx.passwords.rehash(password, user.password);
    if (hash !== null) await ctx.users.updatePassword(user.id, hash);
  } catch (err) {
    // Busy: nothing is wrong, the hash is upgraded on a quieter login.
    if (err instanceof AuthError && err.code === 'SERVER_BUSY') return;
    ctx.config.logger.warn('login: could not upgrade the stored password hash', err);
  }
}
