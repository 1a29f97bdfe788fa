/**
 * The tools server's endpoints for outgoing webhooks and for the event log's cost
 * (bench/tools-server.ts runs them; bench/webhook-throughput.ts and bench/event-log-cost.ts
 * call them).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import express, { type Express } from 'express';
import type {
  AuthEventBus,
  AuthEventInput,
  AuthTools,
  IEventLog,
  IWebhookStore,
  LoggedEvent,
} from 'keyward';

export type Keyward = typeof import('keyward');
type KeywardSql = typeof import('keyward/sql');

const ROOT = join(__dirname, '..');
/** A Standard Webhooks secret: every delivery is signed, as in production. */
const SECRET = `whsec_${Buffer.from('bench-webhook-signing-secret-32b').toString('base64')}`;
/** The in-memory log's default cap. */
const LOG_CAP = 10_000;
/** Appends past the cap before a full log's cost per append has settled. */
const SETTLE_APPENDS = 40_000;
const BATCH = 2_000;

/**
 * This process's CPU time in ms: per-event costs are CPU time, not wall time, so that other
 * processes taking turns on the cores do not count (garbage collection threads do).
 */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const mid = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Lets garbage collection of earlier work finish on its threads before a timed batch. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 100));

type LoginEvent = AuthEventInput & { event: string };

/** A login's event as the auth router publishes it, until a real one has been captured. */
let loginEvent: LoginEvent = {
  event: 'identity.auth.login.success',
  ip: '203.0.113.7',
  userId: 'bench-user-0000000001',
  sessionId: 'aVeryRandomSessionHandle0123456789',
  data: { provider: 'local' },
};

/** A webhook set-up: its own bus, the tools delivering to one webhook, and how to tear it down. */
interface HookRun {
  bus: AuthEventBus;
  tools: AuthTools;
  destroy: () => Promise<void>;
}

/** The stores to deliver from: in memory, or both from keyward/sql on an in-memory SQLite. */
async function hookStores(
  kw: Keyward,
  kind: string,
): Promise<{ webhookStore: IWebhookStore; eventLog?: IEventLog; destroy: () => Promise<void> }> {
  if (kind !== 'sql') {
    return { webhookStore: new kw.InMemoryWebhookStore(), destroy: async () => {} };
  }
  const sqlModule = (await import(pathToFileURL(join(ROOT, 'dist', 'sql.mjs')).href)) as KeywardSql;
  const sql = sqlModule.createSqlStores({ dialect: 'sqlite', database: new Database(':memory:') });
  await sql.migrate();
  return {
    webhookStore: sql.webhookStore,
    eventLog: sql.eventLog,
    destroy: () => sql.destroy(),
  };
}

const stamped = (event: LoginEvent) => ({ ...event, timestamp: new Date().toISOString() });

/**
 * An in-memory log as a server that has run a while has it: full, and then appended to until its
 * cost per append has settled (past the cap it keeps rising for some ten thousand appends as the
 * entries age, then holds).
 */
async function settledLog(kw: Keyward, event: LoginEvent): Promise<IEventLog> {
  const log = new kw.InMemoryEventLog();
  for (let i = 0; i < LOG_CAP + SETTLE_APPENDS; i++) await log.append(stamped(event));
  return log;
}

/**
 * µs per awaited `eventLog.append` of the event on the in-memory log: while a fresh log fills up
 * to its cap, and on the settled full log, where every append also drops the oldest entry.
 */
async function appendMicros(kw: Keyward, event: LoginEvent, full: IEventLog) {
  const filling: number[] = [];
  for (let b = 0; b < 3; b++) {
    const log = new kw.InMemoryEventLog();
    await settle();
    const start = cpuMs();
    for (let i = 0; i < LOG_CAP; i++) await log.append(stamped(event));
    filling.push(((cpuMs() - start) * 1000) / LOG_CAP);
  }
  const settled: number[] = [];
  for (let b = 0; b < 5; b++) {
    await settle();
    const start = cpuMs();
    for (let i = 0; i < BATCH; i++) await full.append(stamped(event));
    settled.push(((cpuMs() - start) * 1000) / BATCH);
  }
  return { fillingUs: mid(filling), fullUs: mid(settled) };
}

/**
 * µs per `bus.publish` of the event, with AuthTools on the bus (their log the settled full one)
 * or on a bare bus. The appends finish in microtasks, so the batch ends at the next macrotask.
 */
async function publishMicros(kw: Keyward, event: LoginEvent, log: IEventLog | undefined) {
  const bus = new kw.AuthEventBus();
  const tools = log ? new kw.AuthTools(bus, { eventLog: log }) : undefined;
  await tools?.ready();
  const { event: name, ...input } = event;
  await settle();
  const start = cpuMs();
  for (let i = 0; i < BATCH; i++) bus.publish(name, input);
  await tick();
  const us = ((cpuMs() - start) * 1000) / BATCH;
  await tools?.close();
  return us;
}

