import type { AuthEventPayload } from '../../core/events';
import type {
  EventDayCount,
  IEventLog,
  LoggedEvent,
  TelemetryEvent,
  TelemetryFilter,
} from '../../stores/event-log';
import { DayCounter, entryMatches, pageOf } from '../../stores/event-match';
import { millis } from './api-key-codec';
import { DEFAULT_KEY_PREFIX, type RedisKeyOptions, type RedisLike } from './client';
import { guarded } from './errors';
import {
  compareStreamIds,
  decodeEntry,
  encodeEvent,
  isStreamId,
  parseStreamReply,
  type RawStreamEntry,
} from './event-codec';
import {
  APPEND_EVENT,
  DELETE_ENTRIES,
  ENTRIES_BY_ID,
  LATE_IDS,
  PRUNE_LATE,
  SET_FIELD,
  STREAM_RANGE,
  STREAM_REVRANGE,
  TRIM_BEFORE,
} from './event-log-scripts';

/**
 * How far an event's own time may be from the Redis clock at its append and still be found by
 * its stream id: the app servers' clocks and Redis's differ a little, and an event is appended a
 * moment after it happened. Events older than this at their append go into the late index.
 */
const CLOCK_SLACK_MS = 60_000;
/** Entries read per round trip when walking the stream. */
const BATCH = 500;
/** Late entries fetched (or pruned) per round trip. */
const LATE_BATCH = 200;

/** Options of {@link RedisEventLog}. */
export interface RedisEventLogOptions extends RedisKeyOptions {
  /**
   * Entries kept at most (`XADD … MAXLEN ~`, so Redis may keep a few more). Default: no cap;
   * retention (`retentionDays` of the tools) prunes by age.
   */
  maxLen?: number;
}

/**
 * {@link IEventLog} on a Redis Stream. Layout (under the key prefix):
 * - `events`: the stream; each entry holds `t` (the event's time, Unix ms) and `e` (its JSON).
 *   Ids are the stream's (`<ms>-<seq>`, the Redis clock at the append), unique and ordered
 *   however many instances append;
 * - `events-late`: a sorted set (score: event time) of the entries appended more than a minute
 *   after their own time (an imported or re-saved event), which stream ids cannot place;
 * - `events-cursors`: a hash of named readers' positions.
 * Because ids are times, `from` bounds a query as a stream id (minus a minute of clock slack),
 * and so does `to` (plus the slack) together with the late entries above it. `query` walks the
 * stream newest first and filters as it goes: O(entries walked), fine for an admin view; give
 * the SQL log for heavy telemetry queries. An event stamped more than a minute ahead of the Redis
 * clock is placed by its append time. Every method rejects with STORE_UNAVAILABLE (503) when
 * Redis cannot be reached.
 */
export class RedisEventLog implements IEventLog {
  private readonly streamKey: string;
  private readonly lateKey: string;
  private readonly cursorsKey: string;
  private readonly maxLen: number;

  constructor(
    private readonly client: RedisLike,
    options: RedisEventLogOptions = {},
  ) {
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.streamKey = `${prefix}events`;
    this.lateKey = `${prefix}events-late`;
    this.cursorsKey = `${prefix}events-cursors`;
    const { maxLen } = options;
    if (maxLen !== undefined && !(Number.isSafeInteger(maxLen) && maxLen > 0)) {
      throw new RangeError('keyward/redis: eventLog maxLen must be a positive whole number');
    }
    this.maxLen = maxLen ?? 0;
  }

  append(event: AuthEventPayload & { topic?: string }): Promise<LoggedEvent> {
    return guarded(async () => {
      const { time, json } = encodeEvent(event);
      const reply = await APPEND_EVENT.run(
        this.client,
        [this.streamKey, this.lateKey],
        [time, json, this.maxLen, CLOCK_SLACK_MS],
      );
      // What readers will see: the stored JSON, not the caller's object.
      return { ...(JSON.parse(json) as AuthEventPayload), id: String(reply) };
    });
  }

