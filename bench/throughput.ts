/**
 * Phase 1 of the benchmark: protected-route throughput against bare Express, with the default
 * middleware (revocation list on), with the strict mode (`checkSessionOnRequest` over the
 * SQLite session store), with `createApiKeyMiddleware` (in-memory key store, failure limits on)
 * and with a bcrypt-per-request API key model for comparison; and the revocation check's own
 * cost, measured in the server.
 */
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import {
  HOST,
  ROUNDS,
  SECONDS,
  WARMUP_SECONDS,
  accessToken,
  call,
  fmt,
  median,
  sleep,
  type Ports,
} from './common';

const CONNECTIONS = 50;
export { CONNECTIONS };

/** The bcrypt model's compares so far and the time they took (bench/bcrypt-api-key-model.ts). */
interface BcryptStats {
  compares: number;
  compareMs: number;
}

export async function serverCpu(
  ports: Ports,
): Promise<{ cpuMicros: number; wallNanos: bigint; bcryptModel: BcryptStats }> {
  const { body } = await call<{ cpuMicros: number; wallNanos: string; bcryptModel: BcryptStats }>(
    `http://${HOST}:${ports.control}/__bench/cpu`,
  );
  return { ...body, wallNanos: BigInt(body.wallNanos) };
}

// ---------------------------------------------------------------------------------------------
// 1. Throughput

type Scenario = 'bare' | 'protected' | 'strict' | 'apikey' | 'apikeyBcrypt';
const SCENARIOS: readonly Scenario[] = ['bare', 'protected', 'apikey', 'strict', 'apikeyBcrypt'];

/** What every run sends, whichever the scenario: the bearer token and the API key. */
interface Credentials {
  token: string;
  apiKey: string;
}

interface RunResult {
  reqPerSec: number;
  p99LatencyMs: number;
  /** Server process CPU time / wall time during the run (1.0 = one core busy). */
  serverCpu: number;
  /** Server CPU time per completed request, in microseconds. */
  cpuPerRequestMicros: number;
  /** The same for everything else on the machine (not this process, not the server). */
  othersCpu: number;
  /** The bcrypt model only: mean time of one compare, in ms, timed in the server. */
  compareMs?: number;
  problems: string[];
}

/** CPU time spent by the whole machine (all cores, all processes) since boot. */
function machineBusyMicros(): number {
  let ms = 0;
  for (const { times } of cpus()) ms += times.user + times.nice + times.sys + times.irq;
  return ms * 1000;
}

async function cannon(
  ports: Ports,
  scenario: Scenario,
  { token, apiKey }: Credentials,
  seconds: number,
): Promise<RunResult> {
  const machineBefore = machineBusyMicros();
  const selfBefore = process.cpuUsage();
  const before = await serverCpu(ports);
  const result = await autocannon({
    url: `http://${HOST}:${ports[scenario]}/api/private`,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    // The bcrypt model answers one request per ~0.1 s, so each of its 50 connections waits ~5 s
    // (longer on a busy machine): a timeout there would only resend a request still queued.
    timeout: scenario === 'apikeyBcrypt' ? 60 : 10,
    // Every scenario gets the very same request; only the server side differs. The API key
    // middleware reads X-Api-Key (a Bearer authorization is no ApiKey scheme, so it is skipped);
    // auth.middleware() reads the bearer token and ignores X-Api-Key.
    headers: { authorization: `Bearer ${token}`, 'x-api-key': apiKey },
  });
  const after = await serverCpu(ports);
  const self = process.cpuUsage(selfBefore);
  const machine = machineBusyMicros() - machineBefore;
  const wallMicros = Number(after.wallNanos - before.wallNanos) / 1000;
  const server = after.cpuMicros - before.cpuMicros;
  const problems: string[] = [];
  if (result.non2xx) problems.push(`${result.non2xx} non-2xx`);
  if (result.errors) problems.push(`${result.errors} errors`);
  if (result.timeouts) problems.push(`${result.timeouts} timeouts`);
  // The bcrypt model answers requests autocannon sent before it closed its connections while
  // the server's CPU is read (each takes ~0.1 s): per request there means per compare done.
  const compares = after.bcryptModel.compares - before.bcryptModel.compares;
  const bcrypt = scenario === 'apikeyBcrypt';
  const answered = bcrypt ? compares : result.requests.total;
  return {
    reqPerSec: result.requests.total / result.duration,
    p99LatencyMs: result.latency.p99,
    serverCpu: server / wallMicros,
    cpuPerRequestMicros: server / Math.max(1, answered),
    ...(bcrypt && {
      compareMs:
        (after.bcryptModel.compareMs - before.bcryptModel.compareMs) / Math.max(1, compares),
    }),
    othersCpu: Math.max(0, machine - server - self.user - self.system) / wallMicros,
    problems,
  };
}

