import express from 'express';
import { AuthConfigurator, type AuthConfig } from 'keyward';
import type { SqlStores } from 'keyward/sql';
import { readSecrets, registerWithPassword, serve } from './setup';

/**
 * What the three SQL examples share once their database is open: create keyward's tables on the
 * first start, wire every store into keyward, mount /auth and a protected route, and serve.
 */
export async function serveSqlApp(stores: SqlStores): Promise<void> {
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
    await stores.destroy(); // also ends the pool or closes the database
  });
}
