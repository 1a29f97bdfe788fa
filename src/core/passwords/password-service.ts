import type { ResolvedConfig } from '../config/resolved';
import type { AuthLogger } from '../config/types';
import { AuthError } from '../errors';
import { OWASP_ARGON2ID, loadArgon2, type Argon2Params } from './argon2-hasher';
import { KeywardHasher, type PasswordAlgorithm } from './default-hasher';
import type { PasswordHasher } from './hasher';
import {
  DEFAULT_PASSWORD_POLICY,
  assertAcceptablePassword,
  assertNotTooLong,
  type ResolvedPasswordPolicy,
} from './password-policy';

export {
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  assertAcceptablePassword,
} from './password-policy';

/** Default bound on password hashes and verifications running or waiting at once. */
export const DEFAULT_MAX_PENDING_HASHES = 64;

/** What a {@link PasswordService} is made of; every field has a default. */
export interface PasswordServiceOptions {
  /** Your own hasher; replaces argon2id / bcrypt entirely. */
  hasher?: PasswordHasher;
  /** Default: argon2id when @node-rs/argon2 loads, else bcrypt. */
  algorithm?: PasswordAlgorithm;
  /** Cost of the bcrypt fallback. Default 12. */
  bcryptCost?: number;
  /** Default: OWASP's m=19456 KiB, t=2, p=1. */
  argon2?: Argon2Params;
  /** Hashes and verifications running or queued at once before SERVER_BUSY. Default 64. */
  maxPending?: number;
  policy?: ResolvedPasswordPolicy;
  logger?: AuthLogger;
}

/**
 * Hashes and checks passwords (argon2id by default, pre-hashed bcrypt as the fallback, or your
 * {@link PasswordHasher}), applies the password rules, and bounds the hashing work in flight.
 * Passwords are used exactly as given: no trimming, no case folding, no normalisation, no
 * composition rules.
 */
export class PasswordService {
  /** The length and common-password rules in force. */
  readonly policy: ResolvedPasswordPolicy;
  private readonly hasher: PasswordHasher;
  private readonly rounds: number;
  private readonly maxPending: number;
  private readonly logger: AuthLogger | undefined;
  private pending = 0;
  private dummyHash: Promise<string> | undefined;

  /**
   * `new PasswordService(options)`; the older forms `new PasswordService(bcryptCost)` and
   * `new PasswordService(hasher, bcryptCost)` still work.
   */
  constructor(options: PasswordServiceOptions | PasswordHasher | number = {}, rounds?: number) {
    const opts: PasswordServiceOptions =
      typeof options === 'number'
        ? { bcryptCost: options }
        : isHasher(options)
          ? { hasher: options, bcryptCost: rounds }
          : options;
    this.rounds = opts.bcryptCost ?? 12;
    this.policy = opts.policy ?? DEFAULT_PASSWORD_POLICY;
    this.maxPending = opts.maxPending ?? DEFAULT_MAX_PENDING_HASHES;
    this.logger = opts.logger;
    this.hasher =
      opts.hasher ??
      new KeywardHasher({
        algorithm: opts.algorithm ?? (loadArgon2() ? 'argon2id' : 'bcrypt'),
        bcryptCost: this.rounds,
        argon2: opts.argon2 ?? OWASP_ARGON2ID,
      });
  }

  /**
   * Hashes what it is given: hashing is not policy, so a short or common password is hashed as
   * is (an import of existing accounts, a generated PIN). The endpoints that set a password run
   * {@link assertAcceptable}; call it yourself before hashing a new password of your own.
   * Only the maximum length is enforced here (PASSWORD_TOO_LONG), because it bounds the work.
   */
  async hash(password: string, saltRounds?: number): Promise<string> {
    assertNotTooLong(password, this.policy);
    return this.bounded(() => this.hasher.hash(password, saltRounds ?? this.rounds));
  }

  /**
   * True when `password` matches `hash`. Never throws for a malformed hash: answers false. Throws
   * SERVER_BUSY (503) when too much hashing work is already waiting.
   */
  async compare(password: string, hash: string): Promise<boolean> {
    return this.bounded(async () => {
      try {
        return await this.hasher.verify(password, hash);
      } catch (err) {
        this.logger?.error('password verification failed', err);
        return false;
      }
    });
  }

  /**
   * Spends the same time as a real comparison, for a user that does not exist or has no
   * password, so response time does not tell which emails are registered. Bounded like
   * {@link compare}.
   */
  async compareWithDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hasher.hash('keyward-timing-equaliser', this.rounds).catch((err) => {
      this.dummyHash = undefined; // try again next time rather than fail every login
      throw err;
    });
    await this.compare(password, await this.dummyHash);
    return false;
  }

  /** True when `hash` was made with another scheme or parameters than new hashes are. */
  needsRehash(hash: string): boolean {
    return this.hasher.needsRehash?.(hash) ?? false;
  }

  /**
   * The current hash of a password that just verified against an outdated `hash`, or null when
   * `hash` is current. No length rules: an account's existing password is not refused here.
   */
  async rehash(password: string, hash: string): Promise<string | null> {
    if (!this.needsRehash(hash)) return null;
    return this.bounded(() => this.hasher.hash(password, this.rounds));
  }

  /** The whole policy: length, then the common-password list. Throws AuthError (400). */
  assertAcceptable(password: string): void {
    assertAcceptablePassword(password, this.policy);
  }

  /** PASSWORD_TOO_LONG (400) over the maximum; cheap, for login before any look-up. */
  assertNotTooLong(password: string): void {
    assertNotTooLong(password, this.policy);
  }

  /**
   * Takes a hashing slot now (SERVER_BUSY when there is none), then runs `work`, which may hash
   * once with the `hash` it is given without being refused. For flows that spend something
   * (a reset token) between deciding to hash and hashing.
   */
  async withReservedHash<T>(work: (hash: (password: string) => Promise<string>) => Promise<T>) {
    this.acquire();
    try {
      return await work((password) => {
        assertNotTooLong(password, this.policy);
        return this.hasher.hash(password, this.rounds);
      });
    } finally {
      this.pending--;
    }
  }

  async close(): Promise<void> {
    await this.hasher.close?.();
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    this.acquire();
    try {
      return await work();
    } finally {
      this.pending--;
    }
  }

  /**
   * Refuses instead of queueing without end: past the bound, each extra request would only wait
   * longer and hold memory (argon2id takes 19 MiB per hash), so it is better told to come back.
   */
  private acquire(): void {
    if (this.pending >= this.maxPending) {
      throw new AuthError('The server is busy; retry shortly', 'SERVER_BUSY', 503, {
        retryAfterSeconds: 1,
      });
    }
    this.pending++;
  }
}

/** The password service an AuthConfigurator or router builds from its resolved config. */
export function createPasswordService(
  config: ResolvedConfig,
  hasher?: PasswordHasher,
): PasswordService {
  return new PasswordService({
    hasher,
    algorithm: config.passwordHashing.algorithm,
    argon2: config.passwordHashing.argon2,
    maxPending: config.passwordHashing.maxPending,
    bcryptCost: config.bcryptRounds,
    policy: config.passwordPolicy,
    logger: config.logger,
  });
}

function isHasher(value: PasswordServiceOptions | PasswordHasher): value is PasswordHasher {
  return typeof (value as PasswordHasher).verify === 'function';
}
