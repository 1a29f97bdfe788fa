import type { ITwoFactorStore } from '../two-factor';

/** Second-factor state in process memory (one instance only). */
export class InMemoryTwoFactorStore implements ITwoFactorStore {
  private readonly lastStep = new Map<string, number>();
  private readonly recoveryCodes = new Map<string, Set<string>>();
  private readonly used = new Map<string, number>();

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
  async clearUser(userId: string) {
    this.lastStep.delete(userId);
    this.recoveryCodes.delete(userId);
  }
}
