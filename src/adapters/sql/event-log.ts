import { sql, type Insertable, type Selectable } from 'kysely';
import type { AuthEventPayload } from '../../core/events';
import type {
  EventDayCount,
  IEventLog,
  LoggedEvent,
  TelemetryEvent,
  TelemetryFilter,
} from '../../stores/event-log';
import { pageOf, utcDay } from '../../stores/event-match';
import { fromFlag, fromJson, requireMillis, toCount, toJson, toMillis } from './codec';
import { databaseNowMs, startsWithText, type SqlContext } from './dialect';
import type { EventLogTable } from './schema';

/** The default of `eventLogGapHoldMs`. */
export const DEFAULT_GAP_HOLD_MS = 5_000;
const DAY_MS = 86_400_000;

/** `eventLogGapHoldMs` checked once at setup: a whole number of ms, 0 or more. */
export function gapHoldMsOf(value: number | undefined): number {
  const ms = value ?? DEFAULT_GAP_HOLD_MS;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new TypeError('keyward/sql: eventLogGapHoldMs must be a number of ms, 0 or more');
  }
  return Math.floor(ms);
}

type Row = Selectable<EventLogTable>;

/** What `append` writes, `inserted_at` aside. */
function toRow(
  event: AuthEventPayload & { topic?: string },
): Omit<Insertable<EventLogTable>, 'inserted_at'> {
  return {
    event: event.event,
    ts: toMillis(event.timestamp) ?? Date.now(),
    user_id: event.userId ?? null,
    tenant_id: event.tenantId ?? null,
    session_id: event.sessionId ?? null,
    ip: event.ip ?? null,
    topic: event.topic ?? null,
    data: event.data === undefined ? null : toJson(event.data),
    pruned: 0,
  };
}

/** The columns an entry is made of. */
type EntryColumns = Omit<Row, 'inserted_at' | 'pruned'>;

/** A row as an entry: NULL columns are left out, as the type asks. */
function toEntry(row: EntryColumns): LoggedEvent {
  const entry: LoggedEvent = {
    id: String(row.id),
    event: row.event,
    timestamp: requireMillis(row.ts).toISOString(),
  };
  if (row.user_id !== null) entry.userId = row.user_id;
  if (row.tenant_id !== null) entry.tenantId = row.tenant_id;
  if (row.session_id !== null) entry.sessionId = row.session_id;
  if (row.ip !== null) entry.ip = row.ip;
  if (row.topic !== null) entry.topic = row.topic;
  const data = fromJson<Record<string, unknown>>(row.data);
  if (data !== undefined) entry.data = data;
  return entry;
}

/** An id this log gave (a positive integer), or null for anything else. */
function parseId(id: string | null): number | null {
  if (id === null || !/^[0-9]{1,15}$/.test(id)) return null;
  return Number(id);
}

/** `floor(ts / day)` with integer arithmetic only, so every dialect agrees (also before 1970). */
const DAY_OF_TS = sql<number>`(ts - ((ts % ${sql.lit(DAY_MS)}) + ${sql.lit(DAY_MS)}) % ${sql.lit(DAY_MS)}) / ${sql.lit(DAY_MS)}`;

/**
 * {@link IEventLog} on a table (migration 0007). Ids come from the table's auto-increment
 * column, so every instance appends to one sequence.
 *
 * **The gap rule.** An id is taken when an insert starts and becomes visible when it commits,
 * so with two instances appending at once, id N+1 can be visible while N is still in flight. A
 * reader that moved past N+1 would never see N. So `readAfter` walks the ids in order and stops
 * at the first gap (a missing id) while the row after it was written less than
 * `eventLogGapHoldMs` ago (by the database's clock): the gap is then likely an insert about to
 * commit, and the next read continues once it has. An older gap is an insert that rolled back
 * (or one that ran longer than the hold: its entry is then skipped), and reading goes on past
 * it. SQLite needs no rule: its writers commit one at a time, in id order.
 *
 * `prune` must not make gaps that look in flight either: it deletes only rows before the one
 * just below the oldest recent row, and marks the rest as pruned (reads skip them); a later
 * prune deletes them once they are old. Ids must grow by one (MySQL's
 * `auto_increment_increment` = 1, the default); with larger steps every entry waits out the
 * hold.
 */
export class SqlEventLog implements IEventLog {
  constructor(
    private readonly ctx: SqlContext,
    private readonly holdMs: number,
  ) {}

  async append(event: AuthEventPayload & { topic?: string }): Promise<LoggedEvent> {
    const row = toRow(event);
    const query = this.ctx.db
      .insertInto('event_log')
      .values({ ...row, inserted_at: databaseNowMs(this.ctx) });
    let id: string | number | bigint | undefined;
    if (this.ctx.dialect === 'postgres') {
      id = (await query.returning('id').executeTakeFirstOrThrow()).id;
    } else {
      id = (await query.executeTakeFirstOrThrow()).insertId;
    }
    if (id === undefined) throw new Error('keyward/sql: the event log insert returned no id');
    return toEntry({ ...(row as EntryColumns), id });
  }

  async save(event: TelemetryEvent): Promise<void> {
    const rest: AuthEventPayload & { id?: string; topic?: string } = { ...event };
    delete rest.id;
    await this.append(rest);
  }

