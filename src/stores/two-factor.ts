/**
 * Second-factor state kept beside the user record: which TOTP time step was accepted last
 * (so a code works once), recovery codes (SHA-256 hashes), and one-time ids such as a
 * temporary token's `jti` (so a finished 2FA challenge cannot be replayed). The TOTP secret
 * itself stays on the user record (`IUserStore.updateTotpSecret`).
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
  /** Forgets the user's TOTP step and recovery codes (2FA disabled, account deleted). */
  clearUser(userId: string): Promise<void>;
}
