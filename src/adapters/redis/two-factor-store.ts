import type { ITwoFactorStore, SmsCodeIssue } from '../../stores/two-factor';
import { DEFAULT_KEY_PREFIX, type RedisKeyOptions, type RedisLike } from './client';
import { guarded } from './errors';
import {
  CLAIM_SMS_ATTEMPT,
  CONSUME_SMS_CODE,
  RAISE_TOTP_STEP,
  REPLACE_SET,
  SAVE_SMS_CODE,
} from './scripts';

/**
 * Second-factor state in Redis, shared by every instance of the app. Layout (under the key
 * prefix):
 * - `totp-step:<userId>`: the last accepted TOTP time step, raised by a compare-and-raise script;
 * - `recovery-codes:<userId>`: a set of recovery-code hashes; SREM returning 1 is the one use;
 * - `sms:<userId>`: a hash with the pending SMS code's hash, expiry, attempts and resend time,
 *   changed only by scripts (save, claim an attempt, consume), so each step is atomic;
 * - `used-id:<id>`: a one-time id, written with `SET … PX … NX`, so only the first use sets
 *   it and Redis forgets it when it expires.
 * Every method rejects with STORE_UNAVAILABLE (503) when Redis cannot be reached.
 */
export class RedisTwoFactorStore implements ITwoFactorStore {
  private readonly prefix: string;

  constructor(
    private readonly client: RedisLike,
    options: RedisKeyOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  recordTotpStep(userId: string, step: number): Promise<boolean> {
    return guarded(async () => {
      if (!Number.isSafeInteger(step)) throw new RangeError(`Not a TOTP time step: ${step}`);
      const reply = await RAISE_TOTP_STEP.run(this.client, [this.stepKey(userId)], [String(step)]);
      return Number(reply) === 1;
    });
  }

  replaceRecoveryCodes(userId: string, codeHashes: string[]): Promise<void> {
    return guarded(async () => {
      await REPLACE_SET.run(this.client, [this.codesKey(userId)], codeHashes);
    });
  }

  consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    return guarded(async () => (await this.client.srem(this.codesKey(userId), codeHash)) === 1);
  }

  countRecoveryCodes(userId: string): Promise<number> {
    return guarded(async () => Number(await this.client.scard(this.codesKey(userId))));
  }

  markUsed(id: string, expiresAt: Date): Promise<boolean> {
    return guarded(async () => {
      // PX takes whole milliseconds, at least one: an id already past its expiry is kept for a
      // moment rather than refused by Redis.
      const ttl = Math.max(1, Math.ceil(expiresAt.getTime() - Date.now()));
      if (!Number.isFinite(ttl)) throw new TypeError('markUsed needs a valid expiresAt');
      return (await this.client.set(this.usedKey(id), '1', 'PX', ttl, 'NX')) === 'OK';
    });
  }

  saveSmsCode(userId: string, issue: SmsCodeIssue): Promise<boolean> {
    return guarded(async () => {
      const args = [
        Date.now(),
        issue.codeHash,
        issue.expiresAt.getTime(),
        issue.resendAt.getTime(),
      ];
      const reply = await SAVE_SMS_CODE.run(this.client, [this.smsKey(userId)], args.map(String));
      return Number(reply) === 1;
    });
  }

  claimSmsAttempt(userId: string, maxAttempts: number): Promise<string | null> {
    return guarded(async () => {
      const args = [String(Date.now()), String(maxAttempts)];
      const reply = await CLAIM_SMS_ATTEMPT.run(this.client, [this.smsKey(userId)], args);
      return typeof reply === 'string' ? reply : null;
    });
  }

  consumeSmsCode(userId: string, codeHash: string): Promise<boolean> {
    return guarded(async () => {
      const reply = await CONSUME_SMS_CODE.run(this.client, [this.smsKey(userId)], [codeHash]);
      return Number(reply) === 1;
    });
  }

  clearUser(userId: string): Promise<void> {
    return guarded(async () => {
      await this.client.del(this.stepKey(userId), this.codesKey(userId), this.smsKey(userId));
    });
  }

  private smsKey(userId: string): string {
    return `${this.prefix}sms:${userId}`;
  }

  private stepKey(userId: string): string {
    return `${this.prefix}totp-step:${userId}`;
  }

  private codesKey(userId: string): string {
    return `${this.prefix}recovery-codes:${userId}`;
  }

  private usedKey(id: string): string {
    return `${this.prefix}used-id:${id}`;
  }
}
