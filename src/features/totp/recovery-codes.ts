import { createHmac, randomInt } from 'node:crypto';
import { hashToken } from '../../core/secrets';
import { RECOVERY_CODE_COUNT } from './options';

/** Lower-case letters and digits without the look-alikes 0/o, 1/l/i: 31 symbols. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** Groups of the printed code: `xxxxx-xxxxx-xxxxx`, 15 symbols, about 74 bits. */
const GROUPS = [5, 5, 5];

/**
 * Fresh single-use recovery codes from the CSPRNG (`randomInt` draws without modulo bias),
 * formatted `xxxxx-xxxxx-xxxxx` for reading off paper.
 */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    codes.add(
      GROUPS.map((n) =>
        Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
      ).join('-'),
    );
  }
  return [...codes];
}

/** Typing in upper case, without dashes or with spaces still matches. */
const normalise = (code: string) => code.toLowerCase().replace(/[\s-]+/g, '');

/**
 * What the store keeps for a code: HMAC-SHA256 (hex) of its normalised form under a key derived
 * from the server secret, so a copy of the database alone cannot be searched for codes.
 */
export function hashRecoveryCode(key: Buffer, code: string): string {
  return createHmac('sha256', key).update(normalise(code), 'utf8').digest('hex');
}

/** The unkeyed SHA-256 that earlier releases stored; still accepted, so issued codes keep working. */
export function legacyRecoveryCodeHash(code: string): string {
  return hashToken(normalise(code));
}
