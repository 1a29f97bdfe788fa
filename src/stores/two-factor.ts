/** A new SMS code as {@link ITwoFactorStore.saveSmsCode} stores it. */
export interface SmsCodeIssue {
  /** Keyed hash of the code (keyward never hands the store the code itself). */
  codeHash: string;
  /** The code works until then. */
  expiresAt: Date;
  /** No other code may replace this one before then (the resend throttle). */
  resendAt: Date;
}

/**
 * Second-factor state kept beside the user record: which TOTP time step was accepted last
 * (so a code works once), recovery codes (SHA-256 hashes), the pending SMS code with its
 * attempt counter and resend time, and one-time ids such as a temporary token's `jti` (so a
 * finished 2FA challenge cannot be replayed). The TOTP secret itself stays on the user record
 * (`IUserStore.updateTotpSecret`).
 */
export interface ITwoFactorStore {
  /**
   * Records `step` as the user's last accepted TOTP time step if it is greater than the stored
   * one; resolves true when it was. Must be atomic: two concurrent calls with the same step
   * never both win.
   */
  recordTotpStep(userId: string, step: number): Promise<boolean>;
  /** Replaces all of the user's recovery codes with these hashes. */
  replaceRecoveryCodes(userId: string, codeHashes: string[]): Promise<void>;
  /** Removes one recovery code if present; resolves true when it was (atomic, single use). */
  consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean>;
  /** How many unused recovery codes the user has. */
  countRecoveryCodes(userId: string): Promise<number>;
  /**
   * Marks a one-time id as used; resolves true the first time only (atomic). The store may
   * forget it after `expiresAt`.
   */
  markUsed(id: string, expiresAt: Date): Promise<boolean>;
  /**
   * Stores the user's SMS code, replacing the previous one and its attempt count, unless the
   * previous one's `resendAt` is still ahead; resolves true when stored. Atomic: of concurrent
   * calls at most one wins while a code is within its resend time.
   */
  saveSmsCode(userId: string, issue: SmsCodeIssue): Promise<boolean>;
  /**
   * Claims one attempt at the user's SMS code: when a code is stored, unspent, unexpired and has
   * had fewer than `maxAttempts` attempts, counts this attempt and resolves the code's hash (the
   * caller compares it); resolves null otherwise. Atomic, so concurrent guesses never get more
   * than `maxAttempts` comparisons per code between them.
   */
  claimSmsAttempt(userId: string, maxAttempts: number): Promise<string | null>;
  /** Spends the SMS code with this hash; resolves true the first time only (atomic). */
  consumeSmsCode(userId: string, codeHash: string): Promise<boolean>;
  /**
   * Forgets the user's TOTP step, recovery codes and SMS code (2FA disabled, account deleted).
   */
  clearUser(userId: string): Promise<void>;
}
