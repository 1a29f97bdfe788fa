/**
 * Remembers delivery ids so a provider's retry (or a captured request sent again) runs once.
 * `ITwoFactorStore` has this method: give the SQL or Redis two-factor store to share the ids
 * between instances.
 */
export interface InboundReplayStore {
  /** Marks an id as seen; resolves true the first time only (atomic). May forget it after `expiresAt`. */
  markUsed(id: string, expiresAt: Date): Promise<boolean>;
}

/**
 * The default: ids in process memory, bounded. The ids expire in the order they were added (one
 * time-to-live for all), so expired ones are dropped from the front; past `maxEntries` the
 * oldest go first, which only shortens how long a very old id is remembered.
 */
export class InMemoryReplayStore implements InboundReplayStore {
  private readonly seen = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  async markUsed(id: string, expiresAt: Date): Promise<boolean> {
    const now = Date.now();
    for (const [key, until] of this.seen) {
      if (until > now && this.seen.size < this.maxEntries) break;
      this.seen.delete(key);
    }
    const until = this.seen.get(id);
    if (until !== undefined && until > now) return false;
    this.seen.set(id, expiresAt.getTime());
    return true;
  }
}
