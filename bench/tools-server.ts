/**
 * The server of the event tools' phases (bench/tools-run.ts), in its own process like
 * bench/server.ts, loading keyward from dist/. Three listeners on 127.0.0.1, random ports:
 * - bare:    a plain `http.createServer` SSE loop: `GET /stream` holds the response in an array;
 *            a fan-out writes one pre-serialised frame (a Buffer) to each, nothing else;
 * - keyward: `/tools` is `createToolsRouter(tools, { authMiddleware: auth.middleware() })` over
 *            `new AuthTools(bus, { sse: … })` on the configurator's bus; `GET /tools/stream`;
 * - control: `auth.router()` at `/auth` (tokens, login throughput) and `/__bench/*`.
 * The webhook and event-log endpoints live in bench/tools-server-hooks.ts.
 *
 * Prints `{"ready":true,...}` once listening. Exits on SIGTERM/SIGINT or when stdin closes.
 */
import { randomBytes } from 'node:crypto';
import http, { type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { registerHookRoutes, type Keyward } from './tools-server-hooks';

const HOST = '127.0.0.1';
const ROOT = join(__dirname, '..');
const PASSWORD = process.env.BENCH_PASSWORD ?? 'correct horse battery staple';
const USERS = Number(process.env.BENCH_USERS ?? 64);
const STREAMS = Number(process.env.BENCH_SSE_STREAMS ?? 5000);
/** No heartbeat during the measurement: only the fanned-out frame is written. */
const HEARTBEAT_MS = 3_600_000;
/** What keyward writes when a stream opens; the bare loop writes the same. */
const RETRY_FRAME = Buffer.from('retry: 3000\n\n');

async function loadKeyward(): Promise<Keyward> {
  const url = pathToFileURL(join(ROOT, 'dist', 'index.mjs')).href;
  return (await import(url)) as Keyward;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A large backlog: thousands of streams are opened in bursts.
    server.listen({ port: 0, host: HOST, backlog: 4096 }, () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
}

/** The bare loop: an array of open responses and one frame written to each. */
function bareSse() {
  const streams: ServerResponse[] = [];
  let lastId = 0;
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/stream') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    });
    res.write(RETRY_FRAME);
    streams.push(res);
    res.on('close', () => {
      const i = streams.indexOf(res);
      if (i >= 0) streams.splice(i, 1);
    });
  });
  /** The same fields as a log entry on keyward's stream, serialised once. */
  const fanout = (marker: string): number => {
    const id = String(++lastId).padStart(16, '0');
    const entry = {
      event: 'bench.fanout',
      timestamp: new Date().toISOString(),
      topic: 'global',
      data: { marker },
      id,
    };
    const frame = Buffer.from(
      `id: ${id}\nevent: ${entry.event}\ndata: ${JSON.stringify(entry)}\n\n`,
    );
    for (const res of streams) res.write(frame);
    return streams.length;
  };
  const close = () => {
    for (const res of [...streams]) res.end();
  };
  return { server, streams, fanout, close };
}

async function main(): Promise<void> {
  const kw = await loadKeyward();
  const bus = new kw.AuthEventBus();
  const auth = new kw.AuthConfigurator(
    {
      accessTokenSecret: randomBytes(32).toString('hex'),
      refreshTokenSecret: randomBytes(32).toString('hex'),
    },
    new kw.InMemoryUserStore(),
    { eventBus: bus },
  );
  const hash = await auth.passwordService.hash(PASSWORD);
  for (let i = 0; i < USERS; i++) {
    await auth.userStore.create({
      email: `bench-${i}@example.test`,
      password: hash,
      loginProvider: 'local',
    });
  }

  // The streams' tools, on the configurator's bus as an app has them; closed once the fan-out
  // phase is over, so the later phases see a bus without them.
  const sseTools = new kw.AuthTools(bus, {
    sse: { maxStreamsPerUser: STREAMS, heartbeatMs: HEARTBEAT_MS },
  });
  await sseTools.ready();
  const keywardApp = express();
  keywardApp.use('/tools', kw.createToolsRouter(sseTools, { authMiddleware: auth.middleware() }));
  const keyward = http.createServer(keywardApp);
  const bare = bareSse();

  const control = express();
  control.set('trust proxy', 'loopback');
  control.use('/auth', auth.router());
  control.get('/__bench/cpu', (_req, res) => {
    const { user, system } = process.cpuUsage();
    res.json({ cpuMicros: user + system, wallNanos: process.hrtime.bigint().toString() });
  });
  control.get('/__bench/fanout/streams', (_req, res) => {
    res.json({ bare: bare.streams.length, keyward: sseTools.sse?.connectionCount ?? 0 });
  });
  control.post('/__bench/fanout/close', (_req, res, next) => {
    bare.close();
    sseTools.close().then(() => res.json({ ok: true }), next);
  });
  // One event to every open stream. The runner's clock runs from before this request to the
  // last stream's frame. A response write is corked and goes out in a process.nextTick, so the
  // answer waits for setImmediate: by then every write has been handed to its socket, and the
  // handler's time and CPU time are the server's whole part of the fan-out, for both servers.
  control.post('/__bench/fanout/send/:target', express.json(), (req, res, next) => {
    const marker = String((req.body as { marker: string }).marker);
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const answer = (streams: number) =>
      setImmediate(() => {
        const { user, system } = process.cpuUsage(cpu);
        res.json({
          streams,
          handlerMs: Number(process.hrtime.bigint() - started) / 1e6,
          handlerCpuMs: (user + system) / 1000,
        });
      });
    if (req.params.target === 'bare') {
      answer(bare.fanout(marker));
      return;
    }
    sseTools
      .notify('global', { marker }, { type: 'bench.fanout' })
      .then(() => answer(sseTools.sse?.connectionCount ?? 0), next);
  });
  registerHookRoutes(control, kw, bus);
  // The runner reads failures as JSON, and they show in its output.
  control.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    console.error(err);
    res.status(500).json({ error: err.message });
  });

  const controlServer = http.createServer(control);
  const servers = [bare.server, keyward, controlServer];
  const [barePort, keywardPort, controlPort] = await Promise.all(servers.map(listen));

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
    Promise.all([sseTools.close(), auth.close()])
      .catch(() => undefined)
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.stdin.once('end', shutdown);
  process.stdin.once('close', shutdown);
  process.stdin.resume();

  process.stdout.write(
    `${JSON.stringify({ ready: true, bare: barePort, keyward: keywardPort, control: controlPort })}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
