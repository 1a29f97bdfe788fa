/**
 * Outgoing webhook deliveries per second: the tools server publishes a burst of events on a bus
 * with AuthTools delivering to one webhook (all events, signed); a plain HTTP receiver here, on
 * 127.0.0.1, answers 204 and counts. Time from before the burst is requested to the last
 * delivery received.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HOST, TOOLS_ROUNDS, WEBHOOK_EVENTS, cpuOf, fmt, median, postBench, sleep } from './common';

const WARMUP_EVENTS = 100;
const TIMEOUT_MS = 120_000;

/** Counts deliveries by their `webhook-id` (a retry of one delivery has the same id). */
class Receiver {
  private readonly server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(204).end();
      this.requests++;
      this.ids.add(String(req.headers['webhook-id']));
      if (this.ids.size >= this.want) this.reached?.();
    });
  });
  private readonly ids = new Set<string>();
  private want = Infinity;
  private reached: (() => void) | undefined;
  requests = 0;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, HOST, resolve));
    return `http://${HOST}:${(this.server.address() as AddressInfo).port}/hook`;
  }

  reset(): void {
    this.ids.clear();
    this.requests = 0;
    this.want = Infinity;
  }

  /** Resolves at the moment `n` distinct deliveries have arrived since the last reset. */
  until(n: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${this.ids.size}/${n} webhook deliveries within 120 s`)),
        TIMEOUT_MS,
      );
      this.want = n;
      this.reached = () => {
        this.reached = undefined;
        clearTimeout(timer);
        resolve(performance.now());
      };
      if (this.ids.size >= n) this.reached();
    });
  }

  get duplicates(): number {
    return this.requests - this.ids.size;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Burst {
  ms: number;
  perSec: number;
  publishMs: number;
  /** Server CPU time over the burst's wall time (1.0 = one core). */
  serverCpu: number;
  duplicates: number;
}

async function burst(control: number, receiver: Receiver, count: number): Promise<Burst> {
  receiver.reset();
  const before = await cpuOf(control);
  const done = receiver.until(count);
  const start = performance.now();
  const body = await postBench<{ publishMs: number }>(control, 'webhooks/publish', {
    count,
    marker: `burst-${start}`,
  });
  const end = await done;
  const after = await cpuOf(control);
  const ms = end - start;
  return {
    ms,
    perSec: (count / ms) * 1000,
    publishMs: body.publishMs,
    serverCpu:
      (after.cpuMicros - before.cpuMicros) / (Number(after.wallNanos - before.wallNanos) / 1000),
    duplicates: receiver.duplicates,
  };
}

export interface WebhookSummary {
  store: string;
  perSec: number;
  serverCpu: number;
}

/** Bursts of WEBHOOK_EVENTS events to one webhook, from the in-memory stores, then SQLite's. */
export async function webhookThroughput(control: number): Promise<WebhookSummary[]> {
  console.log(
    `\n[5/6] Webhook deliveries: bursts of ${fmt(WEBHOOK_EVENTS)} events to one webhook (all ` +
      `events, signed) on a local receiver answering 204, AuthTools at its delivery defaults, ` +
      `${TOOLS_ROUNDS} round(s) after a warm-up of ${WARMUP_EVENTS}`,
  );
  const receiver = new Receiver();
  const url = await receiver.start();
  const results: WebhookSummary[] = [];
  try {
    for (const store of ['memory', 'sql']) {
      const label = store === 'sql' ? 'keyward/sql on SQLite (in memory)' : 'in-memory stores';
      await postBench(control, 'webhooks/start', { url, store });
      try {
        const warm = await burst(control, receiver, WARMUP_EVENTS);
        console.log(`  ${label}, warm-up: ${fmt(warm.perSec)} deliveries/s`);
        const runs: Burst[] = [];
        for (let round = 1; round <= TOOLS_ROUNDS; round++) {
          await sleep(300);
          const r = await burst(control, receiver, WEBHOOK_EVENTS);
          runs.push(r);
          const dup = r.duplicates ? `   WARNING: ${r.duplicates} repeated deliveries` : '';
          console.log(
            `  ${label}, round ${round}: ${fmt(r.ms)} ms, ${fmt(r.perSec)} deliveries/s   ` +
              `(publishing took ${fmt(r.publishMs, 1)} ms)   server CPU ${fmt(r.serverCpu * 100)}%${dup}`,
          );
        }
        results.push({
          store: label,
          perSec: median(runs.map((r) => r.perSec)),
          serverCpu: median(runs.map((r) => r.serverCpu)),
        });
      } finally {
        await postBench(control, 'webhooks/stop');
      }
    }
  } finally {
    await receiver.stop();
  }
  return results;
}
