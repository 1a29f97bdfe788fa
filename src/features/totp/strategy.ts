import { createGuardrails, generateSecret, generateSync, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';
import {
  MIN_VERIFY_SECRET_BYTES,
  TOTP_DIGITS,
  TOTP_DRIFT_STEPS,
  TOTP_PERIOD_SECONDS,
  TOTP_SECRET_BYTES,
} from './options';

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

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
