import { randomInt } from 'node:crypto';
import { hashToken } from '../../core/secrets';
import { RECOVERY_CODE_COUNT } from './options';

/** Lower-case letters and digits without the look-alikes 0/o, 1/l/i: 31 symbols. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** Groups of the printed code: `xxxx-xxxx-xx`, 10 symbols, about 49.5 bits. */
const GROUPS = [4, 4, 2];

/**
 * Fresh single-use recovery codes from the CSPRNG (`randomInt` draws without modulo bias),
 * formatted `xxxx-xxxx-xx` for reading off paper.
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

/**
 * What the store keeps for a code: SHA-256 (hex) of its normalised form, so typing it in
 * upper case, without dashes or with spaces still matches.
 */
export function hashRecoveryCode(code: string): string {
  const normalised = code.toLowerCase().replace(/[\s-]+/g, '');
  return hashToken(normalised);
}
