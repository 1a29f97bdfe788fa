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
import express from 'express';
import { Pool } from 'pg';
import { AuthConfigurator, type AuthConfig } from 'keyward';
import { createSqlStores } from 'keyward/sql';
import { readSecrets, registerWithPassword, requireEnv, serve } from '../shared/setup';

async function main() {
  const pool = new Pool({ connectionString: requireEnv('DATABASE_URL') });
  const stores = createSqlStores({ dialect: 'postgres', pool });
  await stores.migrate();

  const config: AuthConfig = { ...readSecrets(), csrf: { enabled: true } };
  const auth = new AuthConfigurator(config, stores.userStore, {
    sessionStore: stores.sessionStore,
  });

  const app = express();
  app.use(
    '/auth',
    auth.router({
      metadataStore: stores.metadataStore,
      rbacStore: stores.rbacStore,
      tenantStore: stores.tenantStore,
      settingsStore: stores.settingsStore,
      linkedAccountsStore: stores.linkedAccountsStore,
      onRegister: registerWithPassword(auth),
    }),
  );
  app.get('/api/profile', auth.middleware(), (req, res) => {
    res.json({ message: `Hello ${req.user!.email}`, claims: req.user });
  });

  serve(app, async () => {
    await auth.close();
    await stores.destroy(); // also ends the pool
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
