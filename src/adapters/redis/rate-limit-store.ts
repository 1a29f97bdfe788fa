import type { IRateLimitStore, RateLimitHit } from '../../stores/rate-limit';
import { DEFAULT_KEY_PREFIX, type RedisKeyOptions, type RedisLike } from './client';
import { guarded } from './errors';
import { RATE_LIMIT_HIT } from './scripts';

/**
 * Fixed-window rate-limit counters in Redis, shared by every instance of the app. Each hit is
 * one script (INCR, expiry on the first hit, PTTL), so concurrent hits from any number of
 * processes are all counted, and a window ends when its key expires.
 */
export class RedisRateLimitStore implements IRateLimitStore {
  private readonly prefix: string;

  constructor(
    private readonly client: RedisLike,
    options: RedisKeyOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  hit(key: string, windowMs: number): Promise<RateLimitHit> {
    return guarded(async () => {
      if (!(windowMs > 0)) throw new RangeError('windowMs must be a positive number');
      // PEXPIRE takes whole milliseconds.
      const window = Math.max(1, Math.ceil(windowMs));
      const reply = await RATE_LIMIT_HIT.run(this.client, [this.key(key)], [window]);
      const [count, ttl] = parseReply(reply);
      // The remaining time is relative, so the server's clock and ours need not agree.
      return { count, resetAt: new Date(Date.now() + ttl) };
    });
  }

  reset(key: string): Promise<void> {
    return guarded(async () => {
      await this.client.del(this.key(key));
    });
  }

  /** A plain GET: the key expires with its window, so an ended window reads as none. */
  peek(key: string): Promise<number> {
    return guarded(async () => {
      const value = await this.client.get(this.key(key));
      if (value === null) return 0;
      const count = Number(value);
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new Error(`Unexpected rate-limit counter value: ${JSON.stringify(value)}`);
      }
      return count;
    });
  }

  private key(key: string): string {
    return `${this.prefix}rate-limit:${key}`;
  }
}

/** `[count, ttl]` from the script; numbers may arrive as strings (ioredis `stringNumbers`). */
function parseReply(reply: unknown): [number, number] {
  if (Array.isArray(reply) && reply.length === 2) {
    const [count, ttl] = reply.map(Number) as [number, number];
    if (Number.isFinite(count) && Number.isFinite(ttl)) return [count, ttl];
  }
  throw new Error(`Unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
}
