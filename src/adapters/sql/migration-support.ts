import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import type { SqlDialectName } from './dialect';

/**
 * Column types per dialect. MySQL cannot index TEXT without a prefix length, so every column
 * that is looked up is a VARCHAR there (255 characters; 320 for emails, the longest an address
 * can be); free text is MEDIUMTEXT (TEXT stops at 64 kB). PostgreSQL and SQLite use unbounded
 * TEXT throughout. Instants are BIGINT epoch milliseconds, flags SMALLINT 0/1, JSON is text.
 */
export function columnTypes(dialect: SqlDialectName) {
  const mysql = dialect === 'mysql';
  return {
    key: mysql ? sql`varchar(255)` : sql`text`,
    email: mysql ? sql`varchar(320)` : sql`text`,
    text: mysql ? sql`mediumtext` : sql`text`,
    millis: sql`bigint`,
    flag: sql`smallint`,
    seq: dialect === 'postgres' ? sql`bigserial` : dialect === 'mysql' ? sql`bigint` : sql`integer`,
  };
}

/** An auto-incrementing primary key: listings come back in insertion order. */
export function seqColumn(dialect: SqlDialectName) {
  return (col: ColumnDefinitionBuilder) => {
    if (dialect === 'sqlite') return col.primaryKey().autoIncrement();
    if (dialect === 'mysql') return col.autoIncrement().primaryKey();
    return col.primaryKey();
  };
}

export const required = (col: ColumnDefinitionBuilder) => col.notNull();

/**
 * The binary collation with NO PAD where the server has one. `_ci` collations would make token
 * and id look-ups case-insensitive, and PAD SPACE collations (utf8mb4_bin) compare 'a' and 'a '
 * as equal, which would let two emails differing by a trailing space collide.
 */
export async function mysqlCollation(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ Collation: string }>`show collation like 'utf8mb4%bin'`.execute(db);
  const available = new Set(rows.map((r) => r.Collation));
  return ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin'].find((c) => available.has(c)) ?? 'utf8mb4_bin';
}

/**
 * `createTable` with the table options every keyward table has on MySQL (InnoDB, utf8mb4, the
 * binary collation), for migrations after 0001 (which spells them out itself).
 */
export async function tableBuilder(
  db: Kysely<unknown>,
  dialect: SqlDialectName,
): Promise<(name: string) => CreateTableBuilder<string, never>> {
  if (dialect !== 'mysql') return (name) => db.schema.createTable(name);
  const options = sql`engine=InnoDB default charset=utf8mb4 collate=${sql.raw(await mysqlCollation(db))}`;
  return (name) => db.schema.createTable(name).modifyEnd(options);
}
