import type { EventDayCount, LoggedEvent, TelemetryFilter } from './event-log';
import type { WebhookConfig } from './webhook';

/**
 * Whether a subscription pattern takes an event name: `"*"` takes all, `"identity.auth.*"` takes
 * that prefix, anything else must match exactly. Shared by every store so they all agree.
 */
export function eventMatches(pattern: string, event: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return event.startsWith(pattern.slice(0, -1));
  return pattern === event;
}

/** Whether an active webhook wants this event of this tenant (global webhooks take every tenant). */
export function webhookWants(hook: WebhookConfig, event: string, tenantId?: string): boolean {
  if (hook.isActive === false) return false;
  if (hook.tenantId !== undefined && hook.tenantId !== null && hook.tenantId !== tenantId) {
    return false;
  }
  return hook.events.some((pattern) => eventMatches(pattern, event));
}

/** Whether a log entry passes a telemetry filter (for stores that filter in memory). */
export function entryMatches(entry: LoggedEvent, filter: TelemetryFilter): boolean {
  if (filter.event !== undefined && !filterEventMatches(filter.event, entry.event)) return false;
  if (filter.userId !== undefined && entry.userId !== filter.userId) return false;
  if (filter.tenantId !== undefined && entry.tenantId !== filter.tenantId) return false;
  const at = Date.parse(entry.timestamp);
  if (filter.from && at < filter.from.getTime()) return false;
  if (filter.to && at > filter.to.getTime()) return false;
  return true;
}

/** A filter's `event`: exact, or a prefix ending in `*`. */
function filterEventMatches(pattern: string, event: string): boolean {
  return pattern.endsWith('*') ? event.startsWith(pattern.slice(0, -1)) : pattern === event;
}

/** The page a filter asks for: limit defaults to 100 and is capped at 1,000. */
export function pageOf(filter: { limit?: number; offset?: number }): {
  limit: number;
  offset: number;
} {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 0), 1000);
  const offset = Math.max(Math.trunc(filter.offset ?? 0), 0);
  return { limit, offset };
}

/** `YYYY-MM-DD` of an ISO timestamp, in UTC. */
export function utcDay(timestamp: string | Date): string {
  return new Date(timestamp).toISOString().slice(0, 10);
}

/**
 * Counts log entries per UTC day and event for `countByDay`, in stores that count in memory:
 * only entries of the wanted events that pass the filter (`from`, `to`, `tenantId`) count.
 */
export class DayCounter {
  private readonly wanted: Set<string>;
  private readonly counts = new Map<string, EventDayCount>();

  constructor(
    events: string[],
    private readonly filter: TelemetryFilter,
  ) {
    this.wanted = new Set(events);
  }

  add(entry: LoggedEvent | undefined): void {
    if (!entry || !this.wanted.has(entry.event) || !entryMatches(entry, this.filter)) return;
    const day = utcDay(entry.timestamp);
    const key = `${day} ${entry.event}`;
    const count = this.counts.get(key) ?? { day, event: entry.event, count: 0 };
    count.count += 1;
    this.counts.set(key, count);
  }

  /** By day, then event. */
  result(): EventDayCount[] {
    return [...this.counts.values()].sort(
      (a, b) => a.day.localeCompare(b.day) || a.event.localeCompare(b.event),
    );
  }
}
