/**
 * The server under test, started by bench/run.ts in its own process so the load generator never
 * shares its event loop. It loads keyward from the built package (dist/), the code users run.
 *
 * Six listeners on 127.0.0.1, random ports, one process:
 * - bare:      GET /api/private -> handler                          (plain Express)
 * - protected: GET /api/private -> auth.middleware() -> handler      (the same app plus auth,
 *              the revocation check on as by default, the list holding 11,000 revocations)
 * - strict:    GET /api/private -> checkSessionOnRequest middleware -> handler, sessions in
 *              SQLite (keyward/sql over better-sqlite3, an in-memory database)
 * - apikey:    GET /api/private -> createApiKeyMiddleware(InMemoryApiKeyStore) -> handler (the
 *              default options: failure limits per address and per prefix on; 1,000 keys stored)
 * - apikeyBcrypt: GET /api/private -> a bcrypt-per-request API key check -> handler; NOT keyward,
 *              a model of another design for comparison (bench/bcrypt-api-key-model.ts)
 * - control:   /auth and /strict/auth (keyward's routers, for logins) and /__bench/*
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
import Database from 'better-sqlite3';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { bcryptApiKeyModel, BCRYPT_MODEL_COST } from './bcrypt-api-key-model';

const HOST = '127.0.0.1';
const ROOT = join(__dirname, '..');
// The runner chooses the credentials and logs in with them: BENCH_USERS accounts named
// bench-<i>@example.test, one password.
const PASSWORD = process.env.BENCH_PASSWORD ?? 'correct horse battery staple';
const USERS = Number(process.env.BENCH_USERS ?? 64);

type Keyward = typeof import('keyward');
type KeywardSql = typeof import('keyward/sql');

/** Loads the ESM build; types come from the sources it is built from. */
async function loadKeyward(): Promise<Keyward> {
  const url = pathToFileURL(join(ROOT, 'dist', 'index.mjs')).href;
  return (await import(url)) as Keyward;
}

async function loadKeywardSql(): Promise<KeywardSql> {
  const url = pathToFileURL(join(ROOT, 'dist', 'sql.mjs')).href;
  return (await import(url)) as KeywardSql;
}

/** Nanoseconds per call of a middleware on a request it admits (median of 5 batches). */
function nsPerCall(middleware: RequestHandler, token: string): number {
  const req = { headers: { authorization: `Bearer ${token}` }, method: 'GET', cookies: {} };
  const res = {};
  let admitted = 0;
  const next = () => {
    admitted++;
  };
  const run = (n: number) => {
    for (let i = 0; i < n; i++) middleware(req as Request, res as Response, next);
  };
  run(20_000);
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const start = process.hrtime.bigint();
    run(100_000);
    batches.push(Number(process.hrtime.bigint() - start) / 100_000);
  }
  if (admitted === 0) throw new Error('the middleware admitted nothing');
  return batches.sort((x, y) => x - y)[2]!;
}

/**
 * Nanoseconds per call of an asynchronous middleware, each call awaited until it calls next()
 * (median of 3 batches). The request comes from 127.0.0.1 with the key in X-Api-Key.
 */
