/**
 * An ended session, or every session of a user that signed in before a moment. Access tokens
 * of either are refused from then on, on every instance that hears of it.
 */
export type Revocation =
  | { kind: 'session'; sessionId: string; userId?: string; at: Date }
  | { kind: 'user'; userId: string; at: Date };

/** Stops a subscription. */
export type Unsubscribe = () => Promise<void>;

/**
 * Shares revocations between the instances of an app, so an access token refused on one is
 * refused on all, without a store read per request: each instance keeps the revocations of the
 * last access-token lifetime in memory, loads them at start-up with `since`, and hears new ones
 * through `subscribe`. Implementations: in memory (one process), Redis (pub/sub, immediate),
 * SQL (a table read by cursor, within the documented poll interval).
 */
export interface IRevocationFeed {
  /** Records one revocation and tells every subscriber, on every instance (this one included). */
  publish(revocation: Revocation): Promise<void>;
  /** The revocations recorded at or after `since`, oldest first (the start-up load). */
  since(since: Date): Promise<Revocation[]>;
  /** Calls `listener` for each revocation published from now on, by any instance. */
  subscribe(listener: (revocation: Revocation) => void): Promise<Unsubscribe>;
}
