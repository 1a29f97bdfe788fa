import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { IRateLimitStore, RateLimitHit } from '../../stores/rate-limit';
import { requireMillis, toCount } from './codec';
import type { SqlContext } from './dialect';

/** Expired windows are deleted on every this-many hits of one store (housekeeping only). */
const SWEEP_EVERY = 200;

/** Keys carry email addresses and can be long: the table keeps a fixed-length SHA-256. */
const keyHash = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

function windowOf(windowMs: number): number {
  if (!(windowMs > 0)) throw new RangeError('windowMs must be a positive number');
  return Math.max(1, Math.ceil(windowMs));
}

/**
 * PostgreSQL and SQLite: one upsert that starts a window (or a new one once the stored window
 * has ended) or adds the hit, and returns the row as it now is. Concurrent hits on one key are
 * serialised on the row by the database, so every hit is counted once.
 */
async function hitReturning(ctx: SqlContext, key_hash: string, now: number, end: number) {
  return ctx.db
    .insertInto('rate_limits')
    .values({ key_hash, hits: 1, reset_at: end })
    .onConflict((oc) =>
      oc.column('key_hash').doUpdateSet((eb) => {
        const ended = eb('rate_limits.reset_at', '<=', now);
        return {
          hits: eb
            .case()
            .when(ended)
            .then(1)
            .else(eb('rate_limits.hits', '+', 1))
            .end(),
          reset_at: eb.case().when(ended).then(end).else(eb.ref('rate_limits.reset_at')).end(),
        };
      }),
    )
    .returning(['hits', 'reset_at'])
    .executeTakeFirstOrThrow();
}

/**
 * MySQL/MariaDB have no RETURNING on an upsert: the upsert and a locking read of the row run in
 * one transaction. The upsert holds the row's lock until the commit, so the read sees this hit's
 * count and no other. Assignments run left to right there, so `hits` is computed while
 * `reset_at` still holds the old window end.
 */
async function hitInTransaction(ctx: SqlContext, key_hash: string, now: number, end: number) {
  return ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('rate_limits')
      .values({ key_hash, hits: 1, reset_at: end })
      .onDuplicateKeyUpdate({
        hits: sql<number>`if(reset_at <= ${now}, 1, hits + 1)`,
        reset_at: sql<number>`if(reset_at <= ${now}, ${end}, reset_at)`,
      })
      .execute();
    return trx
      .selectFrom('rate_limits')
      .select(['hits', 'reset_at'])
      .where('key_hash', '=', key_hash)
      .forUpdate()
      .executeTakeFirstOrThrow();
  });
}

async function sweep(ctx: SqlContext): Promise<void> {
  try {
    await ctx.db.deleteFrom('rate_limits').where('reset_at', '<=', Date.now()).execute();
  } catch {
    // Only housekeeping: an ended window is restarted by the next hit anyway.
  }
}

/**
 * {@link IRateLimitStore} on SQL (migration 0004): fixed windows, one row per key. Window ends
 * are computed on the application's clock, so instances sharing the database should keep their
 * clocks in sync (NTP); a skew of a few seconds only moves a window's end by as much.
 */
export class SqlRateLimitStore implements IRateLimitStore {
  private hitsSinceSweep = 0;

  constructor(private readonly ctx: SqlContext) {}

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const now = Date.now();
    const end = now + windowOf(windowMs);
    const hash = keyHash(key);
    const row =
      this.ctx.dialect === 'mysql'
        ? await hitInTransaction(this.ctx, hash, now, end)
        : await hitReturning(this.ctx, hash, now, end);
    if (++this.hitsSinceSweep >= SWEEP_EVERY) {
      this.hitsSinceSweep = 0;
      await sweep(this.ctx);
    }
    return { count: toCount(row.hits), resetAt: requireMillis(row.reset_at) };
  }

  async reset(key: string): Promise<void> {
    await this.ctx.db.deleteFrom('rate_limits').where('key_hash', '=', keyHash(key)).execute();
  }

  /** A plain read: an ended window may still have its row (the sweep is lazy), so it is filtered. */
  async peek(key: string): Promise<number> {
    const row = await this.ctx.db
      .selectFrom('rate_limits')
      .select('hits')
      .where('key_hash', '=', keyHash(key))
      .where('reset_at', '>', Date.now())
      .executeTakeFirst();
    return row ? toCount(row.hits) : 0;
  }
}
