import { asResolvedConfig } from '../../core/config/resolve';
import type { ResolvedConfig } from '../../core/config/resolved';
import type { AuthConfig } from '../../core/config/types';
import { InMemoryTwoFactorStore } from '../../stores/in-memory/in-memory-two-factor-store';
import type { ITwoFactorStore } from '../../stores/two-factor';
import type { BaseUser, IUserStore } from '../../stores/user';
import { checkSmsCode, sendSmsCode, smsSettings } from './code';
import { SMS_CODE_PATTERN } from './options';

/** Options of {@link SmsStrategy}. */
export interface SmsStrategyOptions {
  /**
   * Where codes, attempt counts and resend times live. Default: process memory, which is right
   * for one instance only; several instances need a shared store (keyward/sql, keyward/redis).
   */
  twoFactorStore?: ITwoFactorStore;
  /** Used by `verify` when it is not given a configuration. */
  config?: AuthConfig | ResolvedConfig;
}

/**
 * SMS codes without the router. `sendCode` texts a fresh 6-digit code to `phone` (429
 * SMS_RESEND_TOO_SOON within the resend interval); `verify` resolves true once for the right
 * code, and false for a wrong, expired or used one, or after `sms.maxAttempts` wrong tries.
 */
export class SmsStrategy {
  readonly name = 'sms';
  private readonly store: ITwoFactorStore;

  constructor(private readonly options: SmsStrategyOptions = {}) {
    this.store = options.twoFactorStore ?? new InMemoryTwoFactorStore();
  }

  async sendCode<U extends BaseUser>(
    phone: string,
    userId: string,
    _userStore: IUserStore<U>,
    config: AuthConfig | ResolvedConfig,
  ): Promise<void> {
    await sendSmsCode(this.store, smsSettings(asResolvedConfig(config)), userId, phone);
  }

  /** The user store is accepted for compatibility; the code lives in the two-factor store. */
  async verify<U extends BaseUser>(
    userId: string,
    code: string,
    _userStore?: IUserStore<U>,
    config?: AuthConfig | ResolvedConfig,
  ): Promise<boolean> {
    const given = config ?? this.options.config;
    if (!given) throw new TypeError('SmsStrategy.verify needs a config (argument or constructor)');
    if (!SMS_CODE_PATTERN.test(code)) return false;
    return checkSmsCode(this.store, smsSettings(asResolvedConfig(given)), userId, code);
  }
}
