import { AuthError } from '../core/errors';
import type { RouterContext } from '../router/context';
import type { BaseUser } from '../stores/user';

/**
 * The user a sign-in in progress belongs to, from its temporary token (for second factors that
 * must send something before they can be answered: an SMS code, a magic link). 401 otherwise.
 */
export async function challengedUser(ctx: RouterContext, tempToken: string): Promise<BaseUser> {
  const claims = ctx.tokens.verifyTempToken(tempToken);
  const user = await ctx.users.findById(claims.sub);
  if (!user) throw new AuthError('Invalid temporary token', 'INVALID_TEMP_TOKEN', 401);
  return user;
}
