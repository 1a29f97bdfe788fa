import type { IRevocationFeed, Revocation, Unsubscribe } from '../../stores/revocation';
import { requireMillis } from './codec';
import type { SqlContext } from './dialect';
import type { SqlRevocationFeedOptions } from './revocation-feed-options';

/**
 * Rows whose ids are this far below the cursor are read again: an id is taken when the insert
 * begins, so a row can become visible after a higher one (two instances inserting at once).
 */
const LOOKBACK_IDS = 64;
const BATCH = 1000;
/** Old rows are deleted by a publish at most this often. */
const PRUNE_EVERY_MS = 60_000;

/** A row as read back (drivers return BIGINTs as numbers, strings or bigints). */
interface Row {
  id: string | number | bigint;
  kind: string;
  session_id: string | null;
  user_id: string | null;
  at: string | number | bigint;
}

function toRevocation(row: Row): Revocation | undefined {
  const at = requireMillis(row.at);
  if (row.kind === 'session' && row.session_id) {
    return row.user_id
      ? { kind: 'session', sessionId: row.session_id, userId: row.user_id, at }
      : { kind: 'session', sessionId: row.session_id, at };
  }
  if (row.kind === 'user' && row.user_id) return { kind: 'user', userId: row.user_id, at };
  return undefined; // a kind a newer version wrote: not ours to judge
}

/**
 * {@link IRevocationFeed} on a table (migration 0005): `publish` inserts a row, `subscribe`
 * polls for rows past its cursor every `pollIntervalMs`. Works on every dialect with nothing
 * but the pool the stores already use.
 */
export class SqlRevocationFeed implements IRevocationFeed {
  private readonly pollMs: number;
  private readonly retentionMs: number;
  private readonly onError: ((err: unknown) => void) | undefined;
  private lastPrune = 0;

  constructor(
    private readonly ctx: SqlContext,
    options: SqlRevocationFeedOptions = {},
  ) {
    this.pollMs = options.pollIntervalMs ?? 1000;
    this.retentionMs = (options.retentionSeconds ?? 86_400) * 1000;
    this.onError = options.onError;
  }

  async publish(revocation: Revocation): Promise<void> {
    await this.ctx.db
      .insertInto('revocations')
      .values({
        kind: revocation.kind,
        session_id: revocation.kind === 'session' ? revocation.sessionId : null,
        user_id: revocation.userId ?? null,
        at: revocation.at.getTime(),
      })
      .execute();
    const now = Date.now();
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      await this.ctx.db
        .deleteFrom('revocations')
        .where('at', '<', now - this.retentionMs)
        .execute();
    }
  }

  async since(since: Date): Promise<Revocation[]> {
    const rows = await this.ctx.db
      .selectFrom('revocations')
      .select(['id', 'kind', 'session_id', 'user_id', 'at'])
      .where('at', '>=', since.getTime())
      .orderBy('id')
      .execute();
    return rows.map(toRevocation).filter((r): r is Revocation => r !== undefined);
  }

  async subscribe(listener: (revocation: Revocation) => void): Promise<Unsubscribe> {
    const { db } = this.ctx;
    const top = await db
      .selectFrom('revocations')
      .select((eb) => eb.fn.max('id').as('top'))
      .executeTakeFirst();
    const health = new PollHealth(this.onError);
    return startPolling(this.ctx, Number(top?.top ?? 0), this.pollMs, listener, health);
  }
}

/** One subscriber's poller: a chain of timeouts, so a slow query never overlaps the next. */
function startPolling(
  ctx: SqlContext,
  start: number,
  pollMs: number,
  listener: (revocation: Revocation) => void,
  health: PollHealth,
): Unsubscribe {
  let cursor = start;
  const seen = new Set<number>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const poll = async () => {
    const rows = await ctx.db
      .selectFrom('revocations')
      .select(['id', 'kind', 'session_id', 'user_id', 'at'])
      .where('id', '>', Math.max(start, cursor - LOOKBACK_IDS))
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of rows) {
      const id = Number(row.id);
      if (seen.has(id)) continue;
      seen.add(id);
      cursor = Math.max(cursor, id);
      const revocation = toRevocation(row);
      if (revocation && !stopped) listener(revocation);
    }
    for (const id of seen) if (id <= cursor - LOOKBACK_IDS) seen.delete(id);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = poll()
        .then(
          () => health.ok(),
          (err: unknown) => health.failed(err),
        )
        .finally(schedule);
    }, pollMs);
    // A poller alone must not keep the process alive (tests, graceful shutdown).
    timer.unref();
  };
  schedule();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running.catch(() => undefined);
  };
}

/** Hands failures to `onError`, or logs the first failure of each outage and no more. */
class PollHealth {
  private failing = false;
  constructor(private readonly onError: ((err: unknown) => void) | undefined) {}

  ok(): void {
    this.failing = false;
  }

  failed(err: unknown): void {
    if (this.onError) return this.onError(err);
    if (this.failing) return;
    this.failing = true;
    console.error('[keyward sql] revocation feed: polling failed; retrying every poll', err);
  }
}