/**
 * The protected routes answer 401 without credentials and 200 with them; the bare one answers
 * 200. No wrong API key is tried: it would count a failure against the runner's address.
 */
async function sanityCheck(ports: Ports, { token, apiKey }: Credentials): Promise<void> {
  const url = (port: number) => `http://${HOST}:${port}/api/private`;
  const auth = { authorization: `Bearer ${token}` };
  const strictToken = await accessToken(ports, '/strict/auth');
  const strictAuth = { authorization: `Bearer ${strictToken}` };
  const key = { 'x-api-key': apiKey };
  const checks: Array<[string, number, number]> = [
    ['strict with token', (await call(url(ports.strict), { headers: strictAuth })).status, 200],
    ['protected without token', (await call(url(ports.protected))).status, 401],
    ['protected with token', (await call(url(ports.protected), { headers: auth })).status, 200],
    ['API key route without key', (await call(url(ports.apikey))).status, 401],
    ['API key route with key', (await call(url(ports.apikey), { headers: key })).status, 200],
    ['bcrypt model without key', (await call(url(ports.apikeyBcrypt))).status, 401],
    ['bcrypt model with key', (await call(url(ports.apikeyBcrypt), { headers: key })).status, 200],
    ['bare', (await call(url(ports.bare), { headers: auth })).status, 200],
  ];
  for (const [what, got, want] of checks) {
    if (got !== want)
      throw new Error(`sanity check failed: ${what} answered ${got}, expected ${want}`);
  }
}

/**
 * Waits until the bcrypt model has answered the requests autocannon sent before it closed its
 * connections (up to one per connection, ~0.1 s each), so they do not run into the next
 * measurement: until its count of compares stays the same for 0.5 s.
 */
async function drainBcryptModel(ports: Ports): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = (await serverCpu(ports)).bcryptModel.compares;
  for (;;) {
    await sleep(500);
    const now = (await serverCpu(ports)).bcryptModel.compares;
    if (now === last) return;
    if (Date.now() > deadline) throw new Error('the bcrypt model did not settle within 60 s');
    last = now;
  }
}

async function run(
  ports: Ports,
  scenario: Scenario,
  creds: Credentials,
  seconds: number,
): Promise<RunResult> {
  const r = await cannon(ports, scenario, creds, seconds);
  if (scenario === 'apikeyBcrypt') await drainBcryptModel(ports);
  return r;
}

function describeRun(label: string, r: RunResult): string {
  const extra = r.problems.length ? `  WARNING: ${r.problems.join(', ')}` : '';
  return (
    `  ${label.padEnd(22)} ${fmt(r.reqPerSec).padStart(8)} req/s   p99 latency ${fmt(r.p99LatencyMs)} ms` +
    `   server CPU ${fmt(r.serverCpu * 100)}% (${fmt(r.cpuPerRequestMicros)} µs/req)` +
    `   other processes ${fmt(r.othersCpu * 100)}%${extra}`
  );
}

/** One scenario's medians over the rounds. */
export interface ScenarioSummary {
  reqPerSec: number;
  /** median(this scenario's req/s) / median(bare req/s). */
  ratio: number;
  p99LatencyMs: number;
  cpuPerRequestMicros: number;
  /** The bcrypt model only: one compare, in ms. */
  compareMs?: number;
}

