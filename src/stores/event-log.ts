import type { AuthEventPayload } from './event-payload';

/**
 * One entry of the event log: an event as the bus published it, plus the id the log gave it.
 * Ids are unique and ordered within one log (later appends get greater ids), but their format
 * belongs to the log (a padded counter, a SQL sequence, a Redis Stream id): compare them only
 * through the log.
 */
export interface LoggedEvent extends AuthEventPayload {
  id: string;
  /**
   * Set on notifications (`tools.notify`): the one stream topic the entry is for
   * (`user:42`, `tenant:acme`, …). Events of the bus have none; their topics are derived.
   */
  topic?: string;
}

/** The reference's name for a stored event; in keyward it is an entry of the event log. */
export type TelemetryEvent = LoggedEvent;

/** What to read back from the log (`GET /tools/telemetry`, the admin's Events view). */
export interface TelemetryFilter {
  /** An exact event name, or a prefix ending in `*` (`identity.auth.*`). */
  event?: string;
  userId?: string;
  tenantId?: string;
  /** Inclusive bounds on `timestamp`. */
  from?: Date;
  to?: Date;
  /** Default 100; implementations cap it at 1,000. */
  limit?: number;
  offset?: number;
}

/**
 * Where tracked events are kept, as the reference defines it. `query` (newest first) switches
 * on `GET /tools/telemetry`. Every event log is one, so telemetry needs no second copy.
 */
export interface ITelemetryStore {
  save(event: TelemetryEvent): Promise<void>;
  query?(filter: TelemetryFilter): Promise<TelemetryEvent[]>;
}

/** Events of one name counted per UTC day (the admin's Overview charts). */
export interface EventDayCount {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  event: string;
  count: number;
}

/**
 * The durable event log every tool reads from: events are appended before anything is
 * delivered, SSE resumes from it (`Last-Event-ID`), webhook delivery walks it with a cursor, and
 * telemetry queries it. Implementations: in memory (one process), a SQL table, a Redis Stream.
 */
export interface IEventLog extends ITelemetryStore {
  /** Appends the event and returns it with its new id (greater than every id before it). */
  append(event: AuthEventPayload & { topic?: string }): Promise<LoggedEvent>;
  /** Appends, keeping nothing of `event.id` (ids are the log's to give). */
  save(event: TelemetryEvent): Promise<void>;
  /**
   * Entries with ids greater than `afterId` (all entries when `null`), oldest first, at most
   * `limit`. An id the log never gave (or one already pruned) reads from the oldest entry kept.
   * A log whose ids can become visible out of order (concurrent SQL transactions) must not
   * return an entry while an earlier id may still appear.
   */
  readAfter(afterId: string | null, limit: number): Promise<LoggedEvent[]>;
  /** Newest first. */
  query(filter: TelemetryFilter): Promise<LoggedEvent[]>;
  /** How many events of each of `events` happened on each UTC day in [from, to]. */
  countByDay(events: string[], from: Date, to: Date, tenantId?: string): Promise<EventDayCount[]>;
  /** Removes entries older than `before`; returns how many. Retention calls it. */
  prune(before: Date): Promise<number>;
  /** A named reader's position (the webhook dispatcher's), shared by every instance. */
  getCursor(name: string): Promise<string | null>;
  setCursor(name: string, id: string): Promise<void>;
}
