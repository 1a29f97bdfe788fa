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
}