  async save(event: TelemetryEvent): Promise<void> {
    await this.append(event);
  }

  /** XRANGE with an exclusive start; a start that is not a stream id reads from the oldest. */
  readAfter(afterId: string | null, limit: number): Promise<LoggedEvent[]> {
    return guarded(async () => {
      const out: LoggedEvent[] = [];
      let start = afterId !== null && isStreamId(afterId) ? `(${afterId}` : '-';
      while (out.length < limit) {
        const want = Math.min(Math.ceil(limit - out.length), BATCH);
        const batch = await this.range(start, '+', want);
        // An entry that does not decode is passed over, so one bad entry cannot stall a reader.
        for (const raw of batch) push(out, decodeEntry(raw));
        if (batch.length < want) break;
        start = `(${batch[batch.length - 1]!.id}`;
      }
      return out;
    });
  }

  /** Newest first: late entries above the `to` bound (their ids are newest), then the walk. */
  query(filter: TelemetryFilter): Promise<LoggedEvent[]> {
    return guarded(async () => {
      const { limit, offset } = pageOf(filter);
      const bounds = idBounds(filter.from, filter.to);
      if (limit === 0 || !bounds) return [];
      const need = offset + limit;
      const found: LoggedEvent[] = [];
      const take = (entry: LoggedEvent | undefined) => {
        if (entry && found.length < need && entryMatches(entry, filter)) found.push(entry);
      };
      if (bounds.upperMs !== undefined) {
        const ids = await this.lateIdsAbove(filter.from, filter.to, bounds.upperMs);
        ids.sort((a, b) => compareStreamIds(b, a));
        for (let i = 0; i < ids.length && found.length < need; i += LATE_BATCH) {
          (await this.entriesById(ids.slice(i, i + LATE_BATCH))).forEach((r) =>
            take(decodeEntry(r)),
          );
        }
      }
      let end = bounds.upper;
      while (found.length < need) {
        const batch = await this.revRange(end, bounds.lower, BATCH);
        batch.forEach((raw) => take(decodeEntry(raw)));
        if (batch.length < BATCH) break;
        end = `(${batch[batch.length - 1]!.id}`;
      }
      return found.slice(offset, offset + limit);
    });
  }

  countByDay(events: string[], from: Date, to: Date, tenantId?: string): Promise<EventDayCount[]> {
    return guarded(async () => {
      const bounds = idBounds(from, to);
      if (events.length === 0 || !bounds) return [];
      const counter = new DayCounter(events, {
        from,
        to,
        ...(tenantId !== undefined && { tenantId }),
      });
      const count = (entry: LoggedEvent | undefined) => counter.add(entry);
      const late = await this.lateIdsAbove(from, to, bounds.upperMs ?? Infinity);
      for (let i = 0; i < late.length; i += LATE_BATCH) {
        (await this.entriesById(late.slice(i, i + LATE_BATCH))).forEach((r) =>
          count(decodeEntry(r)),
        );
      }
      let start = bounds.lower;
      for (;;) {
        const batch = await this.range(start, bounds.upper, BATCH);
        batch.forEach((raw) => count(decodeEntry(raw)));
        if (batch.length < BATCH) break;
        start = `(${batch[batch.length - 1]!.id}`;
      }
      return counter.result();
    });
  }

