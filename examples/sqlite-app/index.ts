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
import express from 'express';
import { AuthConfigurator, type AuthConfig } from 'keyward';
import { createSqlStores } from 'keyward/sql';
import { readSecrets, registerWithPassword, serve } from '../shared/setup';

async function main() {
  const file = process.env.DATABASE_FILE ?? 'data/sqlite-app.db';
  mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  const stores = createSqlStores({ dialect: 'sqlite', database });
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
    await stores.destroy();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
