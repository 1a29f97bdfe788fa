/**
 * The server under test, started by bench/run.ts in its own process so the load generator never
 * shares its event loop. It loads keyward from the built package (dist/), the code users run.
 *
 * Three listeners on 127.0.0.1, random ports, one process:
 * - bare:      GET /api/private -> handler                          (plain Express)
 * - protected: GET /api/private -> auth.middleware() -> handler      (the same app plus auth)
 * - control:   /auth (keyward's router, for logins) and /__bench/* (measurement endpoints)
 *
 * Prints one JSON line `{"ready":true,...}` on stdout once listening. Exits on SIGTERM/SIGINT
 * or when its stdin closes (the parent went away).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';

const HOST = '127.0.0.1';
const ROOT = join(__dirname, '..');
// The runner chooses the credentials and logs in with them: BENCH_USERS accounts named
// bench-<i>@example.test, one password.
const PASSWORD = process.env.BENCH_PASSWORD ?? 'correct horse battery staple';
const USERS = Number(process.env.BENCH_USERS ?? 64);

type Keyward = typeof import('keyward');

/** Loads the ESM build; types come from the sources it is built from. */
async function loadKeyward(): Promise<Keyward> {
  const url = pathToFileURL(join(ROOT, 'dist', 'index.mjs')).href;
  return (await import(url)) as Keyward;
}

function listen(app: Express): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, HOST);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

async function main(): Promise<void> {
  const { AuthConfigurator, InMemoryUserStore } = await loadKeyward();

  // Defaults everywhere except the secrets: argon2id at OWASP parameters when @node-rs/argon2
  // loads (bcrypt cost 12 otherwise), 15 min access tokens, no session check per request.
  // BENCH_HASHING=bcrypt forces the bcrypt fallback, as on a machine without the native package.
  const auth = new AuthConfigurator(
    {
      accessTokenSecret: randomBytes(32).toString('hex'),
      refreshTokenSecret: randomBytes(32).toString('hex'),
      ...(process.env.BENCH_HASHING === 'bcrypt'
        ? { passwordHashing: { algorithm: 'bcrypt' as const } }
        : {}),
    },
    new InMemoryUserStore(),
  );
  // One hash for every account: the bench measures logins, not set-up.
  const hash = await auth.passwordService.hash(PASSWORD);
  for (let i = 0; i < USERS; i++) {
    await auth.userStore.create({
      email: `bench-${i}@example.test`,
      password: hash,
      loginProvider: 'local',
    });
  }

  // The same handler on both apps: a constant small JSON body, so only the middleware differs.
  const handler: RequestHandler = (_req, res) => {
    res.json({ ok: true });
  };

  const bare = express();
  bare.get('/api/private', handler);

  const protectedApp = express();
  protectedApp.get('/api/private', auth.middleware(), handler);

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const control = express();
  // The runner plays many clients behind one proxy (X-Forwarded-For), so the brute-force
  // limiter, on as by default, counts per client address as it would in production.
  control.set('trust proxy', 'loopback');
  control.use('/auth', auth.router());
  control.get('/__bench/info', (_req, res) => {
    const { algorithm, argon2 } = auth.config.passwordHashing;
    res.json({
      hashing:
        algorithm === 'argon2id'
          ? `argon2id m=${argon2.memoryCost} t=${argon2.timeCost} p=${argon2.parallelism}`
          : `bcrypt cost ${auth.config.bcryptRounds} ($kwb1$)`,
      pid: process.pid,
      node: process.version,
    });
  });
  // Process CPU time and a monotonic clock, so the runner can tell whether the server was
  // saturated (about one core) or the load generator was the bottleneck.
  control.get('/__bench/cpu', (_req, res) => {
    const { user, system } = process.cpuUsage();
    res.json({ cpuMicros: user + system, wallNanos: process.hrtime.bigint().toString() });
  });
  control.post('/__bench/loop-delay/start', (_req, res) => {
    loopDelay.disable();
    loopDelay.reset();
    loopDelay.enable();
    res.json({ ok: true });
  });
  control.post('/__bench/loop-delay/stop', (_req, res) => {
    loopDelay.disable();
    const ms = (ns: number) => ns / 1e6;
    res.json({
      count: loopDelay.count,
      minMs: ms(loopDelay.min),
      meanMs: ms(loopDelay.mean),
      p50Ms: ms(loopDelay.percentile(50)),
      p99Ms: ms(loopDelay.percentile(99)),
      maxMs: ms(loopDelay.max),
    });
  });

  const servers = await Promise.all([listen(bare), listen(protectedApp), listen(control)]);
  const [bareServer, protectedServer, controlServer] = servers;

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
    // Exit even if a worker or socket lingers; process.exit also flushes a --cpu-prof profile.
    auth
      .close()
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
    `${JSON.stringify({
      ready: true,
      bare: portOf(bareServer),
      protected: portOf(protectedServer),
      control: portOf(controlServer),
    })}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
