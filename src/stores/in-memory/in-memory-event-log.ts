import type { AuthEventPayload } from '../event-payload';
import type {
  EventDayCount,
  IEventLog,
  LoggedEvent,
  TelemetryEvent,
  TelemetryFilter,
} from '../event-log';
import { DayCounter, entryMatches, pageOf } from '../event-match';

/** Options of {@link InMemoryEventLog}. */
export interface InMemoryEventLogOptions {
  /** Entries kept (up to a tenth more between trims); the oldest go first. Default 10,000. */
  maxEntries?: number;
}

/**
 * The event log in process memory: the default. Ids are a zero-padded counter, so they sort as
 * strings too. A restart loses it, and with it the webhook deliveries not yet made; give the SQL
 * or Redis log when that matters.
 */
export class InMemoryEventLog implements IEventLog {
  private entries: LoggedEvent[] = [];
  private counter = 0;
  private readonly cursors = new Map<string, string>();
  private readonly maxEntries: number;

  constructor(options: InMemoryEventLogOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  async append(event: AuthEventPayload & { topic?: string }): Promise<LoggedEvent> {
    this.counter += 1;
    const entry: LoggedEvent = { ...clone(event), id: String(this.counter).padStart(16, '0') };
    this.entries.push(entry);
    // Trimmed in chunks of a tenth: dropping one entry per append would shift the whole array
    // on every event once the log is full.
    if (this.entries.length > this.maxEntries + Math.ceil(this.maxEntries / 10)) {
      this.entries.splice(0, this.entries.length - this.maxEntries);
    }
    return clone(entry);
  }

  async save(event: TelemetryEvent): Promise<void> {
    const rest: AuthEventPayload & { id?: string; topic?: string } = { ...event };
    delete rest.id;
    await this.append(rest);
  }

  async readAfter(afterId: string | null, limit: number): Promise<LoggedEvent[]> {
    const after = afterId === null ? -1 : Number(afterId);
    const from = Number.isFinite(after) ? this.entries.findIndex((e) => Number(e.id) > after) : 0;
    if (from < 0) return [];
    return this.entries.slice(from, from + limit).map(clone);
  }

  async query(filter: TelemetryFilter): Promise<LoggedEvent[]> {
    const { limit, offset } = pageOf(filter);
    const found: LoggedEvent[] = [];
    for (let i = this.entries.length - 1; i >= 0 && found.length < offset + limit; i--) {
      const entry = this.entries[i]!;
      if (entryMatches(entry, filter)) found.push(entry);
    }
    return found.slice(offset).map(clone);
  }

  async countByDay(
    events: string[],
    from: Date,
    to: Date,
    tenantId?: string,
  ): Promise<EventDayCount[]> {
    const counter = new DayCounter(events, {
      from,
      to,
      ...(tenantId !== undefined && { tenantId }),
    });
    for (const entry of this.entries) counter.add(entry);
    return counter.result();
  }

  async prune(before: Date): Promise<number> {
    const kept = this.entries.filter((e) => Date.parse(e.timestamp) >= before.getTime());
    const removed = this.entries.length - kept.length;
    this.entries = kept;
    return removed;
  }

  async getCursor(name: string): Promise<string | null> {
    return this.cursors.get(name) ?? null;
  }

  async setCursor(name: string, id: string): Promise<void> {
    this.cursors.set(name, id);
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
