import type { LoggedEvent } from './event-log';
import type { Unsubscribe } from './revocation';

/**
 * Carries each logged event to every instance of the app, so a stream held by one instance hears
 * an event appended on another. In memory (one process) or Redis pub/sub. Delivery is
 * best-effort: a stream that misses one resumes from the log with `Last-Event-ID`.
 */
export interface IEventBroadcast {
  /** Sends to every subscriber on every instance, this one included. */
  publish(event: LoggedEvent): Promise<void>;
  subscribe(listener: (event: LoggedEvent) => void): Promise<Unsubscribe>;
  /** Releases connections (Redis); the in-memory broadcast has nothing to release. */
  close?(): Promise<void>;
}
