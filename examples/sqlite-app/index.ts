/**
 * keyward on SQLite: no database server needed.
 *
 *   npx tsx examples/sqlite-app/index.ts
 *
 * Keeps its data in DATABASE_FILE (default data/sqlite-app.db, created on the first start with
 * keyward's tables) and serves the auth endpoints under /auth (POST /auth/register,
 * /auth/login, /auth/refresh, /auth/logout, GET /auth/me, ...) and a protected
 * GET /api/profile on PORT (default 3000). Set ACCESS_TOKEN_SECRET and REFRESH_TOKEN_SECRET
 * outside development (see ../shared/setup.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { createSqlStores } from 'keyward/sql';
import { serveSqlApp } from '../shared/sql-app';

async function main() {
  const file = process.env.DATABASE_FILE ?? 'data/sqlite-app.db';
  mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  const stores = createSqlStores({ dialect: 'sqlite', database });
  await serveSqlApp(stores);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
