import { availableParallelism } from 'node:os';
import type { PasswordHasher } from './hasher';

/** argon2id parameters (RFC 9106 names): memory in KiB, passes, lanes. */
export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's first recommended argon2id configuration: 19 MiB, 2 passes, 1 lane. */
export const OWASP_ARGON2ID: Readonly<Argon2Params> = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/** `Algorithm.Argon2id` of @node-rs/argon2 (a const enum, so not readable at run time). */
const ARGON2ID = 2;

/**
 * The part of @node-rs/argon2 keyward uses, declared here so keyward's types do not depend on an
 * optional package.
 */
interface Argon2Module {
  hash(password: string, options: Argon2Params & { algorithm: number }): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

let loaded: Argon2Module | null | undefined;

/**
 * @node-rs/argon2 when it is installed and its native binary loads on this platform, otherwise
 * null. It is an optional dependency: keyward must work without it (bcrypt is the fallback).
 * Loaded once, on first use, with a plain `require` so bundlers leave it alone.
 */
export function loadArgon2(): Argon2Module | null {
  if (loaded !== undefined) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: loaded only if present
    const mod = require('@node-rs/argon2') as Partial<Argon2Module>;
    loaded =
      typeof mod.hash === 'function' && typeof mod.verify === 'function'
        ? (mod as Argon2Module)
        : null;
  } catch {
    loaded = null;
  }
  return loaded;
}

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * How many argon2 computations run at once: no more than the cores (more would only share them
 * and take CPU from the event loop), and at least one of libuv's threads (4 unless
 * UV_THREADPOOL_SIZE says otherwise) left for file system and DNS work, which use the same pool.
 */
function argon2Concurrency(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism(), pool - 1));
}

/**
 * argon2id through @node-rs/argon2 (PHC strings, `$argon2id$v=19$m=…,t=…,p=…$salt$hash`). Its
 * hash and verify run in libuv's thread pool, off the event loop. argon2 reads its whole input,
 * so passwords are hashed as they are, with no pre-hash.
 */
export class Argon2Hasher implements PasswordHasher {
  private readonly params: Argon2Params;
  private readonly limit = argon2Concurrency();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly argon2: Argon2Module,
    params: Argon2Params = OWASP_ARGON2ID,
  ) {
    this.params = { ...params };
  }

  hash(password: string): Promise<string> {
    return this.limited(() => this.argon2.hash(password, { ...this.params, algorithm: ARGON2ID }));
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.limited(() => this.argon2.verify(hash, password));
  }

  /** True for an argon2id hash made with other parameters (or another version). */
  needsRehash(hash: string): boolean {
    const m = PHC.exec(hash);
    if (!m) return true;
    const { memoryCost, timeCost, parallelism } = this.params;
    return Number(m[1]) !== memoryCost || Number(m[2]) !== timeCost || Number(m[3]) !== parallelism;
  }

  /** Waits in memory, not in libuv's pool; the PasswordService bounds how many may wait. */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((go) => this.waiting.push(go));
    else this.running++;
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** True for an argon2 PHC string of any variant. */
export function isArgon2Hash(hash: string): boolean {
  return hash.startsWith('$argon2');
}
