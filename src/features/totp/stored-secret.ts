import { MIN_VERIFY_SECRET_BYTES } from './options';
import type { TotpSecretBox } from './secret-box';

/**
 * A sealed secret is `v1.<iv>.<ciphertext>.<tag>` (see {@link TotpSecretBox}). The dots decide
 * it: base32, the only alphabet of a plain secret, has no dot, so no value can be both.
 */
const SEALED = /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** RFC 4648 base32 (upper case after normalising), optional padding. */
const BASE32 = /^[A-Z2-7]+=*$/;
/** Shortest plain secret taken: 80 bits, 16 base32 characters (see the constant's reason). */
const MIN_PLAIN_CHARS = Math.ceil((MIN_VERIFY_SECRET_BYTES * 8) / 5);

/** What a stored `totpSecret` value is. */
export type StoredSecretKind = 'sealed' | 'plain' | 'unrecognised';

/** True when `stored` has the sealed format (whether or not it opens with this key). */
export function isSealedTotpSecret(stored: string): boolean {
  return SEALED.test(stored);
}

/**
 * A plain base32 secret as an authenticator app reads it (spaces and case removed, padding
 * dropped), or null when `stored` is not one.
 */
export function normalisePlainSecret(stored: string): string | null {
  const value = stored.replace(/\s+/g, '').toUpperCase();
  if (!BASE32.test(value)) return null;
  const unpadded = value.replace(/=+$/, '');
  return unpadded.length >= MIN_PLAIN_CHARS ? unpadded : null;
}

/** Sorts a stored value into sealed, plain (written by another SDK) or neither. */
export function classifyStoredSecret(stored: string): StoredSecretKind {
  if (isSealedTotpSecret(stored)) return 'sealed';
  return normalisePlainSecret(stored) === null ? 'unrecognised' : 'plain';
}

/** The secret a stored value holds, and whether it still has to be sealed. */
export interface OpenedSecret {
  secret: string;
  /** True when the store held it in plain text: seal it once a code proves it. */
  plain: boolean;
}

/**
 * Reads a stored value: a sealed one is opened (null when it does not authenticate for this
 * key and user), a plain base32 one is taken as it is, anything else is null.
 */
export function openStoredSecret(
  box: TotpSecretBox,
  stored: string,
  userId: string,
): OpenedSecret | null {
  if (isSealedTotpSecret(stored)) {
    const secret = box.open(stored, userId);
    return secret === null ? null : { secret, plain: false };
  }
  const plain = normalisePlainSecret(stored);
  return plain === null ? null : { secret: plain, plain: true };
}
