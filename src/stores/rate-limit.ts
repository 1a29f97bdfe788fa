/** The state of one rate-limit window after a hit. */
export interface RateLimitHit {
  /** Hits in the current window, this one included. */
  count: number;
  /** When the window ends and the count starts again. */
  resetAt: Date;
}

/**
 * Counters for rate limiting shared by every instance of an app (fixed windows). `hit` must be
 * atomic: two instances counting at once never lose a hit.
 */
export interface IRateLimitStore {
  hit(key: string, windowMs: number): Promise<RateLimitHit>;
  reset(key: string): Promise<void>;
  /**
   * Optional: the count of `key` in its live window without counting (0 when it has none or
   * the window has ended); it never starts a window. The limiter uses it to recognise a
   * client IP address the account has signed in from (known IPs); a store without it simply
   * leaves that feature off.
   */
  peek?(key: string): Promise<number>;
}
