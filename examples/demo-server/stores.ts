import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { Pool } from 'pg';
import { createSqlStores, type SqlStores } from 'keyward/sql';

/**
 * Opens the demo's database: PostgreSQL or MySQL/MariaDB when DATABASE_URL says so, otherwise an
 * SQLite file under ./data/. Runs the migrations, so a fresh database just works.
 */
export async function openDemoStores(
  databaseUrl: string | undefined,
  dataDir: string,
): Promise<{ stores: SqlStores; description: string }> {
  let stores: SqlStores;
  let description: string;
  if (databaseUrl?.startsWith('postgres')) {
    stores = createSqlStores({
      dialect: 'postgres',
      pool: new Pool({ connectionString: databaseUrl }),
    });
    description = 'PostgreSQL (DATABASE_URL)';
  } else if (databaseUrl?.startsWith('mysql')) {
    stores = createSqlStores({ dialect: 'mysql', pool: mysql.createPool(databaseUrl) });
    description = 'MySQL/MariaDB (DATABASE_URL)';
  } else if (databaseUrl) {
    throw new Error('DATABASE_URL must start with postgres:// or mysql://');
  } else {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'keyward.db');
    const database = new Database(file);
    database.pragma('journal_mode = WAL');
    stores = createSqlStores({ dialect: 'sqlite', database });
    description = `SQLite (${file})`;
  }
  await stores.migrate();
  return { stores, description };
}
