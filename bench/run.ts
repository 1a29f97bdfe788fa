/**
 * keyward benchmark: `npm run bench`.
 *
 * 1. Protected-route throughput: req/s of GET /api/private behind auth.middleware() (valid
 *    bearer token; the revocation check on, as by default) divided by req/s of the same route
 *    on bare Express; the same with `checkSessionOnRequest: true` over the SQLite session store,
 *    with `createApiKeyMiddleware` (valid key in X-Api-Key, in-memory key store, failure limits
 *    on), and with a bcrypt-per-request API key check (not keyward: a model of that design, for
 *    comparison). Alternating rounds, median of each. Then the revocation check's cost per
 *    request, measured in the server (bench/throughput.ts).
 * 2. Event-loop delay (p99, max) in the server while 20 logins are in flight, and the time until
 *    all 20 are answered.
 * 3. Login throughput: logins/s answered 200 under concurrent POST /auth/login.
 * Phases 2 and 3 run with the default hashing (argon2id when @node-rs/argon2 loads), then on a
 * second server forced to the bcrypt fallback (cost 12).
 * 4. SSE fan-out: one event to BENCH_SSE_STREAMS open streams, keyward's GET /tools/stream
 *    against a bare Node SSE loop, time until every stream has it (bench/sse-fanout.ts).
 * 5. Webhook deliveries per second to a local receiver (bench/webhook-throughput.ts).
 * 6. The event log's cost on a login: login throughput with and without AuthTools on the bus,
 *    and the per-event cost behind it (bench/event-log-cost.ts).
 * 7. Inbound webhooks: one sandboxed script run, cold and warm, and GitHub-signed deliveries per
 *    second through the stored script and through an onWebhook handler (bench/inbound-run.ts).
 *
 * The servers run in child processes (bench/server.ts for 1 to 3, bench/tools-server.ts for 4 to
 * 6, bench/inbound-server.ts for 7) and load the built package from dist/.
 * Environment: BENCH_SECONDS (per measured run, default 10), BENCH_ROUNDS (default 5: on 2 cores
 * single rounds differ by up to 25%), BENCH_CPU_PROF (a directory: the servers write V8 CPU
 * profiles there on exit), BENCH_SSE_STREAMS (default 5000), BENCH_WEBHOOK_EVENTS (default 2000),
 * BENCH_TOOLS_ROUNDS (default 5), BENCH_INBOUND_CONNECTIONS (default 16), BENCH_SANDBOX_RUNS
 * (default 200), BENCH_ONLY (`core`: phases 1 to 3, `tools`: 4 to 6, `inbound`: 7).
 * Only loopback; every phase has a time limit; the children are stopped on every exit path.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import {
  HOST,
  PASSWORD,
  SECONDS,
  USERS,
  call,
  clientAddress,
  credentials,
  fmt,
  login,
  sleep,
  type Ports,
} from './common';
import { startChild, stopAllChildren, stopChild } from './child';
import { LOGIN_CONNECTIONS, loginThroughput, type LoginThroughput } from './login-throughput';
import { apiKeyCost, revocationCost, throughput } from './throughput';
import { inboundPhases } from './inbound-run';
import { toolsPhases } from './tools-run';

const ROOT = resolve(__dirname, '..');
const RATIO_TARGET = 0.9;
const P99_TARGET_MS = 20;
const LOGINS_PER_SEC_TARGET = 50;
const LOGINS = 20;
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
/** `core` (phases 1 to 3), `tools` (4 to 6) or `inbound` (7); unset runs them all. */
const ONLY = process.env.BENCH_ONLY;