export async function throughput(ports: Ports) {
  console.log(
    `\n[1/6] Throughput: GET /api/private, ${CONNECTIONS} connections, pipelining 1, ` +
      `${SECONDS} s per run, ${ROUNDS} round(s), warm-up ${WARMUP_SECONDS} s each`,
  );
  const { body: keyInfo } = await call<{ apiKey: string }>(
    `http://${HOST}:${ports.control}/__bench/api-key`,
  );
  const creds: Credentials = { token: await accessToken(ports), apiKey: keyInfo.apiKey };
  await sanityCheck(ports, creds);

  for (const scenario of ['bare', 'protected', 'apikey', 'apikeyBcrypt'] as const) {
    const r = await run(ports, scenario, creds, WARMUP_SECONDS);
    console.log(describeRun(`warm-up ${scenario}`, r));
  }

  const runs: Record<Scenario, RunResult[]> = {
    bare: [],
    protected: [],
    strict: [],
    apikey: [],
    apikeyBcrypt: [],
  };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of SCENARIOS) {
      // A fresh token per run: long BENCH_SECONDS must not outlive the 15 min access tokens.
      if (scenario === 'protected') creds.token = await accessToken(ports);
      const runCreds =
        scenario === 'strict'
          ? { ...creds, token: await accessToken(ports, '/strict/auth') }
          : creds;
      const r = await run(ports, scenario, runCreds, SECONDS);
      runs[scenario].push(r);
      console.log(describeRun(`round ${round} ${scenario}`, r));
    }
  }
  const bare = median(runs.bare.map((r) => r.reqPerSec));
  const summary = (scenario: Scenario): ScenarioSummary => {
    const reqPerSec = median(runs[scenario].map((r) => r.reqPerSec));
    return {
      reqPerSec,
      ratio: reqPerSec / bare,
      p99LatencyMs: median(runs[scenario].map((r) => r.p99LatencyMs)),
      cpuPerRequestMicros: median(runs[scenario].map((r) => r.cpuPerRequestMicros)),
      ...(scenario === 'apikeyBcrypt' && {
        compareMs: median(runs[scenario].map((r) => r.compareMs ?? 0)),
      }),
    };
  };
  const prot = summary('protected');
  const strict = summary('strict');
  const bareCpu = median(runs.bare.map((r) => r.serverCpu));
  // The runs the targets rest on; the bcrypt model and the strict mode have none.
  const all = [...runs.bare, ...runs.protected, ...runs.apikey];
  const problems = all.flatMap((r) => r.problems);
  const othersMax = Math.max(...all.map((r) => r.othersCpu));
  const cpuPerReq = {
    bare: median(runs.bare.map((r) => r.cpuPerRequestMicros)),
    protected: prot.cpuPerRequestMicros,
  };
  return {
    bare,
    bareP99LatencyMs: median(runs.bare.map((r) => r.p99LatencyMs)),
    protected: prot.reqPerSec,
    ratio: prot.ratio,
    strict: strict.reqPerSec,
    strictRatio: strict.ratio,
    apiKey: summary('apikey'),
    apiKeyBcrypt: summary('apikeyBcrypt'),
    bcryptProblems: runs.apikeyBcrypt.flatMap((r) => r.problems),
    bareCpu,
    cpuPerReq,
    othersMax,
    problems,
  };
}

/** The revocation check's cost per request: the middleware with and without it, in ns. */
export interface RevocationCost {
  withNs: number;
  withoutNs: number;
  revoked: number;
}

export async function revocationCost(ports: Ports): Promise<RevocationCost> {
  const token = await accessToken(ports);
  const { body } = await call<RevocationCost>(
    `http://${HOST}:${ports.control}/__bench/revocation-cost`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    },
  );
  console.log(
    `  revocation check: middleware ${fmt(body.withNs)} ns/req with it, ${fmt(body.withoutNs)} ns/req ` +
      `without (list holding ${fmt(body.revoked)} revocations): +${fmt(body.withNs - body.withoutNs)} ns`,
  );
  return body;
}

/** The API key middleware's own cost per request, awaited in the server without HTTP, in ns. */
export interface ApiKeyCost {
  withLimitsNs: number;
  withoutLimitsNs: number;
}

export async function apiKeyCost(ports: Ports): Promise<ApiKeyCost> {
  const { body } = await call<ApiKeyCost>(`http://${HOST}:${ports.control}/__bench/apikey-cost`, {
    method: 'POST',
  });
  console.log(
    `  API key middleware alone: ${fmt(body.withLimitsNs)} ns/req at its defaults, ` +
      `${fmt(body.withoutLimitsNs)} ns/req with rateLimit: false (the failure-counter reads: ` +
      `+${fmt(body.withLimitsNs - body.withoutLimitsNs)} ns)`,
  );
  return body;
}
