/**
 * The server of the inbound webhook phase (bench/inbound-run.ts), in its own process, loading
 * keyward from dist/. One listener on 127.0.0.1 with two tools routers, each taking GitHub-signed
 * deliveries at `POST /webhook/github`:
 * - /scripted: an inbound webhook stored as the admin registers it (GitHub signature, a script,
 *   one action enabled and allowed): every delivery runs the script in the sandbox;
 * - /handler:  the same provider answered by `onWebhook` in application code, no sandbox.
 * Both verify the signature, claim the delivery id and track the event on the in-memory log.
 *
 * Prints `{"ready":true,"port":…}` once listening. Exits on SIGTERM/SIGINT or when stdin closes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';

type Keyward = typeof import('keyward');

const ROOT = join(__dirname, '..');
const SECRET = process.env.BENCH_INBOUND_SECRET ?? 'bench-inbound-secret-0123456789';
const ACCESS = 'bench-access-secret-0123456789abcdef0123';
const REFRESH = 'bench-refresh-secret-0123456789abcdef012';

/** The shape of a typical mapping script: read the body, call one action, set a result. */
const SCRIPT = `
if (body.action === 'cancelled') {
  await actions['subscription.cancel'](body.sponsorship.id);
  result = { event: 'billing.subscription.cancelled', data: { id: body.sponsorship.id } };
}`;

async function main(): Promise<void> {
  const kw = (await import(pathToFileURL(join(ROOT, 'dist', 'index.mjs')).href)) as Keyward;
  const bus = new kw.AuthEventBus();
  const auth = new kw.AuthConfigurator(
    { accessTokenSecret: ACCESS, refreshTokenSecret: REFRESH },
    new kw.InMemoryUserStore(),
    { eventBus: bus },
  );
  // Capped, so a long run measures the steady state rather than a growing array.
  const tools = new kw.AuthTools(bus, {
    eventLog: new kw.InMemoryEventLog({ maxEntries: 10_000 }),
  });

  const actions = new kw.ActionRegistry();
  let cancelled = 0;
  actions.register({
    id: 'subscription.cancel',
    label: 'Cancel subscription',
    category: 'Billing',
    description: 'counts',
    fn: async () => {
      cancelled++;
      return { ok: true };
    },
  });
  const webhookStore = new kw.InMemoryWebhookStore();
  await webhookStore.add({
    id: 'wh_bench',
    url: '',
    events: [],
    secret: SECRET,
    isActive: true,
    provider: 'github',
    verify: 'github',
    allowedActions: ['subscription.cancel'],
    jsScript: SCRIPT,
  });
  const settingsStore = new kw.InMemorySettingsStore({
    enabledWebhookActions: ['subscription.cancel'],
  });

  const app = express();
  app.use(
    '/scripted',
    kw.createToolsRouter(tools, {
      authMiddleware: auth.middleware(),
      webhook: true,
      webhookStore,
      settingsStore,
      actions,
    }),
  );
  app.use(
    '/handler',
    kw.createToolsRouter(tools, {
      authMiddleware: auth.middleware(),
      webhook: true,
      providers: { github: { verify: 'github', secret: SECRET } },
      onWebhook: async (_provider, body) => {
        const b = body as { action?: string; sponsorship?: { id?: unknown } };
        if (b.action !== 'cancelled') return null;
        cancelled++;
        return { event: 'billing.subscription.cancelled', data: { id: b.sponsorship?.id } };
      },
    }),
  );
  app.get('/__bench/count', (_req, res) => res.json({ cancelled }));

  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    server.close();
    server.closeAllConnections();
    Promise.all([tools.close(), auth.close()])
      .catch(() => undefined)
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.stdin.once('end', shutdown);
  process.stdin.once('close', shutdown);
  process.stdin.resume();
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
