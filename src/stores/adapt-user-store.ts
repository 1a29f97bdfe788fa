import {
  mentions,
  memberOf,
  pageOf,
  takesPositionalPage,
  withMethods,
  type PositionalList,
} from './paged-scan';
import type { BaseUser, IUserStore, ListUsersOptions } from './user';

/*
 * A user store written to the reference SDK's interface lists with `listUsers(limit, offset)`;
 * keyward asks `listUsers({ limit, offset, filter })`. Detected by the declared parameters (two),
 * adapted once; keyward's own shape passes through untouched. Used by the admin router and by
 * the bulk helpers that walk every user (migrateTotpSecrets), so neither silently sees nobody.
 */

/** The user store with a reference-shaped `listUsers(limit, offset)` adapted. */
export function adaptUserStore<U extends BaseUser>(users: IUserStore<U>): IUserStore<U> {
  const list = memberOf(users, 'listUsers');
  if (!takesPositionalPage(list)) return users;
  const positional: PositionalList<U> = (limit, offset) =>
    (list as PositionalList<U>).call(users, limit, offset);
  return withMethods(users, {
    listUsers: (options: ListUsersOptions = {}) => {
      const { filter } = options;
      const keep = filter
        ? (u: U) => mentions(u.email, filter) || mentions(fullName(u), filter)
        : undefined;
      return pageOf(positional, options, keep);
    },
  });
}

function fullName(user: BaseUser): string {
  return [user.firstName, user.lastName].filter(Boolean).join(' ');
}
