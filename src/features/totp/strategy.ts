import { createGuardrails, generateSecret, generateSync, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';
import { AuthError } from '../../core/errors';
import { deriveKey } from '../../core/secrets';
import type { IUserStore } from '../../stores/user';
import {
  MIN_VERIFY_SECRET_BYTES,
  TOTP_DIGITS,
  TOTP_DRIFT_STEPS,
  TOTP_PERIOD_SECONDS,
  TOTP_SECRET_BYTES,
} from './options';
import { TotpSecretBox } from './secret-box';

/** otplib's limits, but for the 80-bit secrets older pairings hold (see the constant). */
const GUARDRAILS = createGuardrails({ MIN_SECRET_BYTES: MIN_VERIFY_SECRET_BYTES });

/** A new TOTP secret and the two ways to hand it to an authenticator app. */
export interface TotpSecret {
  /** Base32, for typing into the app by hand. */
  secret: string;
  /** The `otpauth://totp/…` URL the QR code encodes. */
  otpauthUrl: string;
  /** The QR code as a `data:image/png;base64,…` URL, ready for an `<img src>`. */
  qrCode: Promise<string>;
}

/** Options of {@link TotpStrategy}; the defaults are what authenticator apps expect. */
export interface TotpStrategyOptions {
  /** Code length. Default 6. */
  digits?: 6 | 7 | 8;
  /** Steps of clock drift accepted on either side. Default 1 (±30 s). */
  driftSteps?: number;
}

/**
 * What {@link TotpStrategy.enable} needs to encrypt a secret as the router does: your
 * `AuthConfig` (its `accessTokenSecret` is read) or the configurator's `auth.config`.
 */
export type TotpSealingConfig = { accessTokenSecret: string } | { readonly totpKey: Buffer };

/** Base32 of at least 80 bits (RFC 4226's minimum), as authenticator apps take it. */
const BASE32_SECRET = /^[A-Z2-7]{16,}=*$/i;

/**
 * Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps) as Google
 * Authenticator, Authy and the like compute them. Wraps otplib; malformed input (a code of the
 * wrong length, a secret that is not base32) is a failed check, never an exception.
 */
export class TotpStrategy {
  readonly name = 'totp';
  private readonly digits: 6 | 7 | 8;
  private readonly toleranceSeconds: number;
  private readonly codePattern: RegExp;

  constructor(options: TotpStrategyOptions = {}) {
    this.digits = options.digits ?? TOTP_DIGITS;
    this.toleranceSeconds = (options.driftSteps ?? TOTP_DRIFT_STEPS) * TOTP_PERIOD_SECONDS;
    this.codePattern = new RegExp(`^\\d{${this.digits}}$`);
  }

  /** A fresh 160-bit secret for `email`, shown under `appName` in the app. */
  generateSecret(email: string, appName = 'keyward'): TotpSecret {
    const secret = generateSecret({ length: TOTP_SECRET_BYTES });
    const otpauthUrl = generateURI({
      issuer: appName,
      label: email,
      secret,
      digits: this.digits,
      period: TOTP_PERIOD_SECONDS,
    });
    return { secret, otpauthUrl, qrCode: QRCode.toDataURL(otpauthUrl) };
  }

  /**
   * Switches TOTP on for a user from your own code (the reference SDK's call): stores `secret`
   * through `userStore.updateTotpSecret`, which also sets `isTotpEnabled`. Given `config`, the
   * secret is stored encrypted as POST /2fa/verify-setup stores it; without, it is stored as
   * given, as the reference does, and is read as a plain-text secret (docs/two-factor.md). No code
   * is asked for and no recovery codes are issued: checking that the user's app holds the
   * secret is then your decision (the HTTP setup always checks a first code).
   */
  async enable(
    userId: string,
    secret: string,
    userStore: Pick<IUserStore, 'updateTotpSecret'>,
    config?: TotpSealingConfig,
  ): Promise<void> {
    const save = storeSaver(userStore);
    const plain = secret.replace(/\s+/g, '');
    if (!BASE32_SECRET.test(plain)) {
      // A secret no app can hold would lock the user out at the next sign-in.
      throw new AuthError(
        'A TOTP secret is base32 of at least 16 characters',
        'INVALID_INPUT',
        400,
      );
    }
    const stored = config ? new TotpSecretBox(sealingKey(config)).seal(plain, userId) : plain;
    await save(userId, stored);
  }

  /**
   * Switches TOTP off for a user from your own code: `userStore.updateTotpSecret(userId, null)`.
   * Unlike POST /2fa/disable, no code is asked for: an app that calls this has decided itself
   * (for example after its own support process). Leftover recovery codes stop working with the
   * factor and are replaced when TOTP is set up again.
   */
  async disable(userId: string, userStore: Pick<IUserStore, 'updateTotpSecret'>): Promise<void> {
    await storeSaver(userStore)(userId, null);
  }

  /** The code for `secret` at `epochSeconds` (default now), as the app shows it. */
  generate(secret: string, epochSeconds = nowSeconds()): string {
    return generateSync({
      secret,
      digits: this.digits,
      period: TOTP_PERIOD_SECONDS,
      epoch: epochSeconds,
      guardrails: GUARDRAILS,
    });
  }

  /** True when `token` is the code of `secret` now, or one step before or after. */
  verify(token: string, secret: string, epochSeconds = nowSeconds()): boolean {
    return this.matchStep(token, secret, epochSeconds) !== null;
  }

  /**
   * The time step (counter) `token` belongs to, or null when it matches none within the drift
   * window. Callers record the step so that one code is accepted once (RFC 6238 §5.2).
   */
  matchStep(token: string, secret: string, epochSeconds = nowSeconds()): number | null {
    const code = token.replace(/\s+/g, '');
    if (!this.codePattern.test(code)) return null;
    try {
      const result = verifySync({
        secret,
        token: code,
        digits: this.digits,
        period: TOTP_PERIOD_SECONDS,
        epoch: epochSeconds,
        epochTolerance: this.toleranceSeconds,
        guardrails: GUARDRAILS,
      });
      return result.valid && 'timeStep' in result ? result.timeStep : null;
    } catch {
      // otplib throws on a secret that is not base32 or is under 80 bits: not a match.
      return null;
    }
  }
}

/** The label the configuration derives the TOTP encryption key under (core/config/resolve). */
const TOTP_KEY_LABEL = 'keyward totp-secret v1';

function sealingKey(config: TotpSealingConfig): Buffer {
  return 'totpKey' in config ? config.totpKey : deriveKey(config.accessTokenSecret, TOTP_KEY_LABEL);
}

function storeSaver(
  userStore: Pick<IUserStore, 'updateTotpSecret'>,
): (userId: string, secret: string | null) => Promise<void> {
  if (typeof userStore.updateTotpSecret !== 'function') {
    throw new TypeError('keyward: TotpStrategy needs a user store with updateTotpSecret');
  }
  return userStore.updateTotpSecret.bind(userStore);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