  async readAfter(afterId: string | null, limit: number): Promise<LoggedEvent[]> {
    const wanted = Math.max(0, Math.floor(limit));
    const hold = this.ctx.dialect === 'sqlite' ? 0 : this.holdMs;
    const found: LoggedEvent[] = [];
    let previous = parseId(afterId) ?? 0;
    // Rows pruned while young still take part in the gap rule but are not returned, so a batch
    // may yield fewer entries than it read: read on until `limit` or the end.
    while (found.length < wanted) {
      const batch = wanted - found.length;
      const rows = await this.ctx.db
        .selectFrom('event_log')
        .selectAll()
        .select(
          sql<number>`case when inserted_at > ${databaseNowMs(this.ctx)} - ${sql.lit(hold)} then 1 else 0 end`.as(
            'young',
          ),
        )
        .where('id', '>', previous)
        .orderBy('id')
        .limit(batch)
        .execute();
      for (const row of rows) {
        const id = Number(row.id);
        if (hold > 0 && id !== previous + 1 && Number(row.young) === 1) return found;
        previous = id;
        if (!fromFlag(row.pruned)) found.push(toEntry(row));
      }
      if (rows.length < batch) break;
    }
    return found;
  }

  /** Newest first by the events' own timestamps (entries of one millisecond by id). */
  async query(filter: TelemetryFilter): Promise<LoggedEvent[]> {
    const { limit, offset } = pageOf(filter);
    if (limit === 0) return [];
    const { event, userId, tenantId, from, to } = filter;
    const rows = await this.ctx.db
      .selectFrom('event_log')
      .selectAll()
      .where('pruned', '=', 0)
      .$call((q) => {
        if (event === undefined) return q;
        if (!event.endsWith('*')) return q.where('event', '=', event);
        const prefix = event.slice(0, -1);
        return prefix === '' ? q : q.where(startsWithText(this.ctx, 'event', prefix));
      })
      .$call((q) => (userId === undefined ? q : q.where('user_id', '=', userId)))
      .$call((q) => (tenantId === undefined ? q : q.where('tenant_id', '=', tenantId)))
      .$call((q) => (from === undefined ? q : q.where('ts', '>=', from.getTime())))
      .$call((q) => (to === undefined ? q : q.where('ts', '<=', to.getTime())))
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toEntry);
  }

  /** Grouped in the database, by event and by `floor(ts / 1 day)`. */
  async countByDay(
    events: string[],
    from: Date,
    to: Date,
    tenantId?: string,
  ): Promise<EventDayCount[]> {
    if (events.length === 0) return [];
    const rows = await this.ctx.db
      .selectFrom('event_log')
      .select(['event', DAY_OF_TS.as('day'), (eb) => eb.fn.countAll().as('count')])
      .where('pruned', '=', 0)
      .where('event', 'in', events)
      .where('ts', '>=', from.getTime())
      .where('ts', '<=', to.getTime())
      .$call((q) => (tenantId === undefined ? q : q.where('tenant_id', '=', tenantId)))
      .groupBy(['event', DAY_OF_TS])
      .execute();
    return rows
      .map((r) => ({
        day: utcDay(new Date(Number(r.day) * DAY_MS)),
        event: r.event,
        count: toCount(r.count),
      }))
      .sort((a, b) => a.day.localeCompare(b.day) || a.event.localeCompare(b.event));
  }

  /** Counts the entries it removed (deleted, or marked as pruned when deleting would look in flight). */
  async prune(before: Date): Promise<number> {
    const cutoff = before.getTime();
    const { db } = this.ctx;
    if (this.ctx.dialect === 'sqlite' || this.holdMs === 0) {
      const result = await db.deleteFrom('event_log').where('ts', '<', cutoff).executeTakeFirst();
      return toCount(result.numDeletedRows);
    }
    const keepFrom = await firstIdToKeep(this.ctx, this.holdMs);
    if (keepFrom === null) return 0;
    const deleted = await db
      .deleteFrom('event_log')
      .where('ts', '<', cutoff)
      .where('pruned', '=', 0)
      .where('id', '<', keepFrom)
      .executeTakeFirst();
    const marked = await db
      .updateTable('event_log')
      .set({ pruned: 1 })
      .where('ts', '<', cutoff)
      .where('pruned', '=', 0)
      .executeTakeFirst();
    // Rows marked by earlier prunes, now old enough to go.
    await db.deleteFrom('event_log').where('pruned', '=', 1).where('id', '<', keepFrom).execute();
    return toCount(deleted.numDeletedRows) + toCount(marked.numUpdatedRows);
  }

  async getCursor(name: string): Promise<string | null> {
    const row = await this.ctx.db
      .selectFrom('event_cursors')
      .select('event_id')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.event_id ?? null;
  }

  async setCursor(name: string, id: string): Promise<void> {
    const insert = this.ctx.db.insertInto('event_cursors').values({ name, event_id: id });
    await (
      this.ctx.dialect === 'mysql'
        ? insert.onDuplicateKeyUpdate({ event_id: id })
        : insert.onConflict((oc) => oc.column('name').doUpdateSet({ event_id: id }))
    ).execute();
  }
}

/**
 * Rows with smaller ids than this may be deleted: the row it names (just below the oldest row
 * written within the hold) stays, so a deletion never opens a gap right before a recent row.
 * Null when the log is empty.
 */
async function firstIdToKeep(ctx: SqlContext, holdMs: number): Promise<number | null> {
  const young = await ctx.db
    .selectFrom('event_log')
    .select((eb) => eb.fn.min('id').as('id'))
    .where(sql<boolean>`inserted_at > ${databaseNowMs(ctx)} - ${sql.lit(holdMs)}`)
    .executeTakeFirst();
  if (young?.id !== null && young?.id !== undefined) return Number(young.id) - 1;
  const newest = await ctx.db
    .selectFrom('event_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  if (newest?.id === null || newest?.id === undefined) return null;
  return Number(newest.id);
}