// ---------------------------------------------------------------------------------------------
// Build

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing; warns when src/ changed after the last build. */
function ensureBuilt(): void {
  const esm = join(ROOT, 'dist', 'index.mjs');
  if (!existsSync(esm) || !existsSync(join(ROOT, 'dist', 'index.js'))) {
    console.log('dist/ is missing: running npm run build');
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: 180_000 });
    if (r.status !== 0) throw new Error('npm run build failed');
  } else if (newestMtime(join(ROOT, 'src')) > statSync(esm).mtimeMs) {
    console.log(
      'WARNING: src/ changed after the last build; these numbers are for the old dist/ (run npm run build)',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Child process

let child: ChildProcess | undefined;

type Hashing = 'default' | 'bcrypt';

async function startServer(hashing: Hashing = 'default'): Promise<Ports> {
  const started = await startChild<Ports>('server.ts', {
    BENCH_USERS: String(USERS),
    BENCH_PASSWORD: PASSWORD,
    BENCH_HASHING: hashing === 'bcrypt' ? 'bcrypt' : '',
  });
  child = started.proc;
  return started.ready;
}

/** Asks the server to exit, then forces it after a grace period. */
function stopServer(): Promise<void> {
  return stopChild(child);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the server`);
    void stopAllChildren().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// 2. Event-loop delay during logins

interface LoopDelay {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

async function loopDelayWindow<T>(ports: Ports, work: () => Promise<T>): Promise<[LoopDelay, T]> {
  const base = `http://${HOST}:${ports.control}/__bench/loop-delay`;
  await call(`${base}/start`, { method: 'POST' });
  const value = await work();
  const { body } = await call<LoopDelay>(`${base}/stop`, { method: 'POST' });
  return [body, value];
}

async function concurrentLogins(ports: Ports, n: number) {
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      login(ports, '/auth', i).then(
        (r) => r.status,
        () => -1,
      ),
    ),
  );
  return { ms: performance.now() - started, ok: statuses.filter((s) => s === 200).length };
}

async function hashingOf(ports: Ports): Promise<string> {
  const { body } = await call<{ hashing: string }>(`http://${HOST}:${ports.control}/__bench/info`);
  return body.hashing;
}

async function loginLoopDelay(ports: Ports) {
  const hashing = await hashingOf(ports);
  console.log(
    `\n[2/6] Event-loop delay (monitorEventLoopDelay, resolution 1 ms) during ${LOGINS} concurrent ` +
      `POST /auth/login, ${hashing}`,
  );
  // Start the password worker threads, as a server that has served a few logins has them.
  const warm = await concurrentLogins(ports, 4);
  console.log(`  warm-up: 4 concurrent logins, ${warm.ok}/4 ok in ${fmt(warm.ms)} ms`);

  const [idle] = await loopDelayWindow(ports, () => sleep(1000));
  console.log(
    `  idle baseline (1 s):    p99 ${fmt(idle.p99Ms, 1)} ms, max ${fmt(idle.maxMs, 1)} ms, ` +
      `p50 ${fmt(idle.p50Ms, 1)} ms`,
  );
  await sleep(200);
  const [delay, logins] = await loopDelayWindow(ports, () => concurrentLogins(ports, LOGINS));
  console.log(
    `  ${LOGINS} logins:              p99 ${fmt(delay.p99Ms, 1)} ms, max ${fmt(delay.maxMs, 1)} ms, ` +
      `p50 ${fmt(delay.p50Ms, 1)} ms, ${delay.count} samples; ${logins.ok}/${LOGINS} answered 200, ` +
      `all done in ${fmt(logins.ms)} ms`,
  );
  return { delay, logins, hashing };
}

async function logins(ports: Ports): Promise<LoginThroughput & { hashing: string }> {
  const hashing = await hashingOf(ports);
  console.log(
    `\n[3/6] Login throughput: POST /auth/login, ${LOGIN_CONNECTIONS} connections, ${SECONDS} s, ${hashing}`,
  );
  const r = await loginThroughput(
    `http://${HOST}:${ports.control}/auth/login`,
    { credentials, clientAddress },
    SECONDS,
  );
  const extra = r.problems.length ? `  WARNING: ${r.problems.join(', ')}` : '';
  console.log(
    `  ${fmt(r.loginsPerSec, 1)} logins/s (${r.ok} answered 200)   latency p50 ${fmt(r.p50LatencyMs)} ms, ` +
      `p99 ${fmt(r.p99LatencyMs)} ms${extra}`,
  );
  return { ...r, hashing };
}

