import type { IRevocationFeed, Revocation, Unsubscribe } from '../../stores/revocation';
import type { AuthLogger } from '../config/types';
import { AuthEventNames, type AuthEventBus, type AuthEventInput } from '../events';
import { RevocationList, type RevocationListener } from './revocation-list';

/** Records a revocation: refused here at once, on the other instances through the feed. */
export interface RevocationRecorder {
  revoke(revocation: Revocation): Promise<void>;
}

/** After a failed start-up load, the load is tried again this often until it succeeds. */
const RETRY_MS = 5_000;

/**
 * The revocation of an `identity.session.revoked` event: its session, or every session of its
 * user when `data.allSessions` is true; undefined for anything else.
 */
export function revocationOfEvent(input: AuthEventInput, at = new Date()): Revocation | undefined {
  if (input.sessionId) {
    return { kind: 'session', sessionId: input.sessionId, userId: input.userId, at };
  }
  if (input.userId && input.data?.allSessions === true) {
    return { kind: 'user', userId: input.userId, at };
  }
  return undefined;
}

/**
 * One instance's side of revocation: the in-memory {@link RevocationList} the middleware reads,
 * kept in step with the shared {@link IRevocationFeed}. Revoking records locally first (so this
 * instance refuses the token before the answer leaves), then publishes to the feed.
 */
export class Revocations implements RevocationRecorder {
  readonly list: RevocationList;
  private loaded = false;
  private loading: Promise<void> | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly feed: IRevocationFeed,
    accessTtlSeconds: number,
    private readonly logger: AuthLogger,
  ) {
    this.list = new RevocationList(accessTtlSeconds);
  }

  /** True once the start-up load has finished (successfully or not). */
  get ready(): boolean {
    return this.loaded;
  }

  /**
   * Subscribes to the feed and loads what was revoked within the access-token lifetime, so an
   * instance started after a revocation refuses its tokens too. Safe to call more than once.
   */
  start(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  async revoke(revocation: Revocation): Promise<void> {
    this.list.add(revocation);
    try {
      await this.feed.publish(revocation);
    } catch (err) {
      // This instance refuses the token already; the store revocation stands too. Failing the
      // logout would not help the user, so the gap (other instances) is reported instead.
      this.logger.error('revocation not shared with other instances (feed unavailable)', err);
    }
  }

  /** Records the `identity.session.revoked` events of `bus` here (the feed is not told). */
  listen(bus: AuthEventBus): () => void {
    return bus.onEvent(AuthEventNames.SESSION_REVOKED, (event) => {
      const revocation = revocationOfEvent(event, new Date(event.timestamp));
      if (revocation) this.list.add(revocation);
    });
  }

  /** Calls `listener` for each revocation that reaches this instance; returns its stop. */
  onRevocation(listener: RevocationListener): () => void {
    return this.list.onRevocation(listener);
  }

  /** Stops the feed subscription (its poller or connection). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.loading;
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private async load(): Promise<void> {
    try {
      // Subscribe first: a revocation published between the two calls is then heard at least
      // once (hearing it twice is a no-op).
      if (!this.unsubscribe) {
        const unsubscribe = await this.feed.subscribe((r) => this.list.add(r));
        if (this.closed) await unsubscribe();
        else this.unsubscribe = unsubscribe;
      }
      const since = new Date(Date.now() - this.list.retentionSeconds * 1000);
      for (const revocation of await this.feed.since(since)) this.list.add(revocation);
    } catch (err) {
      // Requests are not held hostage to a feed outage: they proceed on what this instance
      // knows, and the load is retried in the background.
      this.logger.error('revocations could not be loaded from the feed; retrying', err);
      if (!this.closed) {
        this.retry = setTimeout(() => {
          this.retry = undefined;
          void this.load();
        }, RETRY_MS);
        this.retry.unref();
      }
    } finally {
      this.loaded = true;
    }
  }
}
