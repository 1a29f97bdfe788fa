import { AuthError } from '../../core/errors';
import type { RouterContext } from '../../router/context';
import type { BaseUser } from '../../stores/user';
import { AuthEventNames } from '../../core/events';
import { generateRecoveryCodes, hashRecoveryCode, legacyRecoveryCodeHash } from './recovery-codes';
import type { TotpSecretBox } from './secret-box';
import { openStoredSecret } from './stored-secret';
import type { TotpStrategy } from './strategy';

/** What a request offers as proof of the second factor: one of the two. */
export interface TotpProof {
  totpCode?: string;
  recoveryCode?: string;
}

const invalidCode = () => new AuthError('Invalid two-factor code', 'INVALID_2FA_CODE', 401);

/**
 * The checks every TOTP endpoint shares: a code from the app (accepted once per time step),
 * or a recovery code (accepted once, ever).
 */
export class TotpFactor {
  constructor(
    private readonly ctx: RouterContext,
    private readonly strategy: TotpStrategy,
    private readonly box: TotpSecretBox,
  ) {}

  /** True when the user has a TOTP secret and 2FA switched on. */
  isEnabled(user: BaseUser): boolean {
    return user.isTotpEnabled === true && !!user.totpSecret;
  }

  /** Throws 400 2FA_NOT_ENABLED unless the user has TOTP switched on. */
  assertEnabled(user: BaseUser): void {
    if (!this.isEnabled(user)) {
      throw new AuthError('Two-factor authentication is not enabled', '2FA_NOT_ENABLED', 400);
    }
  }

  /** Checks whichever proof was given; throws 401 INVALID_2FA_CODE when it fails. */
  async check(user: BaseUser, proof: TotpProof): Promise<void> {
    this.assertEnabled(user);
    if (proof.recoveryCode !== undefined) return this.checkRecoveryCode(user, proof.recoveryCode);
    return this.checkCode(user, proof.totpCode ?? '');
  }

  /**
   * A code from the authenticator app, ±1 step of drift. Its time step must be later than the
   * last one accepted for this user, so a code (drifted or not) works once (RFC 6238 §5.2).
   */
  async checkCode(user: BaseUser, code: string): Promise<void> {
    this.assertEnabled(user);
    const opened = openStoredSecret(this.box, user.totpSecret!, user.id);
    if (opened === null) {
      // Recovery codes still work: their hashes do not depend on the key.
      this.ctx.config.logger.error(
        'TOTP secret cannot be decrypted (accessTokenSecret rotated, or the value was not written by keyward)',
        { userId: user.id },
      );
      throw invalidCode();
    }
    await this.acceptCode(user.id, code, opened.secret);
    if (opened.plain) await this.resealPlain(user, opened.secret);
  }

  /**
   * A secret another SDK stored in plain text has just proved itself with a code: store it
   * sealed from now on. The user is re-read first, so a concurrent disable (secret cleared) is
   * not undone. A failed write only postpones the sealing to the next code.
   */
  private async resealPlain(user: BaseUser, secret: string): Promise<void> {
    const { users, config } = this.ctx;
    try {
      const fresh = await users.findById(user.id);
      if (fresh?.totpSecret !== user.totpSecret || !users.updateTotpSecret) return;
      await users.updateTotpSecret(user.id, this.box.seal(secret, user.id));
    } catch (err) {
      config.logger.warn('plain-text TOTP secret not re-sealed; retried on the next code', {
        userId: user.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /**
   * Accepts `code` for `secret` (stored or, during setup, not yet) once: it must match within
   * the drift window, and its step is recorded, so the same code cannot be used again.
   */
  async acceptCode(userId: string, code: string, secret: string): Promise<void> {
    const step = this.strategy.matchStep(code, secret);
    if (step === null || !(await this.ctx.twoFactor.recordTotpStep(userId, step))) {
      throw invalidCode();
    }
  }

  /**
   * A recovery code; consumed atomically, so it works once. A use is published and mailed to
   * the user: a code that signs in is either the owner without their phone or someone holding
   * the paper, and the owner should hear of it.
   */
  async checkRecoveryCode(user: BaseUser, code: string): Promise<void> {
    const { twoFactor } = this.ctx;
    const consumed =
      (await twoFactor.consumeRecoveryCode(user.id, this.hashCode(code))) ||
      (await twoFactor.consumeRecoveryCode(user.id, legacyRecoveryCodeHash(code)));
    if (!consumed) throw invalidCode();
    const remaining = await twoFactor.countRecoveryCodes(user.id);
    this.ctx.bus?.publish(AuthEventNames.USER_2FA_RECOVERY_CODE_USED, {
      userId: user.id,
      data: { remaining },
    });
    if (this.ctx.mail.canSend('sendRecoveryCodeUsed')) {
      this.ctx.afterResponse('recovery code notice not sent', () =>
        this.ctx.mail.send('sendRecoveryCodeUsed', user.email, { remaining }),
      );
    }
  }

  /** Replaces the user's recovery codes with fresh ones and returns them (shown once). */
  async issueRecoveryCodes(userId: string): Promise<string[]> {
    const codes = generateRecoveryCodes();
    await this.ctx.twoFactor.replaceRecoveryCodes(
      userId,
      codes.map((c) => this.hashCode(c)),
    );
    return codes;
  }

  private hashCode(code: string): string {
    return hashRecoveryCode(this.ctx.config.recoveryCodeKey, code);
  }

  /** Encrypts a secret for the user record. */
  seal(secret: string, userId: string): string {
    return this.box.seal(secret, userId);
  }
}
