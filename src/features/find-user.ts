import { AuthError } from '../core/errors';
import type { RouterContext } from '../router/context';
import type { BaseUser, IUserStore } from '../stores/user';

/** The user with this id (e.g. the signed-in one, `req.user.sub`), or 404 USER_NOT_FOUND. */
export async function findUserOr404(
  ctx: { users: Pick<IUserStore, 'findById'> },
  id: string,
): Promise<BaseUser> {
  const user = await ctx.users.findById(id);
  if (!user) throw new AuthError('User not found', 'USER_NOT_FOUND', 404);
  return user;
}

/**
 * The user a sign-in in progress belongs to, from its temporary token (for second factors that
 * must send something before they can be answered: an SMS code, a magic link). 401 for a bad
 * token, 403 when the challenge does not offer `method`.
 */
export async function challengedUser(
  ctx: Pick<RouterContext, 'checkTempToken' | 'users'>,
  tempToken: string,
  method: string,
): Promise<BaseUser> {
  const claims = ctx.checkTempToken(tempToken, method);
  const user = await ctx.users.findById(claims.sub);
  if (!user) throw new AuthError('Invalid temporary token', 'INVALID_TEMP_TOKEN', 401);
  return user;
}
