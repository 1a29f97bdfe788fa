import {
  Kysely,
  MysqlDialect,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Dialect,
  type InsertQueryBuilder,
  type MysqlPool,
  type PostgresPool,
  type RawBuilder,
  type SqlBool,
  type SqliteDatabase,
} from 'kysely';
import { EncodedText, PostgresTextPlugin, encodePgText } from './codec';
import { TablePrefixPlugin } from './prefix';
import type { SqlDatabase } from './schema';
import type { SqlRevocationFeedOptions } from './revocation-feed-options';

export type SqlDialectName = 'postgres' | 'mysql' | 'sqlite';

/**
 * Options shared by every dialect. The pool/database types are Kysely's structural driver
 * interfaces, not the drivers' own classes: `keyward/sql` never loads a driver, and its type
 * declarations need none of `@types/pg`, `mysql2` or `@types/better-sqlite3`.
 */
interface CommonOptions {
  /** Prepended to every table, index and migration table name. Default `keyward_`. */
  tablePrefix?: string;
  /** How long a stashed pending link stays retrievable, in seconds. Default 3600 (1 h). */
  pendingLinkTtlSeconds?: number;
  /** Poll interval, retention and error hook of `revocationFeed`. */
  revocationFeed?: SqlRevocationFeedOptions;
  /**
   * Days `apiKeyStore` keeps usage (audit) entries. Default 90. Older entries are deleted by
   * `logUsage` (at most once a minute per instance) and by `apiKeyStore.deleteOldUsage()`.
   */
  apiKeyUsageRetentionDays?: number;
  /**
   * How long `eventLog.readAfter` waits at a gap in the ids, in ms (default 5000): an id whose
   * insert has not committed yet may still appear there (see the SQL event log). 0 never waits.
   * Ignored on SQLite, whose writers commit one at a time in id order.
   */
  eventLogGapHoldMs?: number;
}

export interface PostgresStoresOptions extends CommonOptions {
  dialect: 'postgres';
  /** A `pg` Pool. Closed by `destroy()`. */
  pool: PostgresPool;
}

export interface MysqlStoresOptions extends CommonOptions {
  dialect: 'mysql';
  /** A `mysql2` pool: a callback pool or a `mysql2/promise` pool. Closed by `destroy()`. */
  pool: MysqlPool | { readonly pool: MysqlPool };
}

export interface SqliteStoresOptions extends CommonOptions {
  dialect: 'sqlite';
  /** A `better-sqlite3` Database. Closed by `destroy()`. */
  database: SqliteDatabase;
}

export type SqlStoresOptions = PostgresStoresOptions | MysqlStoresOptions | SqliteStoresOptions;

interface Emitter {
  on(event: string, listener: (arg: unknown) => void): unknown;
  listenerCount(event: string): number;
}

function isEmitter(value: unknown): value is Emitter {
  const v = value as Partial<Emitter> | null;
  return typeof v?.on === 'function' && typeof v.listenerCount === 'function';
}

const ignore = () => undefined;

/**
 * Connections that die emit 'error' events: the pool's for an idle connection (the server
 * restarted, a proxy dropped it), and with pg also the connection's own while it is checked out
 * for a query. An 'error' event nobody listens to throws and takes the process down, so:
 * - the pool gets a listener that ignores it when the app has attached none (the pool has
 *   already discarded the connection);
 * - with pg, every new connection gets one too (pg-pool only listens while a connection is
 *   idle, and Kysely attaches none), because the query running on it rejects with the same error
 *   anyway, and the stores report that as STORE_UNAVAILABLE.
 * Connections the pool opened before the stores were created do not get the second listener.
 */
function surviveConnectionErrors(pool: unknown, perConnection: boolean): void {
  if (!isEmitter(pool)) return;
  if (pool.listenerCount('error') === 0) pool.on('error', ignore);
  if (perConnection) {
    pool.on('connect', (connection) => {
      if (isEmitter(connection)) connection.on('error', ignore);
    });
  }
}

/** A mysql2/promise pool wraps the callback pool Kysely drives as `.pool`. */
function callbackPool(pool: MysqlStoresOptions['pool']): MysqlPool {
  const inner = (pool as { pool?: unknown }).pool;
  if (inner && typeof (inner as Partial<MysqlPool>).getConnection === 'function') {
    return inner as MysqlPool;
  }
  return pool as MysqlPool;
}

function kyselyDialect(options: SqlStoresOptions): Dialect {
  switch (options.dialect) {
    case 'postgres':
      surviveConnectionErrors(options.pool, true);
      return new PostgresDialect({ pool: options.pool });
    case 'mysql': {
      const pool = callbackPool(options.pool);
      surviveConnectionErrors(pool, false);
      return new MysqlDialect({ pool });
    }
    case 'sqlite':
      return new SqliteDialect({ database: options.database });
    default: {
      const dialect: never = options;
      throw new TypeError(`keyward/sql: unknown dialect ${JSON.stringify(dialect)}`);
    }
  }
}

/** Everything a store needs: the query builder and the few dialect differences. */
export interface SqlContext {
  readonly db: Kysely<SqlDatabase>;
  readonly dialect: SqlDialectName;
  readonly prefix: string;
  readonly pendingLinkTtlMs: number;
}

