import { AuthError } from '../errors';
import { BcryptWorkerPool } from './bcrypt-worker-pool';
import type { PasswordHasher } from './hasher';

/** bcrypt reads at most 72 bytes; longer passwords are refused instead of silently cut. */
export const MAX_PASSWORD_BYTES = 72;
/** Counted in Unicode code points, as a person counts characters. */
export const MIN_PASSWORD_CHARS = 8;

/**
 * Hashes and checks passwords through a pluggable {@link PasswordHasher} (bcrypt on worker
 * threads by default). Passwords are used exactly as given: no trimming, no case folding,
 * no normalisation, no composition rules.
 */
export class PasswordService {
  private readonly hasher: PasswordHasher;
  private dummyHash: Promise<string> | undefined;

  constructor(
    hasherOrRounds: PasswordHasher | number = 12,
    private readonly rounds = typeof hasherOrRounds === 'number' ? hasherOrRounds : 12,
  ) {
    this.hasher =
      typeof hasherOrRounds === 'number' ? new BcryptWorkerPool(hasherOrRounds) : hasherOrRounds;
  }

  /** Hashes a password (checking its length first). */
  async hash(password: string, saltRounds?: number): Promise<string> {
    assertAcceptablePassword(password);
    return this.hasher.hash(password, saltRounds ?? this.rounds);
  }

  /** True when `password` matches `hash`. Never throws for a malformed hash: answers false. */
  async compare(password: string, hash: string): Promise<boolean> {
    try {
      return await this.hasher.verify(password, hash);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same time as a real comparison, for a user that does not exist or has no
   * password, so response time does not tell which emails are registered.
   */
  async compareWithDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hasher.hash('keyward-timing-equaliser', this.rounds);
    await this.compare(password, await this.dummyHash);
    return false;
  }

  async close(): Promise<void> {
    await this.hasher.close?.();
  }
}

/** Throws PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG (400) for a password bcrypt cannot take whole. */
export function assertAcceptablePassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_CHARS) {
    throw new AuthError(
      `Password must be at least ${MIN_PASSWORD_CHARS} characters`,
      'PASSWORD_TOO_SHORT',
      400,
    );
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new AuthError(
      `Password must be at most ${MAX_PASSWORD_BYTES} bytes (UTF-8)`,
      'PASSWORD_TOO_LONG',
      400,
    );
  }
}
