import { randomBytes } from 'node:crypto';

/** `ak_` + 48 lower-case hex characters: 24 random bytes, 192 bits. */
export const API_KEY_PATTERN = /^ak_[0-9a-f]{48}$/;
/** Characters of the key used as its lookup index: `ak_` + the first 8 hex characters. */
export const API_KEY_PREFIX_LENGTH = 11;

/** A fresh raw key from the operating system's CSPRNG. */
export function generateRawKey(): string {
  return `ak_${randomBytes(24).toString('hex')}`;
}

export const prefixOf = (rawKey: string): string => rawKey.slice(0, API_KEY_PREFIX_LENGTH);

/**
 * What the audit log may record of a presented key: its first 11 characters at most, and only
 * printable ASCII, so a header full of control characters or a whole key never reaches a log.
 */
export function loggablePrefix(presented: string): string {
  return presented.slice(0, API_KEY_PREFIX_LENGTH).replace(/[^\x21-\x7e]/g, '?');
}
