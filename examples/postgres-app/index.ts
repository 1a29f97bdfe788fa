/**
 * keyward on PostgreSQL.
 *
 *   DATABASE_URL=postgres://user:password@localhost:5432/app npx tsx examples/postgres-app/index.ts
 *
 * Creates keyward's tables on the first start, then serves the auth endpoints under /auth
 * (POST /auth/register, /auth/login, /auth/refresh, /auth/logout, GET /auth/me, ...) and a
 * protected GET /api/profile on PORT (default 3000). Set ACCESS_TOKEN_SECRET and
 * REFRESH_TOKEN_SECRET outside development (see ../shared/setup.ts).
 */
import { Pool } from 'pg';
import { createSqlStores } from 'keyward/sql';
import { serveSqlApp } from '../shared/sql-app';
import { requireEnv } from '../shared/setup';

async function main() {
  const pool = new Pool({ connectionString: requireEnv('DATABASE_URL') });
  const stores = createSqlStores({ dialect: 'postgres', pool });
  await serveSqlApp(stores);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
