/** keyward demo: `npm start`, then open http://localhost:3000. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ActionRegistry,
  AuthTools,
  InMemoryApiKeyStore,
  createAdminRouter,
  createApiKeyMiddleware,
  createToolsRouter,
} from 'keyward';
import { createDemoApp } from './app';
import { loadSecrets } from './secrets';
import { openDemoStores } from './stores';

const port = Number(process.env.PORT ?? 3000);
const siteUrl = process.env.SITE_URL ?? `http://localhost:${port}`;
const dataDir = join(process.cwd(), 'data');

/**
 * The admin secret from ADMIN_SECRET, or else a development one generated once and kept beside
 * the other development secrets, so the panel login survives a restart.
 */
function loadAdminSecret(): { secret: string; file?: string } {
  if (process.env.ADMIN_SECRET) return { secret: process.env.ADMIN_SECRET };
  const file = join(dataDir, 'dev-admin-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return { secret: readFileSync(file, 'utf8').trim(), file };
}

async function main() {
  const secrets = loadSecrets(dataDir);
  const { stores, description } = await openDemoStores(process.env.DATABASE_URL, dataDir);
  const { app, auth, eventBus } = createDemoApp(siteUrl, secrets, stores);

  // The event tools: every event lands in the SQL event log (the admin's Events and Overview
  // tabs read it), webhooks registered in the Webhooks tab are delivered from it, and a signed-in
  // page can listen on /tools/stream.
  const tools = new AuthTools(eventBus, {
    eventLog: stores.eventLog,
    webhookStore: stores.webhookStore,
    sse: true,
    revocations: auth,
  });
  // Inbound webhooks registered in the admin's Webhooks tab are received at
  // /tools/webhook/:provider; their scripts may call the one action below once it is switched on
  // in the Control tab and allowed for the webhook.
  const actions = new ActionRegistry();
  actions.register({
    id: 'demo.log',
    label: 'Print a line',
    category: 'Demo',
    description: 'Prints its argument to the demo console.',
    fn: (text: unknown) => {
      console.log(`[action] demo.log ${JSON.stringify(text)}`);
    },
  });
  app.use(
    '/tools',
    createToolsRouter(tools, {
      authMiddleware: auth.middleware(),
      webhook: true,
      webhookStore: stores.webhookStore,
      settingsStore: stores.settingsStore,
      actions,
    }),
  );

  const admin = loadAdminSecret();
  eventBus.onEvent('*', (e) => {
    if (e.event.startsWith('identity.admin.') || e.event.startsWith('identity.apikey.'))
      console.log(`[admin] ${e.event} by ${String(e.data?.actor)}`);
  });

  // API keys live in memory in the demo (gone on restart): make one in the panel's API Keys tab,
  // then call /api/service with it (X-Api-Key or Authorization: ApiKey …); each call is in the
  // key's usage log.
  const apiKeyStore = new InMemoryApiKeyStore();
  app.get('/api/service', createApiKeyMiddleware(apiKeyStore, { auditLog: true }), (req, res) => {
    res.json({ message: `Hello ${req.apiKey!.name}`, apiKey: req.apiKey });
  });
  app.use(
    '/admin',
    createAdminRouter(stores.userStore, {
      adminSecret: admin.secret,
      sessionStore: stores.sessionStore,
      rbacStore: stores.rbacStore,
      tenantStore: stores.tenantStore,
      userMetadataStore: stores.metadataStore,
      settingsStore: stores.settingsStore,
      linkedAccountsStore: stores.linkedAccountsStore,
      twoFactorStore: stores.twoFactorStore,
      apiKeyStore,
      webhookStore: stores.webhookStore,
      eventLog: stores.eventLog,
      actions,
      eventBus,
    }),
  );

  // A secret from the environment is not echoed into logs; the generated development one is.
  const adminLine = admin.file
    ? `${admin.secret}  (development secret kept in ${admin.file}; set ADMIN_SECRET in production)`
    : '(from ADMIN_SECRET)';
  app.listen(port, '127.0.0.1', () => {
    console.log(`\nkeyward demo running (data: ${description}):
  page            ${siteUrl}/
  auth endpoints  ${siteUrl}/auth  (POST /auth/register, /auth/login, GET /auth/me, ...)
  protected route ${siteUrl}/api/profile
  API key route   ${siteUrl}/api/service  (keys from the admin panel's API Keys tab)
  event stream    ${siteUrl}/tools/stream  (signed in; webhooks and events in the admin panel)
  inbound hooks   ${siteUrl}/tools/webhook/:provider  (register one in the admin's Webhooks tab)
  admin panel     ${siteUrl}/admin/
  demo outbox     ${siteUrl}/demo/outbox  (demo only: the mails and SMS printed below)
  admin secret    ${adminLine}
Stop with Ctrl+C.\n`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