  /**
   * Three steps, each of which removes only entries older than `before`: XTRIM MINID up to
   * `before` minus the clock slack (entries whose time cannot be later than `before`), the late
   * entries older than `before` (by the index), then the entries within the slack of `before`,
   * read and compared one by one.
   */
  prune(before: Date): Promise<number> {
    return guarded(async () => {
      const at = millis(before);
      let removed = Number(
        await TRIM_BEFORE.run(this.client, [this.streamKey], [streamMs(at - CLOCK_SLACK_MS)]),
      );
      for (;;) {
        const reply = await PRUNE_LATE.run(
          this.client,
          [this.streamKey, this.lateKey],
          [at, LATE_BATCH],
        );
        const [deleted, members] = Array.isArray(reply) ? reply.map(Number) : [0, 0];
        removed += deleted ?? 0;
        if ((members ?? 0) < LATE_BATCH) break;
      }
      let start = streamMs(at - CLOCK_SLACK_MS);
      const end = streamMs(at + CLOCK_SLACK_MS);
      for (;;) {
        const batch = await this.range(start, end, BATCH);
        const old = batch.filter((raw) => raw.time < at).map((raw) => raw.id);
        if (old.length > 0) {
          removed += Number(await DELETE_ENTRIES.run(this.client, [this.streamKey], old));
        }
        if (batch.length < BATCH) break;
        start = `(${batch[batch.length - 1]!.id}`;
      }
      return removed;
    });
  }

  getCursor(name: string): Promise<string | null> {
    return guarded(() => this.client.hget(this.cursorsKey, name));
  }

  setCursor(name: string, id: string): Promise<void> {
    return guarded(async () => {
      await SET_FIELD.run(this.client, [this.cursorsKey], [name, id]);
    });
  }

  private async range(start: string, end: string, count: number): Promise<RawStreamEntry[]> {
    return parseStreamReply(
      await STREAM_RANGE.run(this.client, [this.streamKey], [start, end, count]),
    );
  }

  private async revRange(end: string, start: string, count: number): Promise<RawStreamEntry[]> {
    return parseStreamReply(
      await STREAM_REVRANGE.run(this.client, [this.streamKey], [end, start, count]),
    );
  }

  /** Ids of late entries with times in [from, to] whose ids lie above `upperMs` (the walk's end). */
  private async lateIdsAbove(
    from: Date | undefined,
    to: Date | undefined,
    upperMs: number,
  ): Promise<string[]> {
    const reply = await LATE_IDS.run(
      this.client,
      [this.lateKey],
      [timeOf(from) ?? '-inf', timeOf(to) ?? '+inf'],
    );
    const ids = Array.isArray(reply) ? reply.map(String) : [];
    return ids.filter((id) => Number(id.slice(0, id.indexOf('-'))) > upperMs);
  }

  private async entriesById(ids: string[]): Promise<RawStreamEntry[]> {
    if (ids.length === 0) return [];
    return parseStreamReply(
      await ENTRIES_BY_ID.run(this.client, [this.streamKey, this.lateKey], ids),
    );
  }
}

/**
 * The stream ids a time filter spans: from `from` minus the slack to `to` plus the slack
 * (`upperMs`, absent without `to`). Null when the filter can match nothing (from after to).
 */
function idBounds(
  from: Date | undefined,
  to: Date | undefined,
): { lower: string; upper: string; upperMs: number | undefined } | null {
  const fromMs = timeOf(from);
  const toMs = timeOf(to);
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) return null;
  const lower = fromMs === undefined ? '-' : streamMs(fromMs - CLOCK_SLACK_MS);
  if (toMs === undefined) return { lower, upper: '+', upperMs: undefined };
  const upperMs = Math.max(0, toMs + CLOCK_SLACK_MS);
  return { lower, upper: String(upperMs), upperMs };
}

/** A bound's time; an invalid Date bounds nothing, as entryMatches treats it. */
function timeOf(date: Date | undefined): number | undefined {
  const ms = date?.getTime();
  return ms !== undefined && Number.isFinite(ms) ? ms : undefined;
}

/** A time as an incomplete stream id (Redis reads `<ms>` as `<ms>-0` for a start, `<ms>-max` for an end). */
function streamMs(ms: number): string {
  return String(Math.max(0, Math.floor(ms)));
}

function push(out: LoggedEvent[], entry: LoggedEvent | undefined): void {
  if (entry) out.push(entry);
}
