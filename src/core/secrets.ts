import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh one-time token: 32 bytes (256 bits) from the CSPRNG, base64url. */
export function generateToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** What we store for a high-entropy token: its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Equality that takes the same time wherever the strings first differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing both sides first gives equal lengths, so even the length is not revealed.
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/** True when `token` hashes to `storedHash` (compared in constant time). */
export function tokenMatchesHash(token: string, storedHash: string | null | undefined): boolean {
  if (!storedHash) return false;
  return constantTimeEqual(hashToken(token), storedHash);
}

/** HMAC-SHA256, base64url. */
export function hmac(key: Buffer | string, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('base64url');
}

/**
 * A 32-byte key derived from `secret` with HKDF-SHA256 under its own `label`, so keys made from
 * the same secret for different purposes are unrelated to one another.
 */
export function deriveKey(secret: string, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', label, 32));
}

/** A one-time token and what to store for it. */
export interface IssuedToken {
  token: string;
  hash: string;
  expiresAt: Date;
}

/** Makes a one-time token valid for `ttlSeconds`. */
export function issueOneTimeToken(ttlSeconds: number): IssuedToken {
  const token = generateToken();
  return { token, hash: hashToken(token), expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
}
