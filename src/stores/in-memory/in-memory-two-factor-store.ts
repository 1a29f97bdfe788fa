import type { ITwoFactorStore, SmsCodeIssue } from '../two-factor';

interface SmsState extends SmsCodeIssue {
  attempts: number;
  spent: boolean;
}

/** Second-factor state in process memory (one instance only). */
export class InMemoryTwoFactorStore implements ITwoFactorStore {
  private readonly lastStep = new Map<string, number>();
  private readonly recoveryCodes = new Map<string, Set<string>>();
  private readonly used = new Map<string, number>();
  private readonly sms = new Map<string, SmsState>();

  async recordTotpStep(userId: string, step: number) {
    // Compare and write in one synchronous step, so concurrent calls cannot both win.
    if ((this.lastStep.get(userId) ?? -Infinity) >= step) return false;
    this.lastStep.set(userId, step);
    return true;
  }
  async replaceRecoveryCodes(userId: string, codeHashes: string[]) {
    this.recoveryCodes.set(userId, new Set(codeHashes));
  }
  async consumeRecoveryCode(userId: string, codeHash: string) {
    return this.recoveryCodes.get(userId)?.delete(codeHash) ?? false;
  }
  async countRecoveryCodes(userId: string) {
    return this.recoveryCodes.get(userId)?.size ?? 0;
  }
  async markUsed(id: string, expiresAt: Date) {
    const now = Date.now();
    for (const [key, until] of this.used) if (until <= now) this.used.delete(key);
    if (this.used.has(id)) return false;
    this.used.set(id, expiresAt.getTime());
    return true;
  }
  // Each SMS method reads and writes without awaiting in between, so calls cannot interleave.
  async saveSmsCode(userId: string, issue: SmsCodeIssue) {
    const current = this.sms.get(userId);
    if (current && current.resendAt.getTime() > Date.now()) return false;
    this.sms.set(userId, { ...issue, attempts: 0, spent: false });
    return true;
  }
  async claimSmsAttempt(userId: string, maxAttempts: number) {
    const state = this.sms.get(userId);
    if (!state || state.spent || state.expiresAt.getTime() <= Date.now()) return null;
    if (state.attempts >= maxAttempts) return null;
    state.attempts += 1;
    return state.codeHash;
  }
  async consumeSmsCode(userId: string, codeHash: string) {
    const state = this.sms.get(userId);
    if (!state || state.spent || state.codeHash !== codeHash) return false;
    state.spent = true;
    return true;
  }
  async clearUser(userId: string) {
    this.lastStep.delete(userId);
    this.recoveryCodes.delete(userId);
    this.sms.delete(userId);
  }
}
