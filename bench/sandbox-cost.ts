/**
 * What one inbound webhook script run costs: the cold run (the first after the process starts,
 * which compiles the WebAssembly engine) and warm runs (a fresh runtime each, the module cached).
 * `npm run bench` runs it in a fresh process (phase 7, bench/inbound-run.ts), so the cold run is
 * really the first; it also runs alone: `tsx bench/sandbox-cost.ts`. It needs no server and
 * measures the source, not `dist/`.
 */
import { loadavg } from 'node:os';
import { runWebhookScript, type SandboxInput } from '../src/core/scripting/sandbox';
import { envNumber, fmt, median } from './common';

const RUNS = Math.round(envNumber('BENCH_SANDBOX_RUNS', 200, 10, 10_000));

/** A typical script: read the body, await one action, set a result. */
const SCRIPT = `
if (body.type === 'customer.subscription.deleted') {
  await actions['subscription.cancel'](body.data.object.id);
  result = { event: 'identity.tenant.user.removed', data: body.data };
}`;

const input: SandboxInput = {
  body: {
    type: 'customer.subscription.deleted',
    data: { object: { id: 'sub_42', customer: 'cus_7', items: [{ price: 'p_1', quantity: 1 }] } },
  },
  actions: { 'subscription.cancel': async () => ({ ok: true }) },
};

async function timed(): Promise<number> {
  const started = performance.now();
  const run = await runWebhookScript(SCRIPT, input);
  if (run.error !== undefined) throw new Error(`bench script failed: ${run.error}`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const cold = await timed();
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) warm.push(await timed());
  const sorted = [...warm].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? Number.NaN;
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  console.log(`sandbox run, cold (engine load + first run): ${fmt(cold, 1)} ms`);
  console.log(
    `sandbox run, warm (median of ${RUNS}): ${fmt(median(warm), 2)} ms, p95 ${fmt(p95, 2)} ms`,
  );
  console.log(`load average: ${load}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
