/**
 * The user record keyward reads and writes through {@link IUserStore}. Token fields hold
 * SHA-256 hashes of the tokens handed to users, never the tokens themselves.
 */
export interface BaseUser {
  id: string;
  email: string;
  /** bcrypt hash (`$2a$`/`$2b$`); absent for accounts that sign in another way. */
  password?: string | null;
  role?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  /** How the account was created: `'local'` (default), `'google'`, `'magic-link'`, … */
  loginProvider?: string | null;
  /** Opaque refresh state keyward keeps when no session store is configured. */
  refreshToken?: string | null;
  refreshTokenExpiry?: Date | null;
  resetToken?: string | null;
  resetTokenExpiry?: Date | null;
  totpSecret?: string | null;
  isTotpEnabled?: boolean;
  isEmailVerified?: boolean;
  magicLinkToken?: string | null;
  magicLinkTokenExpiry?: Date | null;
  smsCode?: string | null;
  smsCodeExpiry?: Date | null;
  phoneNumber?: string | null;
  require2FA?: boolean;
  emailVerificationToken?: string | null;
  emailVerificationTokenExpiry?: Date | null;
  /** Lazy verification mode: after this instant login needs a verified email. */
  emailVerificationDeadline?: Date | null;
  pendingEmail?: string | null;
  emailChangeToken?: string | null;
  emailChangeTokenExpiry?: Date | null;
  accountLinkToken?: string | null;
  accountLinkTokenExpiry?: Date | null;
  accountLinkPendingEmail?: string | null;
  accountLinkPendingProvider?: string | null;
  providerAccountId?: string | null;
  createdAt?: Date;
}

/** Paging and filtering for listings (admin panel, exports). */
export interface ListUsersOptions {
  limit?: number;
  offset?: number;
  /** Case-insensitive substring of email or name. */
  filter?: string;
}

/**
 * The one coupling point to your database. Only the first six methods are needed for
 * password sign-in; the optional ones switch on the flows that use them.
 * Email look-ups must be case-insensitive while the stored email keeps its case.
 */
export interface IUserStore<U extends BaseUser = BaseUser> {
  findByEmail(email: string): Promise<U | null>;
  findById(id: string): Promise<U | null>;
  create(data: Partial<U>): Promise<U>;
  updateRefreshToken(userId: string, token: string | null, expiry: Date | null): Promise<void>;
  updateResetToken(userId: string, tokenHash: string | null, expiry: Date | null): Promise<void>;
  /** `null` removes the password (an account claimed by a passwordless proof, see docs/security.md). */
  updatePassword(userId: string, hashedPassword: string | null): Promise<void>;

  /** Needed by POST /reset-password. Receives the token's SHA-256 hash. */
  findByResetToken?(tokenHash: string): Promise<U | null>;
  /** Needed by email verification. */
  updateEmailVerificationToken?(
    userId: string,
    tokenHash: string | null,
    expiry: Date | null,
  ): Promise<void>;
  updateEmailVerified?(userId: string, isVerified: boolean): Promise<void>;
  findByEmailVerificationToken?(tokenHash: string): Promise<U | null>;
  /** Needed by the change-email flow. */
  updateEmailChangeToken?(
    userId: string,
    pendingEmail: string | null,
    tokenHash: string | null,
    expiry: Date | null,
  ): Promise<void>;
  updateEmail?(userId: string, newEmail: string): Promise<void>;
  findByEmailChangeToken?(tokenHash: string): Promise<U | null>;
  /** Second factors and passwordless sign-in. */
  updateTotpSecret?(userId: string, secret: string | null): Promise<void>;
  updateMagicLinkToken?(
    userId: string,
    tokenHash: string | null,
    expiry: Date | null,
  ): Promise<void>;
  findByMagicLinkToken?(tokenHash: string): Promise<U | null>;
  updateSmsCode?(userId: string, codeHash: string | null, expiry: Date | null): Promise<void>;
  /** OAuth and account linking. */
  findByProviderAccount?(provider: string, providerAccountId: string): Promise<U | null>;
  updateAccountLinkToken?(
    userId: string,
    pendingEmail: string | null,
    pendingProvider: string | null,
    tokenHash: string | null,
    expiry: Date | null,
  ): Promise<void>;
  findByAccountLinkToken?(tokenHash: string): Promise<U | null>;
  /**
   * Admin listings and account deletion. keyward calls `listUsers({ limit, offset, filter })`;
   * a store written to the reference SDK's `listUsers(limit, offset)` also fits, and the admin
   * router adapts it (docs/admin-api.md).
   */
  listUsers?(options?: ListUsersOptions | number, offset?: number): Promise<U[]>;
  countUsers?(filter?: string): Promise<number>;
  deleteUser?(userId: string): Promise<void>;
}
