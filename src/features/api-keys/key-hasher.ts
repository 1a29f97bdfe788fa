import * as crypto from 'node:crypto';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AuthConfigError } from '../../core/errors';

/** How keys are hashed at rest: `ApiKeyService`, the middleware and the configurator take it. */
export interface ApiKeyHashOptions {
  /**
   * A server-side secret (at least 32 characters) mixed into every stored hash with
   * HMAC-SHA256, so a copy of the key table alone cannot confirm a key. A list rotates it: the
   * first hashes new keys, every one of them still verifies keys hashed before.
   */
  pepper?: string | readonly string[];
  /**
   * While introducing a pepper: also accept keys stored as plain SHA-256 (created before the
   * pepper). Default false.
   */
  acceptUnpeppered?: boolean;
}

const MIN_PEPPER_LENGTH = 32;

/** One way of hashing a key: SHA-256, or HMAC-SHA256 under one pepper. */
type KeyDigest = (rawKey: string) => Buffer;

/** One-shot `crypto.hash` (Node 20.12+) skips the Hash object; older Nodes use createHash. */
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'buffer') => Buffer }).hash;
const sha256: KeyDigest = oneShot
  ? (rawKey) => oneShot('sha256', rawKey, 'buffer')
  : (rawKey) => createHash('sha256').update(rawKey).digest();
const hmacUnder =
  (pepper: string): KeyDigest =>
  (rawKey) =>
    createHmac('sha256', pepper).update(rawKey).digest();

/**
 * Hashes keys for storage and verifies a presented key against a stored hash. Keys are 192-bit
 * random strings, so a fast hash is enough: nobody can search 2^160 unknown bits, however fast
 * each guess is (see docs/api-keys.md).
 */
export class ApiKeyHasher {
  private readonly digests: KeyDigest[];

  constructor(options: ApiKeyHashOptions = {}) {
    const peppers =
      typeof options.pepper === 'string' ? [options.pepper] : [...(options.pepper ?? [])];
    const short = peppers.filter((p) => typeof p !== 'string' || p.length < MIN_PEPPER_LENGTH);
    if (short.length > 0) {
      throw new AuthConfigError([
        `apiKeys pepper must be a string of at least ${MIN_PEPPER_LENGTH} characters (e.g. 32 random bytes as hex)`,
      ]);
    }
    this.digests = peppers.map(hmacUnder);
    if (peppers.length === 0 || options.acceptUnpeppered) this.digests.push(sha256);
  }

  /** The stored form of a new key: lower-case hex, under the current pepper if there is one. */
  hash(rawKey: string): string {
    return this.digests[0]!(rawKey).toString('hex');
  }

  /**
   * Whether `rawKey` hashes to `storedHash` under any accepted pepper. Every digest is computed
   * and compared in constant time, so the answer's timing does not depend on where they differ.
   */
  verify(rawKey: string, storedHash: string): boolean {
    const stored = Buffer.from(/^[0-9a-f]{64}$/.test(storedHash) ? storedHash : '', 'hex');
    let match = false;
    for (const digest of this.digests) {
      const candidate = digest(rawKey);
      // A malformed stored hash is compared with itself, never matched, at the same cost.
      const ok = timingSafeEqual(candidate, stored.length === 32 ? stored : candidate);
      match = (ok && stored.length === 32) || match;
    }
    return match;
  }
}
