import type { IRevocationFeed, Revocation, Unsubscribe } from '../revocation';

/** Options of {@link InMemoryRevocationFeed}. */
export interface InMemoryRevocationFeedOptions {
  /** How long a revocation is kept for `since`, in seconds (default one day). */
  retentionSeconds?: number;
}

/**
 * Revocations within one process: the default. Two AuthConfigurators given the same instance
 * (two apps in one process, or tests) hear each other at once; separate processes need the
 * Redis or SQL feed.
 */
export class InMemoryRevocationFeed implements IRevocationFeed {
  private entries: Revocation[] = [];
  private readonly listeners = new Set<(revocation: Revocation) => void>();
  private readonly retentionMs: number;

  constructor(options: InMemoryRevocationFeedOptions = {}) {
    this.retentionMs = (options.retentionSeconds ?? 86_400) * 1000;
  }

  async publish(revocation: Revocation): Promise<void> {
    const oldest = Date.now() - this.retentionMs;
    if (this.entries.length > 0 && this.entries[0]!.at.getTime() < oldest) {
      this.entries = this.entries.filter((e) => e.at.getTime() >= oldest);
    }
    this.entries.push(copy(revocation));
    // Synchronously, before publish resolves: the other configurators of this process refuse
    // the token by the time the revoking request answers.
    for (const listener of [...this.listeners]) {
      try {
        listener(copy(revocation));
      } catch {
        // One subscriber's failure is its own; the others still hear of the revocation.
      }
    }
  }

  async since(since: Date): Promise<Revocation[]> {
    const from = since.getTime();
    return this.entries
      .filter((e) => e.at.getTime() >= from)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map(copy);
  }

  async subscribe(listener: (revocation: Revocation) => void): Promise<Unsubscribe> {
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
    };
  }
}

/** Subscribers get their own objects: none can change what another (or `since`) sees. */
function copy(revocation: Revocation): Revocation {
  return { ...revocation, at: new Date(revocation.at.getTime()) };
}