export function openContext(options: SqlStoresOptions, prefix: string): SqlContext {
  const ttl = options.pendingLinkTtlSeconds ?? 3600;
  if (!(ttl > 0)) throw new TypeError('keyward/sql: pendingLinkTtlSeconds must be positive');
  let db = new Kysely<SqlDatabase>({ dialect: kyselyDialect(options) }).withPlugin(
    new TablePrefixPlugin(prefix),
  );
  // After the prefix plugin in the chain, so every query the stores build is encoded.
  if (options.dialect === 'postgres') db = db.withPlugin(new PostgresTextPlugin());
  return { db, dialect: options.dialect, prefix, pendingLinkTtlMs: ttl * 1000 };
}

/** `limit`/`offset` of a listing as whole, non-negative numbers; 50 and 0 by default. */
export function paging(options: { limit?: number; offset?: number }): {
  limit: number;
  offset: number;
} {
  const whole = (value: number | undefined, fallback: number) =>
    value === undefined || !Number.isFinite(value) ? fallback : Math.max(0, Math.floor(value));
  return { limit: whole(options.limit, 50), offset: whole(options.offset, 0) };
}

/** Regular-expression metacharacters (and any ASCII punctuation) escaped for PostgreSQL. */
function escapeRegex(text: string): string {
  return text.replace(/[^A-Za-z0-9\u0080-\uffff]/g, (c) => `\\${c}`);
}

/** `%`, `_` and the escape character itself, escaped for `LIKE … ESCAPE '!'`. */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

/**
 * `column` contains `needle` as an exact, case-sensitive substring; no character of the needle
 * is a wildcard. Each dialect needs its own form:
 * - MySQL/MariaDB: LIKE with `%`, `_` and the escape character escaped (the columns use a binary
 *   collation, so the comparison is exact).
 * - SQLite: LIKE ignores ASCII case there, so instr() over the UTF-8 bytes (BLOB casts keep
 *   characters after a NUL in play; UTF-8 is self-synchronising, so a byte match is a
 *   character match).
 * - PostgreSQL: stored text is escaped (codec.ts), and a plain substring match could start in the
 *   middle of an escape (needle "0" inside an encoded NUL "\0"). A regular expression anchors
 *   the match after an even run of backslashes, i.e. on a character boundary.
 */
export function containsText(ctx: SqlContext, column: string, needle: string): RawBuilder<SqlBool> {
  const ref = sql.ref(column);
  switch (ctx.dialect) {
    case 'mysql':
      return sql<SqlBool>`${ref} like ${`%${escapeLike(needle)}%`} escape '!'`;
    case 'sqlite':
      return sql<SqlBool>`instr(cast(${ref} as blob), cast(${needle} as blob)) > 0`;
    case 'postgres': {
      const pattern = `(^|[^\\\\])(\\\\\\\\)*${escapeRegex(encodePgText(needle))}`;
      return sql<SqlBool>`${ref} ~ ${new EncodedText(pattern)}`;
    }
  }
}

/**
 * `column` starts with `prefix`, exactly and case-sensitively (no character of the prefix is a
 * wildcard). MySQL/MariaDB: LIKE with the wildcards escaped (binary collation, and it can use
 * an index). SQLite: its LIKE ignores ASCII case, so the UTF-8 bytes are compared. PostgreSQL:
 * the escape of stored text (codec.ts) is prefix-free, so an encoded prefix of an encoded value
 * is the encoding of a prefix.
 */
export function startsWithText(
  ctx: SqlContext,
  column: string,
  prefix: string,
): RawBuilder<SqlBool> {
  const ref = sql.ref(column);
  switch (ctx.dialect) {
    case 'mysql':
      return sql<SqlBool>`${ref} like ${`${escapeLike(prefix)}%`} escape '!'`;
    case 'sqlite':
      return sql<SqlBool>`substr(cast(${ref} as blob), 1, length(cast(${prefix} as blob))) = cast(${prefix} as blob)`;
    case 'postgres':
      return sql<SqlBool>`left(${ref}, char_length(${prefix})) = ${prefix}`;
  }
}

/**
 * The database server's clock in epoch milliseconds, as an SQL expression: instances compare
 * times written by each other, and their own clocks may disagree.
 */
export function databaseNowMs(ctx: SqlContext): RawBuilder<number> {
  switch (ctx.dialect) {
    case 'postgres':
      return sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
    case 'mysql':
      return sql<number>`cast(unix_timestamp(now(3)) * 1000 as signed)`;
    case 'sqlite':
      return sql<number>`cast((julianday('now') - 2440587.5) * 86400000 as integer)`;
  }
}

/**
 * An insert that does nothing when a unique key already holds the row (idempotent adds).
 * MySQL's INSERT IGNORE would also swallow truncation and other errors, so it gets a no-op
 * ON DUPLICATE KEY UPDATE instead.
 */
export function ignoringDuplicates<DB, TB extends keyof DB, O>(
  ctx: SqlContext,
  query: InsertQueryBuilder<DB, TB, O>,
  anyColumn: string,
): InsertQueryBuilder<DB, TB, O> {
  if (ctx.dialect === 'mysql') {
    const col = sql.ref(anyColumn);
    return query.modifyEnd(sql`on duplicate key update ${col} = ${col}`);
  }
  return query.onConflict((oc) => oc.doNothing());
}