async function nsPerAwaitedCall(middleware: RequestHandler, apiKey: string): Promise<number> {
  const req = {
    headers: { 'x-api-key': apiKey },
    ip: '127.0.0.1',
    method: 'GET',
    url: '/api/private',
    originalUrl: '/api/private',
  };
  let refused = (): void => undefined;
  // Enough of a response for the middleware: an answer instead of next() is a refusal.
  const res = {
    set: () => res,
    once: () => res,
    status: () => res,
    setHeader: () => res,
    json: () => refused(),
  };
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await new Promise<void>((resolve, reject) => {
        refused = () => reject(new Error('the API key middleware refused the key'));
        middleware(req as unknown as Request, res as unknown as Response, (err?: unknown) =>
          err === undefined ? resolve() : reject(new Error('the API key middleware failed')),
        );
      });
    }
  };
  await run(5_000);
  const batches: number[] = [];
  for (let b = 0; b < 3; b++) {
    const start = process.hrtime.bigint();
    await run(10_000);
    batches.push(Number(process.hrtime.bigint() - start) / 10_000);
  }
  return batches.sort((x, y) => x - y)[1]!;
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
  const {
    AuthConfigurator,
    InMemoryUserStore,
    createAuthMiddleware,
    ApiKeyService,
    InMemoryApiKeyStore,
    createApiKeyMiddleware,
  } = await loadKeyward();
  const { createSqlStores } = await loadKeywardSql();

  // Defaults everywhere except the secrets: argon2id at OWASP parameters when @node-rs/argon2
  // loads (bcrypt cost 12 otherwise), 15 min access tokens, no session check per request.
  // BENCH_HASHING=bcrypt forces the bcrypt fallback, as on a machine without the native package.
  const config = {
    accessTokenSecret: randomBytes(32).toString('hex'),
    refreshTokenSecret: randomBytes(32).toString('hex'),
    ...(process.env.BENCH_HASHING === 'bcrypt'
      ? { passwordHashing: { algorithm: 'bcrypt' as const } }
      : {}),
  };
  const auth = new AuthConfigurator(config, new InMemoryUserStore());
  // One hash for every account: the bench measures logins, not set-up.
  const hash = await auth.passwordService.hash(PASSWORD);
  for (let i = 0; i < USERS; i++) {
    await auth.userStore.create({
      email: `bench-${i}@example.test`,
      password: hash,
      loginProvider: 'local',
    });
  }
  // A busy day's revocations, so the check looks up in full maps rather than empty ones.
  for (let i = 0; i < 10_000; i++) {
    await auth.revoke({
      kind: 'session',
      sessionId: randomBytes(18).toString('base64url'),
      at: new Date(),
    });
  }
  for (let i = 0; i < 1_000; i++) {
    await auth.revoke({ kind: 'user', userId: randomBytes(9).toString('hex'), at: new Date() });
  }

  // The strict mode over SQLite: users and sessions in one in-memory database.
  const sqlite = createSqlStores({ dialect: 'sqlite', database: new Database(':memory:') });
  await sqlite.migrate();
  const strictAuth = new AuthConfigurator(
    { ...config, checkSessionOnRequest: true },
    sqlite.userStore,
    { sessionStore: sqlite.sessionStore },
  );
  await sqlite.userStore.create({
    email: 'bench-0@example.test',
    password: await strictAuth.passwordService.hash(PASSWORD),
    loginProvider: 'local',
  });

  // API keys in the in-memory store: the one the runner presents among 999 others, so the
  // prefix lookup runs in a map of a realistic size.
  const apiKeyStore = new InMemoryApiKeyStore();
  const apiKeys = new ApiKeyService();
  const { rawKey: apiKey } = await apiKeys.createKey(apiKeyStore, { name: 'bench' });
  for (let i = 1; i < 1_000; i++) await apiKeys.createKey(apiKeyStore, { name: `other-${i}` });
  // The comparison model (not keyward) accepts the same raw key, stored as a bcrypt hash.
  const bcryptModel = await bcryptApiKeyModel(apiKey);

  // The same handler on every app: a constant small JSON body, so only the middleware differs.
  const handler: RequestHandler = (_req, res) => {
    res.json({ ok: true });
  };

  const bare = express();
  bare.get('/api/private', handler);

  const protectedApp = express();
  protectedApp.get('/api/private', auth.middleware(), handler);

  const strictApp = express();
  strictApp.get('/api/private', strictAuth.middleware(), handler);

  const apiKeyApp = express();
  apiKeyApp.get('/api/private', createApiKeyMiddleware(apiKeyStore), handler);

  const apiKeyBcryptApp = express();
  apiKeyBcryptApp.get('/api/private', bcryptModel.middleware, handler);

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const control = express();
  // The runner plays many clients behind one proxy (X-Forwarded-For), so the brute-force
  // limiter, on as by default, counts per client address as it would in production.
  control.set('trust proxy', 'loopback');
  control.use('/auth', auth.router());
  control.use('/strict/auth', strictAuth.router());
  // The revocation check alone: the same middleware with and without the list, called
  // directly (no HTTP), alternating so both see the same machine load.
  control.post('/__bench/revocation-cost', express.json(), (req, res) => {
    const token = (req.body as { token: string }).token;
    const withCheck = auth.middleware();
    const withoutCheck = createAuthMiddleware(auth.config);
    const withNs: number[] = [];
    const withoutNs: number[] = [];
    // Seven rounds, the order swapped each time, so neither side always runs on a warmer JIT.
    for (let round = 0; round < 7; round++) {
      const pair = [
        () => withoutNs.push(nsPerCall(withoutCheck, token)),
        () => withNs.push(nsPerCall(withCheck, token)),
      ];
      if (round % 2) pair.reverse();
      for (const measure of pair) measure();
    }
    const mid = (v: number[]) => v.sort((x, y) => x - y)[3]!;
    res.json({ withNs: mid(withNs), withoutNs: mid(withoutNs), revoked: 11_000 });
  });
  // The raw key both API key listeners accept (random per run, loopback only).
  control.get('/__bench/api-key', (_req, res) => {
    res.json({ apiKey, bcryptCost: BCRYPT_MODEL_COST });
  });
  // The bcrypt model's compares so far: the runner waits for the count to settle after a run
  // (requests sent before autocannon closed its connections are still answered).
  control.get('/__bench/bcrypt-model/stats', (_req, res) => {
    res.json(bcryptModel.stats());
  });
  // The API key middleware alone, called directly (no HTTP) and awaited: at its defaults and
  // with the failure limits off, alternating as above. A fresh pair per measurement, so its
  // lastUsedAt write (once a minute) falls in the warm-up. A middleware that never calls next()
  // would hang this request: the runner's 30 s timeout fails the benchmark then.
  control.post('/__bench/apikey-cost', (_req, res, next) => {
    const withLimits = createApiKeyMiddleware(apiKeyStore);
    const withoutLimits = createApiKeyMiddleware(apiKeyStore, { rateLimit: false });
    const withNs: number[] = [];
    const withoutNs: number[] = [];
    const measure = async () => {
      for (let round = 0; round < 5; round++) {
        const pair = [
          async () => withoutNs.push(await nsPerAwaitedCall(withoutLimits, apiKey)),
          async () => withNs.push(await nsPerAwaitedCall(withLimits, apiKey)),
        ];
        if (round % 2) pair.reverse();
        for (const one of pair) await one();
      }
      const mid = (v: number[]) => v.sort((x, y) => x - y)[2]!;
      res.json({ withLimitsNs: mid(withNs), withoutLimitsNs: mid(withoutNs) });
    };
    measure().catch(next);
  });
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
  // The bcrypt model's compares so far ride along, read at the same instant.
  control.get('/__bench/cpu', (_req, res) => {
    const { user, system } = process.cpuUsage();
    res.json({
      cpuMicros: user + system,
      wallNanos: process.hrtime.bigint().toString(),
      bcryptModel: bcryptModel.stats(),
    });
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

  const servers = await Promise.all([
    listen(bare),
    listen(protectedApp),
    listen(strictApp),
    listen(apiKeyApp),
    listen(apiKeyBcryptApp),
    listen(control),
  ]);
  const [
    bareServer,
    protectedServer,
    strictServer,
    apiKeyServer,
    apiKeyBcryptServer,
    controlServer,
  ] = servers;

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
    // Exit even if a worker or socket lingers; process.exit also flushes a --cpu-prof profile.
    Promise.all([auth.close(), strictAuth.close(), sqlite.destroy()])
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
      strict: portOf(strictServer),
      apikey: portOf(apiKeyServer),
      apikeyBcrypt: portOf(apiKeyBcryptServer),
      control: portOf(controlServer),
    })}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
