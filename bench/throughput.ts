/**
 * Phase 1 of the benchmark: protected-route throughput against bare Express, with the default
 * middleware (revocation list on) and with the strict mode (`checkSessionOnRequest` over the
 * SQLite session store); and the revocation check's own cost, measured in the server.
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
  type Ports,
} from './common';

const CONNECTIONS = 50;
export { CONNECTIONS };

export async function serverCpu(ports: Ports): Promise<{ cpuMicros: number; wallNanos: bigint }> {
  const { body } = await call<{ cpuMicros: number; wallNanos: string }>(
    `http://${HOST}:${ports.control}/__bench/cpu`,
  );
  return { cpuMicros: body.cpuMicros, wallNanos: BigInt(body.wallNanos) };
}

// ---------------------------------------------------------------------------------------------
// 1. Throughput

type Scenario = 'bare' | 'protected' | 'strict';

interface RunResult {
  reqPerSec: number;
  p99LatencyMs: number;
  /** Server process CPU time / wall time during the run (1.0 = one core busy). */
  serverCpu: number;
  /** Server CPU time per completed request, in microseconds. */
  cpuPerRequestMicros: number;
  /** The same for everything else on the machine (not this process, not the server). */
  othersCpu: number;
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
  token: string,
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
    timeout: 10,
    // Both scenarios send the very same request; only the server side differs.
    headers: { authorization: `Bearer ${token}` },
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
  return {
    reqPerSec: result.requests.total / result.duration,
    p99LatencyMs: result.latency.p99,
    serverCpu: server / wallMicros,
    cpuPerRequestMicros: server / Math.max(1, result.requests.total),
    othersCpu: Math.max(0, machine - server - self.user - self.system) / wallMicros,
    problems,
  };
}

/** The protected route answers 401 without a token and 200 with one; the bare one answers 200. */
async function sanityCheck(ports: Ports, token: string): Promise<void> {
  const url = (port: number) => `http://${HOST}:${port}/api/private`;
  const auth = { authorization: `Bearer ${token}` };
  const strictToken = await accessToken(ports, '/strict/auth');
  const strictAuth = { authorization: `Bearer ${strictToken}` };
  const checks: Array<[string, number, number]> = [
    ['strict with token', (await call(url(ports.strict), { headers: strictAuth })).status, 200],
    ['protected without token', (await call(url(ports.protected))).status, 401],
    ['protected with token', (await call(url(ports.protected), { headers: auth })).status, 200],
    ['bare', (await call(url(ports.bare), { headers: auth })).status, 200],
  ];
  for (const [what, got, want] of checks) {
    if (got !== want)
      throw new Error(`sanity check failed: ${what} answered ${got}, expected ${want}`);
  }
}

function describeRun(label: string, r: RunResult): string {
  const extra = r.problems.length ? `  WARNING: ${r.problems.join(', ')}` : '';
  return (
    `  ${label.padEnd(22)} ${fmt(r.reqPerSec).padStart(8)} req/s   p99 latency ${fmt(r.p99LatencyMs)} ms` +
    `   server CPU ${fmt(r.serverCpu * 100)}% (${fmt(r.cpuPerRequestMicros)} µs/req)` +
    `   other processes ${fmt(r.othersCpu * 100)}%${extra}`
  );
}

export async function throughput(ports: Ports) {
  console.log(
    `\n[1/3] Throughput: GET /api/private, ${CONNECTIONS} connections, pipelining 1, ` +
      `${SECONDS} s per run, ${ROUNDS} round(s), warm-up ${WARMUP_SECONDS} s each`,
  );
  let token = await accessToken(ports);
  await sanityCheck(ports, token);

  console.log(describeRun('warm-up bare', await cannon(ports, 'bare', token, WARMUP_SECONDS)));
  console.log(
    describeRun('warm-up protected', await cannon(ports, 'protected', token, WARMUP_SECONDS)),
  );

  const runs: Record<Scenario, RunResult[]> = { bare: [], protected: [], strict: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of ['bare', 'protected', 'strict'] as const) {
      // A fresh token per run: long BENCH_SECONDS must not outlive the 15 min access tokens.
      if (scenario === 'protected') token = await accessToken(ports);
      const runToken = scenario === 'strict' ? await accessToken(ports, '/strict/auth') : token;
      const r = await cannon(ports, scenario, runToken, SECONDS);
      runs[scenario].push(r);
      console.log(describeRun(`round ${round} ${scenario}`, r));
    }
  }
  const bare = median(runs.bare.map((r) => r.reqPerSec));
  const prot = median(runs.protected.map((r) => r.reqPerSec));
  const strict = median(runs.strict.map((r) => r.reqPerSec));
  const bareCpu = median(runs.bare.map((r) => r.serverCpu));
  const all = [...runs.bare, ...runs.protected];
  const problems = all.flatMap((r) => r.problems);
  const othersMax = Math.max(...all.map((r) => r.othersCpu));
  const cpuPerReq = {
    bare: median(runs.bare.map((r) => r.cpuPerRequestMicros)),
    protected: median(runs.protected.map((r) => r.cpuPerRequestMicros)),
  };
  return {
    bare,
    protected: prot,
    ratio: prot / bare,
    strict,
    strictRatio: strict / bare,
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
