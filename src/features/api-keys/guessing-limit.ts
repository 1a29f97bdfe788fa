import type { IRateLimitStore } from '../../stores/rate-limit';
import { InMemoryRateLimitStore } from '../../stores/in-memory/in-memory-linking-stores';
import { clientAddressKey } from '../../router/rate-limit/client-ip';

/** At most `max` failed attempts per fixed window of `windowMs` milliseconds. */
export interface ApiKeyFailureLimit {
  max: number;
  windowMs: number;
}

/** `createApiKeyMiddleware`'s `rateLimit`: limits on failed attempts, on unless `false`. */
export interface ApiKeyRateLimitOptions {
  /**
   * Where the counters live. Default: this middleware's own, in process memory; give a shared
   * store (keyward/sql or keyward/redis, or the AuthConfigurator's) with several instances.
   */
  store?: IRateLimitStore;
  /**
   * Failures per client address (`req.ip`, IPv6 by /64). Past it, every request from the
   * address is answered 429 until the window ends, a valid key too. Default 20 per 10 minutes.
   */
  perIp?: ApiKeyFailureLimit | false;
  /**
   * Wrong secrets presented with one key prefix, from anywhere. Past it, further wrong secrets
   * are answered 429; the real key still works (the prefix is not secret, so a lock on it
   * would let anyone who saw it shut its owner out). Default 10 per 10 minutes.
   */
  perPrefix?: ApiKeyFailureLimit | false;
}

const TEN_MINUTES = 10 * 60_000;
const DEFAULT_PER_IP: ApiKeyFailureLimit = { max: 20, windowMs: TEN_MINUTES };
const DEFAULT_PER_PREFIX: ApiKeyFailureLimit = { max: 10, windowMs: TEN_MINUTES };
/** Entries of the small maps below (window ends for Retry-After, address keys). */
const MAX_REMEMBERED_ENDS = 10_000;

const NOTHING_COUNTED: GuessingState = Object.freeze({ prefixHasFailures: false });

/** The state of the counters before an attempt is checked. */
export interface GuessingState {
  /** When the address's lock ends; undefined when it is not locked. */
  ipLockedUntil?: Date;
  /** Whether the prefix has failures counted, so a success clears them. */
  prefixHasFailures: boolean;
}

/** What counting a failure found: a lock to answer with, and counters that just crossed. */
export interface FailureCount {
  lockedUntil?: Date;
  crossed: Array<{ dimension: 'ip' | 'prefix'; failures: number; windowMs: number }>;
}

/** Counts failed key attempts per address and per prefix, in any {@link IRateLimitStore}. */
export class GuessingLimit {
  private readonly store: IRateLimitStore;
  private readonly perIp: ApiKeyFailureLimit | undefined;
  private readonly perPrefix: ApiKeyFailureLimit | undefined;
  /** Window ends learnt from this instance's hits: exact Retry-After for locks seen here. */
  private readonly ends = new Map<string, Date>();
  private readonly ipKeys = new Map<string, string>();
  /** True when the counters are this object's own (no `store` given): no one else writes them. */
  private readonly ownStore: boolean;
  private readonly longestWindowMs: number;
  private lastFailureAt = Number.NEGATIVE_INFINITY;

  constructor(options: ApiKeyRateLimitOptions = {}) {
    this.store = options.store ?? new InMemoryRateLimitStore();
    this.ownStore = options.store === undefined;
    this.perIp = options.perIp === false ? undefined : (options.perIp ?? DEFAULT_PER_IP);
    this.perPrefix =
      options.perPrefix === false ? undefined : (options.perPrefix ?? DEFAULT_PER_PREFIX);
    this.longestWindowMs = Math.max(this.perIp?.windowMs ?? 0, this.perPrefix?.windowMs ?? 0);
  }

  /**
   * The counter key of a client address. Parsing an address costs more than the rest of a
   * successful check, and a service calls from the same few addresses, so keys are remembered.
   */
  private ipKey(ip: string | undefined): string {
    const raw = ip ?? '';
    let key = this.ipKeys.get(raw);
    if (key === undefined) {
      if (this.ipKeys.size >= MAX_REMEMBERED_ENDS) this.ipKeys.clear();
      key = `keyward:apikey:ip:${clientAddressKey(ip)}`;
      this.ipKeys.set(raw, key);
    }
    return key;
  }
  private prefixKey(prefix: string): string {
    return `keyward:apikey:prefix:${prefix}`;
  }

  /**
   * Reads both counters without counting (in parallel with the key lookup, so a shared store
   * adds no latency). A store without `peek` reports nothing locked; its failures are still
   * counted and answered 429 past the limit. With the middleware's own store, which only this
   * object writes, no counter can be live once the longest window has passed since the last
   * failure: then nothing is read, and the answer comes synchronously.
   */
  state(ipOf: () => string | undefined, prefix: string): GuessingState | Promise<GuessingState> {
    const peek = this.store.peek?.bind(this.store);
    if (!peek) return NOTHING_COUNTED;
    if (this.ownStore && Date.now() - this.lastFailureAt > this.longestWindowMs) {
      return NOTHING_COUNTED;
    }
    const ipKey = this.ipKey(ipOf());
    return Promise.all([
      this.perIp ? peek(ipKey) : 0,
      this.perPrefix ? peek(this.prefixKey(prefix)) : 0,
    ]).then(([ipFailures, prefixFailures]) => {
      const locked = this.perIp !== undefined && ipFailures > this.perIp.max;
      return {
        ...(locked && { ipLockedUntil: this.lockEnd(ipKey, this.perIp) }),
        prefixHasFailures: prefixFailures > 0,
      };
    });
  }

  /**
   * Counts a failure. `wrongSecret` failures (unknown prefix, wrong secret) also count
   * against the prefix; a revoked or expired key presented correctly is no guess at it.
   */
  async fail(ip: string | undefined, prefix: string, wrongSecret: boolean): Promise<FailureCount> {
    this.lastFailureAt = Date.now();
    const result: FailureCount = { crossed: [] };
    const count = async (dimension: 'ip' | 'prefix', key: string, limit: ApiKeyFailureLimit) => {
      const hit = await this.store.hit(key, limit.windowMs);
      this.remember(key, hit.resetAt);
      if (hit.count === limit.max + 1) {
        result.crossed.push({ dimension, failures: hit.count, windowMs: limit.windowMs });
      }
      if (hit.count > limit.max && (!result.lockedUntil || hit.resetAt > result.lockedUntil)) {
        result.lockedUntil = hit.resetAt;
      }
    };
    await Promise.all([
      this.perIp ? count('ip', this.ipKey(ip), this.perIp) : undefined,
      this.perPrefix && wrongSecret
        ? count('prefix', this.prefixKey(prefix), this.perPrefix)
        : undefined,
    ]);
    return result;
  }

  /** Clears the prefix's failures after its real key was presented. */
  clearPrefix(prefix: string): Promise<void> {
    return this.store.reset(this.prefixKey(prefix));
  }

  private remember(key: string, end: Date): void {
    this.ends.delete(key);
    this.ends.set(key, end);
    if (this.ends.size > MAX_REMEMBERED_ENDS) {
      this.ends.delete(this.ends.keys().next().value!);
    }
  }

  /** The end of a lock seen by this instance, or the longest it can last. */
  private lockEnd(key: string, limit: ApiKeyFailureLimit): Date {
    const known = this.ends.get(key);
    if (known && known.getTime() > Date.now()) return known;
    return new Date(Date.now() + limit.windowMs);
  }
}
