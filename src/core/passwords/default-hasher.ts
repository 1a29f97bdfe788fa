import { createHmac } from 'node:crypto';
import { Argon2Hasher, isArgon2Hash, loadArgon2, type Argon2Params } from './argon2-hasher';
import { BcryptWorkerPool } from './bcrypt-worker-pool';
import type { PasswordHasher } from './hasher';

/** The hash keyward makes for new passwords. */
export type PasswordAlgorithm = 'argon2id' | 'bcrypt';

/**
 * Marks keyward's bcrypt fallback format, version 1: `$kwb1$` followed by a standard bcrypt hash
 * (`$2b$…`) of base64(HMAC-SHA256(PREHASH_KEY, password)). The version lets a later format
 * (another key, another inner hash) coexist with this one and be re-hashed on login.
 */
export const PREHASHED_BCRYPT_PREFIX = '$kwb1$';

/**
 * Not a secret: a domain-separation label. Keying the pre-hash makes the inner value specific to
 * keyward, so a plain SHA-256 of the password leaked by another system cannot be tried against
 * these hashes directly ("password shucking"). It is not derived from the token secrets, so
 * rotating those never locks anyone out.
 */
const PREHASH_KEY = 'keyward password pre-hash v1';

/** A bcrypt hash as other libraries write it, with its cost. */
const BARE_BCRYPT = /^\$2[aby]\$(\d\d)\$/;

/** bcrypt reads at most 72 bytes of its input. */
const BCRYPT_MAX_BYTES = 72;

/**
 * 32 bytes of HMAC, base64: 44 ASCII characters, within bcrypt's 72 bytes and free of the NUL
 * bytes a raw digest may contain (some bcrypt implementations stop reading at a NUL).
 */
function prehash(password: string): string {
  return createHmac('sha256', PREHASH_KEY).update(password, 'utf8').digest('base64');
}

/** How {@link KeywardHasher} hashes new passwords. */
export interface KeywardHasherOptions {
  algorithm: PasswordAlgorithm;
  /** Cost of the bcrypt fallback (`bcryptSaltRounds`). */
  bcryptCost: number;
  argon2: Argon2Params;
}

/**
 * keyward's own hasher: argon2id (when @node-rs/argon2 loads) or pre-hashed bcrypt on worker
 * threads for new passwords. It verifies every format keyward has written or imports: argon2id,
 * `$kwb1$` pre-hashed bcrypt, and bare bcrypt (`$2a$`, `$2b$`, `$2y$`) of the raw password.
 */
export class KeywardHasher implements PasswordHasher {
  private readonly bcrypt: BcryptWorkerPool;
  private readonly argon2: Argon2Hasher | undefined;

  constructor(private readonly options: KeywardHasherOptions) {
    // Workers start on first use, so an argon2id deployment never starts any unless old bcrypt
    // hashes are verified.
    this.bcrypt = new BcryptWorkerPool(options.bcryptCost);
    const mod = loadArgon2();
    this.argon2 = mod ? new Argon2Hasher(mod, options.argon2) : undefined;
    if (options.algorithm === 'argon2id' && !this.argon2) {
      throw new Error("keyward: password algorithm 'argon2id' needs @node-rs/argon2");
    }
  }

  async hash(password: string, cost = this.options.bcryptCost): Promise<string> {
    if (this.options.algorithm === 'argon2id' && this.argon2) return this.argon2.hash(password);
    return PREHASHED_BCRYPT_PREFIX + (await this.bcrypt.hash(prehash(password), cost));
  }

  async verify(password: string, hash: string): Promise<boolean> {
    if (hash.startsWith(PREHASHED_BCRYPT_PREFIX)) {
      return this.bcrypt.verify(prehash(password), hash.slice(PREHASHED_BCRYPT_PREFIX.length));
    }
    if (isArgon2Hash(hash)) {
      if (!this.argon2) throw new Error('an argon2 hash, but @node-rs/argon2 is not installed');
      return this.argon2.verify(password, hash);
    }
    if (BARE_BCRYPT.test(hash)) {
      // bcrypt would ignore everything past 72 bytes, so a longer password would match by its
      // prefix. Such a password cannot be the one the hash was made from: refuse it.
      if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES) return false;
      return this.bcrypt.verify(password, hash);
    }
    return false;
  }

  /** True when `hash` is not what {@link hash} would make now: another scheme or cost. */
  needsRehash(hash: string): boolean {
    if (this.options.algorithm === 'argon2id' && this.argon2) {
      return this.argon2.needsRehash(hash);
    }
    if (!hash.startsWith(PREHASHED_BCRYPT_PREFIX)) return true;
    const cost = BARE_BCRYPT.exec(hash.slice(PREHASHED_BCRYPT_PREFIX.length))?.[1];
    return Number(cost) !== this.options.bcryptCost;
  }

  close(): Promise<void> {
    return this.bcrypt.close();
  }
}