export function registerHookRoutes(app: Express, kw: Keyward, bus: AuthEventBus): void {
  let hooks: HookRun | undefined;
  let loginTools: AuthTools | undefined;
  /** The last entry written before the login run, so detach counts the run's events only. */
  let before: string | null = null;
  /** The log every AuthTools here gets: one settled full in-memory log, made once. */
  let shared: Promise<IEventLog> | undefined;
  const settledOnce = () => (shared ??= settledLog(kw, loginEvent));

  // Outgoing webhooks: one webhook (all events, signed) at `url`, delivered from `store`.
  app.post('/__bench/webhooks/start', express.json(), (req, res, next) => {
    const { url, store } = req.body as { url: string; store: string };
    const start = async () => {
      const stores = await hookStores(kw, store);
      const { webhookStore, eventLog, destroy } = stores;
      if (!webhookStore.add) throw new Error('the webhook store cannot add webhooks');
      await webhookStore.add({ id: 'wh_bench', url, events: ['*'], secret: SECRET });
      const hookBus = new kw.AuthEventBus();
      const tools = new kw.AuthTools(hookBus, {
        webhookStore,
        allowPrivateNetworks: true,
        ...(eventLog && { eventLog }),
      });
      await tools.ready();
      hooks = { bus: hookBus, tools, destroy };
      res.json({ ok: true });
    };
    start().catch(next);
  });
  // `count` events published on the bus at once; each is appended, then delivered.
  app.post('/__bench/webhooks/publish', express.json(), (req, res) => {
    const { count, marker } = req.body as { count: number; marker: string };
    if (!hooks) {
      res.status(409).json({ error: 'no webhook run' });
      return;
    }
    const started = performance.now();
    const { event, ...input } = loginEvent;
    for (let i = 0; i < count; i++) {
      hooks.bus.publish(event, { ...input, data: { ...input.data, marker, n: i } });
    }
    res.json({ publishMs: performance.now() - started });
  });
  app.post('/__bench/webhooks/stop', (_req, res, next) => {
    const run = hooks;
    hooks = undefined;
    const stop = async () => {
      await run?.tools.close();
      await run?.destroy();
      res.json({ ok: true });
    };
    stop().catch(next);
  });

  // The event log on the configurator's bus: AuthTools with the in-memory log attached for a
  // login run, the log settled full as on a server that has run a while, detached after it.
  // Detaching reports how many events and logins the run logged (logins still in flight when the
  // load generator stops are answered uncounted, so its count of logins would not do).
  app.post('/__bench/event-log/attach', (_req, res, next) => {
    if (loginTools) {
      next(new Error('already attached'));
      return;
    }
    const attach = async () => {
      const eventLog = await settledOnce();
      before = (await eventLog.query({ limit: 1 }))[0]?.id ?? null;
      loginTools = new kw.AuthTools(bus, { eventLog });
      await loginTools.ready();
      res.json({ ok: true });
    };
    attach().catch(next);
  });
  app.post('/__bench/event-log/detach', (_req, res, next) => {
    const tools = loginTools;
    loginTools = undefined;
    if (!tools) {
      next(new Error('not attached'));
      return;
    }
    const detach = async () => {
      const entries: LoggedEvent[] = await tools.eventLog.readAfter(before, 1_000_000);
      const logins = entries.filter((e) => e.event === 'identity.auth.login.success');
      const login = logins.at(-1);
      if (login) {
        const event: AuthEventInput & { event: string; id?: string; timestamp?: string } = {
          ...login,
        };
        delete event.id;
        delete event.timestamp;
        loginEvent = event;
      }
      await tools.close();
      res.json({ entries: entries.length, logins: logins.length });
    };
    detach().catch(next);
  });
  // The per-event costs behind the login ratio, with the last login event logged as payload.
  app.post('/__bench/event-log/append-cost', (_req, res, next) => {
    const measure = async () => {
      const log = await settledOnce();
      const append = await appendMicros(kw, loginEvent, log);
      const withUs: number[] = [];
      const withoutUs: number[] = [];
      for (let round = 0; round < 5; round++) {
        const pair = [
          async () => withoutUs.push(await publishMicros(kw, loginEvent, undefined)),
          async () => withUs.push(await publishMicros(kw, loginEvent, log)),
        ];
        if (round % 2) pair.reverse();
        for (const one of pair) await one();
      }
      res.json({
        ...append,
        publishWithUs: mid(withUs),
        publishWithoutUs: mid(withoutUs),
        payloadBytes: JSON.stringify(loginEvent).length,
      });
    };
    measure().catch(next);
  });
}
