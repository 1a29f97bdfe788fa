import { randomUUID } from 'node:crypto';
import type { BaseUser, IUserStore, ListUsersOptions } from '../user';

type TokenField =
  | 'resetToken'
  | 'emailVerificationToken'
  | 'emailChangeToken'
  | 'magicLinkToken'
  | 'accountLinkToken';

/**
 * A complete {@link IUserStore} held in process memory, for tests, demos and prototypes.
 * Records are copied in and out, so callers never mutate the stored state by accident.
 */
export class InMemoryUserStore<U extends BaseUser = BaseUser> implements IUserStore<U> {
  private readonly users = new Map<string, U>();
  private readonly idByEmail = new Map<string, string>();

  async findByEmail(email: string): Promise<U | null> {
    const id = this.idByEmail.get(email.toLowerCase());
    return id ? this.read(id) : null;
  }

  async findById(id: string): Promise<U | null> {
    return this.read(id);
  }

  async create(data: Partial<U>): Promise<U> {
    if (typeof data.email !== 'string')
      throw new TypeError('InMemoryUserStore.create needs an email');
    const key = data.email.toLowerCase();
    if (this.idByEmail.has(key)) throw new Error(`A user with email ${data.email} already exists`);
    const user = {
      createdAt: new Date(),
      ...structuredClone(data),
      id: data.id ?? randomUUID(),
    } as U;
    this.users.set(user.id, user);
    this.idByEmail.set(key, user.id);
    return structuredClone(user);
  }

  async updateRefreshToken(userId: string, token: string | null, expiry: Date | null) {
    this.patch(userId, { refreshToken: token, refreshTokenExpiry: expiry } as Partial<U>);
  }
  async updateResetToken(userId: string, tokenHash: string | null, expiry: Date | null) {
    this.patch(userId, { resetToken: tokenHash, resetTokenExpiry: expiry } as Partial<U>);
  }
  async updatePassword(userId: string, hashedPassword: string | null) {
    this.patch(userId, { password: hashedPassword } as Partial<U>);
  }
  async findByResetToken(tokenHash: string) {
    return this.findByToken('resetToken', tokenHash);
  }
  async updateEmailVerificationToken(
    userId: string,
    tokenHash: string | null,
    expiry: Date | null,
  ) {
    this.patch(userId, {
      emailVerificationToken: tokenHash,
      emailVerificationTokenExpiry: expiry,
    } as Partial<U>);
  }
  async updateEmailVerified(userId: string, isVerified: boolean) {
    this.patch(userId, { isEmailVerified: isVerified } as Partial<U>);
  }
  async findByEmailVerificationToken(tokenHash: string) {
    return this.findByToken('emailVerificationToken', tokenHash);
  }
  async updateEmailChangeToken(
    userId: string,
    pendingEmail: string | null,
    tokenHash: string | null,
    expiry: Date | null,
  ) {
    this.patch(userId, {
      pendingEmail,
      emailChangeToken: tokenHash,
      emailChangeTokenExpiry: expiry,
    } as Partial<U>);
  }
  async updateEmail(userId: string, newEmail: string) {
    const user = this.users.get(userId);
    if (!user) return;
    const key = newEmail.toLowerCase();
    const holder = this.idByEmail.get(key);
    if (holder && holder !== userId)
      throw new Error(`A user with email ${newEmail} already exists`);
    this.idByEmail.delete(user.email.toLowerCase());
    this.idByEmail.set(key, userId);
    user.email = newEmail;
  }
  async findByEmailChangeToken(tokenHash: string) {
    return this.findByToken('emailChangeToken', tokenHash);
  }
  async updateTotpSecret(userId: string, secret: string | null) {
    this.patch(userId, { totpSecret: secret, isTotpEnabled: secret !== null } as Partial<U>);
  }
  async updateMagicLinkToken(userId: string, tokenHash: string | null, expiry: Date | null) {
    this.patch(userId, { magicLinkToken: tokenHash, magicLinkTokenExpiry: expiry } as Partial<U>);
  }
  async findByMagicLinkToken(tokenHash: string) {
    return this.findByToken('magicLinkToken', tokenHash);
  }
  async updateSmsCode(userId: string, codeHash: string | null, expiry: Date | null) {
    this.patch(userId, { smsCode: codeHash, smsCodeExpiry: expiry } as Partial<U>);
  }
  async findByProviderAccount(provider: string, providerAccountId: string) {
    for (const user of this.users.values()) {
      if (user.loginProvider === provider && user.providerAccountId === providerAccountId) {
        return structuredClone(user);
      }
    }
    return null;
  }
  async updateAccountLinkToken(
    userId: string,
    pendingEmail: string | null,
    pendingProvider: string | null,
    tokenHash: string | null,
    expiry: Date | null,
  ) {
    this.patch(userId, {
      accountLinkPendingEmail: pendingEmail,
      accountLinkPendingProvider: pendingProvider,
      accountLinkToken: tokenHash,
      accountLinkTokenExpiry: expiry,
    } as Partial<U>);
  }
  async findByAccountLinkToken(tokenHash: string) {
    return this.findByToken('accountLinkToken', tokenHash);
  }
  async listUsers(options: ListUsersOptions = {}) {
    const { limit = 50, offset = 0 } = options;
    return this.filtered(options.filter)
      .slice(offset, offset + limit)
      .map((u) => structuredClone(u));
  }
  async countUsers(filter?: string) {
    return this.filtered(filter).length;
  }
  async deleteUser(userId: string) {
    const user = this.users.get(userId);
    if (!user) return;
    this.users.delete(userId);
    this.idByEmail.delete(user.email.toLowerCase());
  }

  private filtered(filter?: string): U[] {
    const all = [...this.users.values()];
    if (!filter) return all;
    const needle = filter.toLowerCase();
    return all.filter((u) =>
      [u.email, u.firstName, u.lastName].some((v) => v?.toLowerCase().includes(needle)),
    );
  }

  private read(id: string): U | null {
    const user = this.users.get(id);
    return user ? structuredClone(user) : null;
  }

  private patch(userId: string, changes: Partial<U>): void {
    const user = this.users.get(userId);
    if (user) Object.assign(user, structuredClone(changes));
  }

  private findByToken(field: TokenField, value: string): U | null {
    for (const user of this.users.values()) {
      if (user[field] === value) return structuredClone(user);
    }
    return null;
  }
}
