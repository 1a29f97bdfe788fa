import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { Pool } from 'pg';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { describeWithService } from '../helpers/services';

export type DialectName = 'sqlite' | 'postgres' | 'mysql';

export interface OpenOptions {
  pendingLinkTtlSeconds?: number;
  apiKeyUsageRetentionDays?: number;
  eventLogGapHoldMs?: number;
  poolSize?: number;
}

/**
 * Direct access to the database behind the stores, over its own connection, for checking what
 * really is in the tables (and for setting up failures the stores cannot cause themselves).
 */
export interface RawDb {
  /** Rows of `table` (a physical name) whose `column` equals `value`. */
  rows(table: string, column: string, value: string): Promise<Record<string, unknown>[]>;
  /** Physical tables whose names start with `prefix`. */
  tables(prefix: string): Promise<string[]>;
  exec(statement: string): Promise<void>;
  close(): Promise<void>;
}

/** One database to run a suite against. */
export interface DialectUnderTest {
  name: DialectName;
  /** Stores over a new pool or handle; `destroy()` closes it. */
  open(prefix: string, options?: OpenOptions): SqlStores;
  /** The same, plus a way to close the pool or handle behind the stores' back (an outage). */
  openWithHandle(prefix: string): { stores: SqlStores; closeHandle: () => Promise<void> };
  /** Stores without a tablePrefix option (the default prefix). */
  openWithDefaultPrefix(): SqlStores;
  raw(): RawDb;
}

function sqlite(file: string): DialectUnderTest {
  const open = (tablePrefix: string, { poolSize: _unused, ...options }: OpenOptions = {}) =>
    createSqlStores({ dialect: 'sqlite', database: new Database(file), tablePrefix, ...options });
  return {
    name: 'sqlite',
    open,
    openWithHandle(tablePrefix) {
      const database = new Database(file);
      const stores = createSqlStores({ dialect: 'sqlite', database, tablePrefix });
      return { stores, closeHandle: async () => void database.close() };
    },
    openWithDefaultPrefix: () =>
      createSqlStores({ dialect: 'sqlite', database: new Database(':memory:') }),
    raw() {
      const db = new Database(file);
      return {
        async rows(table, column, value) {
          return db.prepare(`select * from "${table}" where "${column}" = ?`).all(value) as Record<
            string,
            unknown
          >[];
        },
        async tables(prefix) {
          const rows = db
            .prepare(
              `select name from sqlite_master where type = 'table' and substr(name, 1, length(?)) = ?`,
            )
            .all(prefix, prefix) as { name: string }[];
          return rows.map((r) => r.name);
        },
        async exec(statement) {
          db.exec(statement);
        },
        async close() {
          db.close();
        },
      };
    },
  };
}

function postgres(url: string): DialectUnderTest {
  return {
    name: 'postgres',
    open: (tablePrefix, { poolSize = 10, ...options } = {}) =>
      createSqlStores({
        dialect: 'postgres',
        pool: new Pool({ connectionString: url, max: poolSize }),
        tablePrefix,
        ...options,
      }),
    openWithHandle(tablePrefix) {
      const pool = new Pool({ connectionString: url, max: 4 });
      const stores = createSqlStores({ dialect: 'postgres', pool, tablePrefix });
      return { stores, closeHandle: () => pool.end() };
    },
    openWithDefaultPrefix: () => {
      throw new Error('the default prefix is only opened on a private SQLite database');
    },
    raw() {
      const pool = new Pool({ connectionString: url, max: 2 });
      return {
        async rows(table, column, value) {
          const { rows } = await pool.query<Record<string, unknown>>(
            `select * from "${table}" where "${column}" = $1`,
            [value],
          );
          return rows;
        },
        async tables(prefix) {
          const { rows } = await pool.query<{ name: string }>(
            `select tablename as name from pg_tables
              where schemaname = current_schema() and left(tablename, length($1)) = $1`,
            [prefix],
          );
          return rows.map((r) => r.name);
        },
        async exec(statement) {
          await pool.query(statement);
        },
        close: () => pool.end(),
      };
    },
  };
}

function mariadb(url: string): DialectUnderTest {
  return {
    name: 'mysql',
    open: (tablePrefix, { poolSize = 10, ...options } = {}) =>
      createSqlStores({
        dialect: 'mysql',
        pool: mysql.createPool({ uri: url, connectionLimit: poolSize }),
        tablePrefix,
        ...options,
      }),
    openWithHandle(tablePrefix) {
      const pool = mysql.createPool({ uri: url, connectionLimit: 4 });
      const stores = createSqlStores({ dialect: 'mysql', pool, tablePrefix });
      return { stores, closeHandle: () => pool.end() };
    },
    openWithDefaultPrefix: () => {
      throw new Error('the default prefix is only opened on a private SQLite database');
    },
    raw() {
      const pool = mysql.createPool({ uri: url, connectionLimit: 2 });
      return {
        async rows(table, column, value) {
          const [rows] = await pool.query(`select * from \`${table}\` where \`${column}\` = ?`, [
            value,
          ]);
          return rows as Record<string, unknown>[];
        },
        async tables(prefix) {
          const [rows] = await pool.query(
            `select table_name as name from information_schema.tables
              where table_schema = database() and left(table_name, char_length(?)) = ?`,
            [prefix, prefix],
          );
          return (rows as { name: string }[]).map((r) => r.name);
        },
        async exec(statement) {
          await pool.query(statement);
        },
        close: () => pool.end(),
      };
    },
  };
}

/**
 * Opens and migrates stores under `prefix` before the suite (handing them and a raw connection
 * to `ready`), and after it drops their tables, checks none is left, and closes both.
 */
export function withMigratedStores(
  d: DialectUnderTest,
  prefix: string,
  options: OpenOptions,
  ready: (stores: SqlStores, raw: RawDb) => void,
): void {
  let stores: SqlStores;
  let raw: RawDb;
  beforeAll(async () => {
    stores = d.open(prefix, options);
    raw = d.raw();
    ready(stores, raw);
    await stores.migrate();
  });
  afterAll(async () => {
    await stores.dropTables();
    expect(await raw.tables(prefix)).toEqual([]);
    await stores.destroy();
    await raw.close();
  });
}

/**
 * Declares `body` once per database: SQLite always (a temporary file, so the raw connection
 * sees the same data), PostgreSQL with KEYWARD_PG_URL, MariaDB/MySQL with KEYWARD_MYSQL_URL.
 */
export function forEachDialect(title: string, body: (d: DialectUnderTest) => void): void {
  describe(`${title} (SQLite)`, () => {
    const file = join(tmpdir(), `keyward-sql-${randomBytes(6).toString('hex')}.db`);
    body(sqlite(file));
    // Declared after the body's hooks, so it runs after they have closed their handles.
    afterAll(() => {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
    });
  });
  describeWithService('postgres', `${title} (PostgreSQL)`, (url) => body(postgres(url)));
  describeWithService('mysql', `${title} (MariaDB/MySQL)`, (url) => body(mariadb(url)));
}