/** Phases 2 and 3 on a fresh server forced to the bcrypt fallback. */
async function bcryptFallback() {
  await stopServer();
  const ports = await startServer('bcrypt');
  console.log(`\nsecond server (child process ${child?.pid}) with BENCH_HASHING=bcrypt`);
  return { loop: await loginLoopDelay(ports), logins: await logins(ports) };
}

// ---------------------------------------------------------------------------------------------

/** Phases 1 to 3: protected routes, event-loop delay and login throughput. */
async function corePhases(): Promise<{ lines: string[]; notes: string[] }> {
  const ports = await startServer();
  console.log(`server ready (child process ${child?.pid}), keyward loaded from dist/`);
  try {
    const t = await throughput(ports);
    const cost = await revocationCost(ports);
    const keyCost = await apiKeyCost(ports);
    const l = await loginLoopDelay(ports);
    const lt = await logins(ports);
    const fallback = await bcryptFallback();

    const notes: string[] = [];
    if (t.problems.length)
      notes.push(`throughput runs reported problems: ${t.problems.join('; ')}`);
    if (t.bcryptProblems.length)
      notes.push(`the bcrypt model's runs reported problems: ${t.bcryptProblems.join('; ')}`);
    if (t.bareCpu < 0.9) {
      notes.push(
        `the server used only ${fmt(t.bareCpu * 100)}% CPU in the bare runs: the load generator ` +
          'may be the bottleneck, which pulls the ratio towards 1',
      );
    }
    if (t.othersMax > 0.1) {
      notes.push(
        `other processes used up to ${fmt(t.othersMax * 100)}% of a core during a measured run: ` +
          'the throughput numbers are disturbed; rerun on a quiet machine',
      );
    }
    for (const run of [l, fallback.loop]) {
      if (run.logins.ok !== LOGINS)
        notes.push(`only ${run.logins.ok}/${LOGINS} logins answered 200`);
    }
    for (const run of [lt, fallback.logins]) {
      if (run.problems.length)
        notes.push(`login throughput (${run.hashing}): ${run.problems.join(', ')}`);
    }

    const lines: string[] = [];
    lines.push(
      `protected/bare ratio: ${fmt(t.ratio, 2)} (target >= ${RATIO_TARGET})   ` +
        `bare ${fmt(t.bare)} req/s, protected ${fmt(t.protected)} req/s` +
        `   [${t.ratio >= RATIO_TARGET ? 'met' : 'NOT met'}]`,
    );
    const k = t.apiKey;
    lines.push(
      `API key route (createApiKeyMiddleware, in-memory store, failure limits on): ratio ` +
        `${fmt(k.ratio, 2)} (target >= ${RATIO_TARGET})   ${fmt(k.reqPerSec)} req/s, p99 ` +
        `${fmt(k.p99LatencyMs)} ms (bare ${fmt(t.bareP99LatencyMs)} ms), ` +
        `${fmt(k.cpuPerRequestMicros - t.cpuPerReq.bare)} µs of server CPU per request over bare ` +
        `(CPU-bound ratio ${fmt(t.cpuPerReq.bare / k.cpuPerRequestMicros, 2)})` +
        `   [${k.ratio >= RATIO_TARGET ? 'met' : 'NOT met'}]`,
    );
    lines.push(
      `API key middleware alone (in the server, no HTTP): ${fmt(keyCost.withLimitsNs / 1000, 1)} µs ` +
        `per request at its defaults, ${fmt(keyCost.withoutLimitsNs / 1000, 1)} µs with the failure ` +
        `limits off; bare Express costs ${fmt(t.cpuPerReq.bare)} µs of server CPU per request`,
    );
    const b = t.apiKeyBcrypt;
    lines.push(
      `bcrypt compare per request (NOT keyward: a model of that design, bcryptjs cost 10): ratio ` +
        `${fmt(b.ratio, 4)}   ${fmt(b.reqPerSec, 1)} req/s, p99 ${fmt(b.p99LatencyMs)} ms, ` +
        `${fmt(b.cpuPerRequestMicros / 1000, 1)} ms of server CPU per request, of which one ` +
        `compare ${fmt(b.compareMs ?? 0, 1)} ms (no target)`,
    );
    lines.push(
      `revocation check (on by default): ${fmt(cost.withNs - cost.withoutNs)} ns per request ` +
        `(middleware ${fmt(cost.withNs)} ns with it, ${fmt(cost.withoutNs)} ns without; ` +
        `${fmt(cost.revoked)} revocations held)`,
    );
    lines.push(
      `checkSessionOnRequest: true over the SQLite session store: ratio ${fmt(t.strictRatio, 2)} ` +
        `(${fmt(t.strict)} req/s; a session read and write per request; no target)`,
    );
    lines.push(
      `server CPU per request: bare ${fmt(t.cpuPerReq.bare)} µs, protected ${fmt(t.cpuPerReq.protected)} µs ` +
        `(auth adds ${fmt(t.cpuPerReq.protected - t.cpuPerReq.bare)} µs; CPU-bound ratio ` +
        `${fmt(t.cpuPerReq.bare / t.cpuPerReq.protected, 2)})`,
    );
    for (const run of [l, fallback.loop]) {
      lines.push(
        `event-loop p99 during ${LOGINS} concurrent logins (${run.hashing}): ` +
          `${fmt(run.delay.p99Ms, 1)} ms (target < ${P99_TARGET_MS} ms), max ${fmt(run.delay.maxMs, 1)} ms, ` +
          `all ${LOGINS} done in ${fmt(run.logins.ms)} ms   [${run.delay.p99Ms < P99_TARGET_MS ? 'met' : 'NOT met'}]`,
      );
    }
    lines.push(
      `login throughput (${lt.hashing}): ${fmt(lt.loginsPerSec, 1)} logins/s ` +
        `(target >= ${LOGINS_PER_SEC_TARGET} with argon2id)   ` +
        `[${!lt.hashing.startsWith('argon2id') ? 'argon2id not loaded' : lt.loginsPerSec >= LOGINS_PER_SEC_TARGET ? 'met' : 'NOT met'}]`,
    );
    lines.push(
      `login throughput (${fallback.logins.hashing}): ${fmt(fallback.logins.loginsPerSec, 1)} logins/s (no target)`,
    );
    return { lines, notes };
  } finally {
    await stopServer();
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  console.log(
    `${availableParallelism()} CPUs, 1-min load average ${fmt(loadavg()[0]!, 2)} at start`,
  );
  const lines: string[] = [];
  const notes: string[] = [];
  const all = { core: corePhases, tools: toolsPhases, inbound: inboundPhases };
  const phases =
    ONLY !== undefined && ONLY in all
      ? [all[ONLY as keyof typeof all]]
      : [corePhases, toolsPhases, inboundPhases];
  for (const phase of phases) {
    const result = await phase();
    lines.push(...result.lines);
    notes.push(...result.notes);
  }
  console.log('\nSummary');
  for (const line of lines) console.log(line);
  for (const note of notes) console.log(`note: ${note}`);
  if (CPU_PROF_DIR) console.log(`server CPU profiles written to ${resolve(CPU_PROF_DIR)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('benchmark failed:', err instanceof Error ? err.message : err);
    // Targets are only reported; a broken run (server down, login refused) is an error.
    process.exit(1);
  },
);
