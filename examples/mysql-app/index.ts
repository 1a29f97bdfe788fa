/**
 * keyward on MySQL or MariaDB.
 *
 *   DATABASE_URL=mysql://user:password@localhost:3306/app npx tsx examples/mysql-app/index.ts
 *
 * Creates keyward's tables on the first start, then serves the auth endpoints under /auth
 * (POST /auth/register, /auth/login, /auth/refresh, /auth/logout, GET /auth/me, ...) and a
 * protected GET /api/profile on PORT (default 3000). Set ACCESS_TOKEN_SECRET and
 * REFRESH_TOKEN_SECRET outside development (see ../shared/setup.ts).
 */
import mysql from 'mysql2/promise';
import { createSqlStores } from 'keyward/sql';
import { serveSqlApp } from '../shared/sql-app';
import { requireEnv } from '../shared/setup';

async function main() {
  const pool = mysql.createPool(requireEnv('DATABASE_URL'));
  const stores = createSqlStores({ dialect: 'mysql', pool });
  await serveSqlApp(stores);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
