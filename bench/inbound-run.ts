/**
 * Phase 7, inbound webhooks: the cost of one sandboxed script run (cold and warm, in a fresh
 * process: bench/sandbox-cost.ts), then GitHub-signed deliveries per second through
 * `POST /tools/webhook/github`, with the stored script in the sandbox and with an `onWebhook`
 * handler (no sandbox), alternating rounds, medians reported. Each delivery has its own id and
 * signature, as a provider sends them, so none is answered from the replay check.
 */
import { spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { startChild, stopChild } from './child';
import { HOST, ROUNDS, SECONDS, envNumber, fmt, median } from './common';

const ROOT = resolve(__dirname, '..');
const SECRET = 'bench-inbound-secret-0123456789';
const CONNECTIONS = Math.round(envNumber('BENCH_INBOUND_CONNECTIONS', 16, 1, 256));
const WARMUP_MS = 2_000;

type Path = 'scripted' | 'handler';

interface Round {
  perSecond: number;
  ok: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
}

/** One delivery: a fresh id and body, signed as GitHub signs. */
function delivery(n: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    action: 'cancelled',
    sponsorship: {
      id: `sp_${n}`,
      sponsor: { id: n, login: `sponsor${n}` },
      tier: { name: 'Gold' },
    },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-github-event': 'sponsorship',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
  };
}

function post(agent: http.Agent, port: number, path: string, n: number): Promise<number> {
  const { body, headers } = delivery(n);
  return new Promise((resolvePost, reject) => {
    const req = http.request({ host: HOST, port, path, method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.once('end', () => resolvePost(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** CONNECTIONS clients posting back to back for `ms`. */
async function load(port: number, path: Path, ms: number, counter: { n: number }): Promise<Round> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const until = performance.now() + ms;
  const started = performance.now();
  const client = async () => {
    while (performance.now() < until) {
      const at = performance.now();
      const status = await post(agent, port, `/${path}/webhook/github`, counter.n++).catch(
        () => -1,
      );
      latencies.push(performance.now() - at);
      if (status === 200) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, client));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN;
  return { perSecond: ok / elapsed, ok, failed, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** bench/sandbox-cost.ts in a fresh process, so its cold run really is the first. */
function sandboxCost(): string[] {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'sandbox-cost.ts')],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  if (run.status !== 0) throw new Error(`sandbox cost failed: ${run.stderr || run.error?.message}`);
  return run.stdout
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('load average'));
}

export async function inboundPhases(): Promise<{ lines: string[]; notes: string[] }> {
  const lines: string[] = [];
  const notes: string[] = [];
  console.log('\nPhase 7: inbound webhooks');
  for (const line of sandboxCost()) {
    console.log(`  ${line}`);
    lines.push(line);
  }
  const { proc, ready } = await startChild<{ port: number }>(
    'inbound-server.ts',
    {},
    'inbound server',
  );
  try {
    const counter = { n: 0 };
    const results: Record<Path, Round[]> = { scripted: [], handler: [] };
    await load(ready.port, 'scripted', WARMUP_MS, counter);
    await load(ready.port, 'handler', WARMUP_MS, counter);
    for (let round = 0; round < ROUNDS; round++) {
      for (const path of (round % 2 === 0
        ? ['scripted', 'handler']
        : ['handler', 'scripted']) as Path[]) {
        const r = await load(ready.port, path, SECONDS * 1000, counter);
        results[path].push(r);
        console.log(
          `  round ${round + 1} ${path}: ${fmt(r.perSecond)} deliveries/s, p50 ${fmt(r.p50Ms, 1)} ms, ` +
            `p99 ${fmt(r.p99Ms, 1)} ms${r.failed > 0 ? `, ${r.failed} not answered 200` : ''}`,
        );
        if (r.failed > 0)
          notes.push(`${r.failed} inbound deliveries (${path}) were not answered 200`);
      }
    }
    const summary = (path: Path) => {
      const rs = results[path];
      return `${fmt(median(rs.map((r) => r.perSecond)))}/s (p50 ${fmt(median(rs.map((r) => r.p50Ms)), 1)} ms, p99 ${fmt(median(rs.map((r) => r.p99Ms)), 1)} ms)`;
    };
    lines.push(
      `inbound webhooks, GitHub-signed, ${CONNECTIONS} connections on ${availableParallelism()} CPUs: ` +
        `script in the sandbox ${summary('scripted')}, onWebhook handler ${summary('handler')}`,
    );
    const load1 = loadavg()[0]!;
    if (load1 > availableParallelism()) {
      notes.push(
        `1-min load average ${fmt(load1, 2)} after the inbound phase: the client shares the cores with the server`,
      );
    }
    return { lines, notes };
  } finally {
    await stopChild(proc);
  }
}
