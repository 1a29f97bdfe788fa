import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Updateable } from 'kysely';
import { AuthError } from '../../core/errors';
import type { BaseUser, IUserStore, ListUsersOptions } from '../../stores/user';
import { toCount } from './codec';
import { containsText, paging, type SqlContext } from './dialect';
import { classifySqlError } from './errors';
import type { SqlDatabase, UsersTable } from './schema';
import { newUserRow, rowToUser, userColumns } from './user-mapping';

type TokenColumn =
  | 'reset_token'
  | 'email_verification_token'
  | 'email_change_token'
  | 'magic_link_token'
  | 'account_link_token';

/**
 * Duplicate emails answer 409 EMAIL_IN_USE rather than a driver error: an `onRegister` that
 * races another registration then gets the same answer as one that checked first, and the
 * change-email confirmation that loses a race is refused cleanly.
 */
const emailInUse = () => new AuthError('This email address is already in use', 'EMAIL_IN_USE', 409);

async function read<U extends BaseUser>(
  ctx: SqlContext,
  column: 'id' | 'email_lower' | TokenColumn,
  value: string,
): Promise<U | null> {
  const row = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where(column, '=', value)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return row ? rowToUser<U>(row) : null;
}

async function patch(ctx: SqlContext, userId: string, changes: Partial<BaseUser>): Promise<void> {
  await ctx.db
    .updateTable('users')
    .set(userColumns(changes) as Updateable<UsersTable>)
    .where('id', '=', userId)
    .execute();
}

