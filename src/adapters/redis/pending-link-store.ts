import type { IPendingLinkStore, PendingLink } from '../../stores/linking';
import { DEFAULT_KEY_PREFIX, type RedisKeyOptions, type RedisLike } from './client';
import { guarded } from './errors';

export interface RedisPendingLinkStoreOptions extends RedisKeyOptions {
  /** How long a pending link waits for the user to prove ownership (default 3600 s). */
  ttlSeconds?: number;
}

/**
 * Pending OAuth links in Redis: one string key per email and provider, written with `PX`, so
 * Redis drops the entry when it expires and nothing ever needs sweeping.
 */
export class RedisPendingLinkStore implements IPendingLinkStore {
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(
    private readonly client: RedisLike,
    options: RedisPendingLinkStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    const ttlSeconds = options.ttlSeconds ?? 3600;
    if (!(ttlSeconds > 0)) throw new RangeError('ttlSeconds must be a positive number');
    // PX takes whole milliseconds; at least one, as 0 is refused by Redis.
    this.ttlMs = Math.max(1, Math.round(ttlSeconds * 1000));
  }

  stash(email: string, provider: string, providerAccountId: string): Promise<void> {
    return guarded(async () => {
      // An object, not the bare id, so a later release can add fields without a migration.
      const value = JSON.stringify({ providerAccountId } satisfies PendingLink);
      await this.client.set(this.key(email, provider), value, 'PX', this.ttlMs);
    });
  }

  retrieve(email: string, provider: string): Promise<PendingLink | null> {
    return guarded(async () => {
      const raw = await this.client.get(this.key(email, provider));
      return raw === null ? null : decode(raw);
    });
  }

  remove(email: string, provider: string): Promise<void> {
    return guarded(async () => {
      await this.client.del(this.key(email, provider));
    });
  }

  /**
   * The email is lower-cased (addresses compare case-insensitively). The provider is
   * URI-encoded so it holds no `:`, which keeps `provider:email` unambiguous for any email.
   */
  private key(email: string, provider: string): string {
    return `${this.prefix}pending-link:${encodeURIComponent(provider)}:${email.toLowerCase()}`;
  }
}

function decode(raw: string): PendingLink | null {
  try {
    const value = JSON.parse(raw) as unknown;
    if (typeof value === 'object' && value !== null && 'providerAccountId' in value) {
      const { providerAccountId } = value;
      if (typeof providerAccountId === 'string') return { providerAccountId };
    }
  } catch {
    // Not written by this store: treated as no pending link.
  }
  return null;
}
