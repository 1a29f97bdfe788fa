import { createHmac, randomInt } from 'node:crypto';
import { constantTimeEqual } from '../../core/secrets';
import type { ResolvedConfig, ResolvedSms } from '../../core/config/resolved';
import { AuthError } from '../../core/errors';
import type { ITwoFactorStore } from '../../stores/two-factor';
import { SMS_CODE_DIGITS, defaultSmsMessage } from './options';
import { SmsService } from './sms-service';

/** What SMS codes need from the resolved configuration. */
export type SmsSettings = Pick<ResolvedConfig, 'smsKey'> & { sms: ResolvedSms };

/** The configuration's SMS settings; 501 SMS_NOT_CONFIGURED without `config.sms`. */
export function smsSettings(config: ResolvedConfig): SmsSettings {
  const { sms, smsKey } = config;
  if (!sms) throw new AuthError('SMS is not configured', 'SMS_NOT_CONFIGURED', 501);
  return { sms, smsKey };
}

/**
 * The stored form of a code: HMAC-SHA256 under a key derived from the access secret, bound to
 * the user, so the table alone gives no code away and a hash is useless for another user.
 */
function hashCode(settings: SmsSettings, userId: string, code: string): string {
  return createHmac('sha256', settings.smsKey).update(`${userId}\0${code}`).digest('hex');
}

/**
 * Makes, stores and sends a new code for the user. Throws 429 SMS_RESEND_TOO_SOON while the
 * previous code is within its resend interval (nothing is sent then).
 */
export async function sendSmsCode(
  store: ITwoFactorStore,
  settings: SmsSettings,
  userId: string,
  phoneNumber: string,
): Promise<void> {
  const { sms } = settings;
  // randomInt draws from the CSPRNG without modulo bias.
  const code = String(randomInt(0, 10 ** SMS_CODE_DIGITS)).padStart(SMS_CODE_DIGITS, '0');
  const now = Date.now();
  const saved = await store.saveSmsCode(userId, {
    codeHash: hashCode(settings, userId, code),
    expiresAt: new Date(now + sms.codeExpiresInMinutes * 60_000),
    resendAt: new Date(now + sms.resendIntervalSeconds * 1000),
  });
  if (!saved) {
    throw new AuthError(
      'A code was sent a moment ago; wait before asking for another',
      'SMS_RESEND_TOO_SOON',
      429,
      { retryAfterSeconds: sms.resendIntervalSeconds },
    );
  }
  const message = (sms.message ?? defaultSmsMessage)(code, sms.codeExpiresInMinutes);
  await new SmsService(sms).send(phoneNumber, message, code);
}

/**
 * True when `code` is the user's live code, which is then spent. Each call takes one of the
 * code's attempts before comparing (in constant time); after `maxAttempts` wrong ones the code
 * is dead, and so is an expired or used one.
 */
export async function checkSmsCode(
  store: ITwoFactorStore,
  settings: SmsSettings,
  userId: string,
  code: string,
): Promise<boolean> {
  const stored = await store.claimSmsAttempt(userId, settings.sms.maxAttempts);
  if (stored === null) return false;
  if (!constantTimeEqual(hashCode(settings, userId, code), stored)) return false;
  return store.consumeSmsCode(userId, stored);
}

/** The one error for every failed code check, so answers do not tell the cases apart. */
export const invalidSmsCode = (): AuthError =>
  new AuthError(
    'The code is invalid or has expired; after too many wrong attempts ask for a new one',
    'INVALID_SMS_CODE',
    401,
  );