async function emailTaken(ctx: SqlContext, email: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('email_lower', '=', email.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * {@link IUserStore} with every optional method. Private helpers live outside the class: every
 * method of a store is wrapped for error mapping (errors.ts), and only the interface belongs there.
 */
export class SqlUserStore<U extends BaseUser = BaseUser> implements Required<IUserStore<U>> {
  constructor(private readonly ctx: SqlContext) {}

  async findByEmail(email: string): Promise<U | null> {
    return read<U>(this.ctx, 'email_lower', email.toLowerCase());
  }
  async findById(id: string): Promise<U | null> {
    return read<U>(this.ctx, 'id', id);
  }
  async create(data: Partial<U>): Promise<U> {
    if (typeof data.email !== 'string') throw new TypeError('SqlUserStore.create needs an email');
    const row = newUserRow(data, data.id ?? randomUUID());
    try {
      await this.ctx.db.insertInto('users').values(row).execute();
    } catch (err) {
      if (classifySqlError(err) === 'duplicate' && (await emailTaken(this.ctx, data.email))) {
        throw emailInUse();
      }
      throw err;
    }
    return rowToUser<U>(row);
  }
  async updateRefreshToken(userId: string, token: string | null, expiry: Date | null) {
    await patch(this.ctx, userId, { refreshToken: token, refreshTokenExpiry: expiry });
  }
  async updateResetToken(userId: string, tokenHash: string | null, expiry: Date | null) {
    await patch(this.ctx, userId, { resetToken: tokenHash, resetTokenExpiry: expiry });
  }
  async updatePassword(userId: string, hashedPassword: string | null) {
    await patch(this.ctx, userId, { password: hashedPassword });
  }
  async findByResetToken(tokenHash: string) {
    return read<U>(this.ctx, 'reset_token', tokenHash);
  }
  async updateEmailVerificationToken(
    userId: string,
    tokenHash: string | null,
    expiry: Date | null,
  ) {
    await patch(this.ctx, userId, {
      emailVerificationToken: tokenHash,
      emailVerificationTokenExpiry: expiry,
    });
  }
  async updateEmailVerified(userId: string, isVerified: boolean) {
    await patch(this.ctx, userId, { isEmailVerified: isVerified });
  }
  async findByEmailVerificationToken(tokenHash: string) {
    return read<U>(this.ctx, 'email_verification_token', tokenHash);
  }
  async updateEmailChangeToken(
    userId: string,
    pendingEmail: string | null,
    tokenHash: string | null,
    expiry: Date | null,
  ) {
    await patch(this.ctx, userId, {
      pendingEmail,
      emailChangeToken: tokenHash,
      emailChangeTokenExpiry: expiry,
    });
  }
  /** Refuses (409 EMAIL_IN_USE) an address another user holds, in any case. */
  async updateEmail(userId: string, newEmail: string) {
    try {
      await patch(this.ctx, userId, { email: newEmail });
    } catch (err) {
      if (classifySqlError(err) === 'duplicate') throw emailInUse();
      throw err;
    }
  }
  async findByEmailChangeToken(tokenHash: string) {
    return read<U>(this.ctx, 'email_change_token', tokenHash);
  }
  async updateTotpSecret(userId: string, secret: string | null) {
    await patch(this.ctx, userId, { totpSecret: secret, isTotpEnabled: secret !== null });
  }
  async updateMagicLinkToken(userId: string, tokenHash: string | null, expiry: Date | null) {
    await patch(this.ctx, userId, { magicLinkToken: tokenHash, magicLinkTokenExpiry: expiry });
  }
  async findByMagicLinkToken(tokenHash: string) {
    return read<U>(this.ctx, 'magic_link_token', tokenHash);
  }
  async updateSmsCode(userId: string, codeHash: string | null, expiry: Date | null) {
    await patch(this.ctx, userId, { smsCode: codeHash, smsCodeExpiry: expiry });
  }
  async findByProviderAccount(provider: string, providerAccountId: string) {
    const row = await this.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('login_provider', '=', provider)
      .where('provider_account_id', '=', providerAccountId)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    return row ? rowToUser<U>(row) : null;
  }
  async updateAccountLinkToken(
    userId: string,
    pendingEmail: string | null,
    pendingProvider: string | null,
    tokenHash: string | null,
    expiry: Date | null,
  ) {
    await patch(this.ctx, userId, {
      accountLinkPendingEmail: pendingEmail,
      accountLinkPendingProvider: pendingProvider,
      accountLinkToken: tokenHash,
      accountLinkTokenExpiry: expiry,
    });
  }
  async findByAccountLinkToken(tokenHash: string) {
    return read<U>(this.ctx, 'account_link_token', tokenHash);
  }
  /** In insertion order; `filter` is a case-insensitive substring of email, first or last name. */
  async listUsers(options: ListUsersOptions = {}) {
    const { limit, offset } = paging(options);
    const rows = await this.ctx.db
      .selectFrom('users')
      .selectAll()
      .$call((q) => (options.filter ? q.where(matching(this.ctx, options.filter)) : q))
      .orderBy('seq')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => rowToUser<U>(row));
  }
  async countUsers(filter?: string) {
    const row = await this.ctx.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .$call((q) => (filter ? q.where(matching(this.ctx, filter)) : q))
      .executeTakeFirst();
    return toCount(row?.n);
  }
  /**
   * Removes the user and everything keyed by them (sessions, role assignments, tenant
   * memberships, metadata, linked accounts, pending links for their email, TOTP step,
   * recovery codes and SMS code) in one transaction: all of it goes, or none of it.
   */
  async deleteUser(userId: string) {
    await this.ctx.db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select('email_lower')
        .where('id', '=', userId)
        .executeTakeFirst();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
      await trx.deleteFrom('tenant_members').where('user_id', '=', userId).execute();
      await trx.deleteFrom('user_metadata').where('user_id', '=', userId).execute();
      await trx.deleteFrom('linked_accounts').where('user_id', '=', userId).execute();
      await trx.deleteFrom('totp_steps').where('user_id', '=', userId).execute();
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await trx.deleteFrom('sms_codes').where('user_id', '=', userId).execute();
      if (user) {
        await trx.deleteFrom('pending_links').where('email_lower', '=', user.email_lower).execute();
      }
      await trx.deleteFrom('users').where('id', '=', userId).execute();
    });
  }
}

/** The admin filter over the lower-cased copies (lower-cased in JavaScript on both sides). */
function matching(ctx: SqlContext, filter: string) {
  const needle = filter.toLowerCase();
  return (eb: ExpressionBuilder<SqlDatabase, 'users'>) =>
    eb.or([
      containsText(ctx, 'email_lower', needle),
      containsText(ctx, 'first_name_lower', needle),
      containsText(ctx, 'last_name_lower', needle),
    ]);
}
