/**
 * Phases 4 to 6, the event tools: SSE fan-out against a bare Node loop, webhook deliveries per
 * second, and the event log's cost on a login. One server process (bench/tools-server.ts) for
 * all three; returns the summary's lines.
 */
import { availableParallelism, loadavg } from 'node:os';
import { startChild, stopChild } from './child';
import { PASSWORD, SSE_STREAMS, USERS, fmt, type ToolsPorts } from './common';
import { eventLogCost } from './event-log-cost';
import { fileLimits, sseFanout, streamsThatFit, type FanoutSummary } from './sse-fanout';
import { webhookThroughput } from './webhook-throughput';

const FANOUT_TARGET = 1.5;
const LOG_COST_TARGET = 0.05;

const pct = (share: number) => `${fmt(share * 100)}%`;
const mark = (met: boolean) => `[${met ? 'met' : 'NOT met'}]`;
const limitText = (v: number) => (v === Infinity ? 'unlimited' : fmt(v));

/** Which side limited keyward's fan-out: the one with more CPU time over the same wall time. */
function bottleneck(f: FanoutSummary): string {
  const { server, client } = f.busy.keyward;
  const side =
    server >= client
      ? 'the server did most of the work (its writes carry the loopback TCP work in the kernel)'
      : 'the client did most of the work: the ratio is pulled towards 1, see the CPU ratio';
  const waited =
    Math.max(server, client) < 0.8
      ? '; both were idle much of the time, most likely waiting for a core (other processes)'
      : '';
  return side + waited;
}

export async function toolsPhases(): Promise<{ lines: string[]; notes: string[] }> {
  const limits = fileLimits();
  const streams = streamsThatFit(limits);
  const notes: string[] = [];
  const { proc, ready: ports } = await startChild<ToolsPorts>(
    'tools-server.ts',
    { BENCH_USERS: String(USERS), BENCH_PASSWORD: PASSWORD, BENCH_SSE_STREAMS: String(streams) },
    'tools server',
  );
  console.log(
    `\ntools server ready (child process ${proc.pid}); 1-min load average ${fmt(loadavg()[0]!, 2)}; ` +
      `open files: soft limit ${limits ? limitText(limits.soft) : 'unknown'}, hard ` +
      `${limits ? limitText(limits.hard) : 'unknown'}; ${fmt(streams)} streams to each of two servers ` +
      `need about ${fmt(2 * streams)} descriptors in each process`,
  );
  if (streams < SSE_STREAMS) {
    notes.push(
      `the open-file limit (${limits ? limitText(limits.soft) : '?'}) fits only ${fmt(streams)} ` +
        `streams per server, not ${fmt(SSE_STREAMS)}: raise it (ulimit -n) before npm run bench`,
    );
  }
  try {
    const fanout = await sseFanout(ports, streams);
    const hooks = await webhookThroughput(ports.control);
    const log = await eventLogCost(ports.control);
    const load = loadavg()[0]!;
    console.log(`  1-min load average at the end: ${fmt(load, 2)}`);
    if (load > availableParallelism()) {
      notes.push(
        `1-min load average ${fmt(load, 2)} on ${availableParallelism()} CPUs after the tools ` +
          'phases: processes waited for cores, so wall-clock times are inflated; rerun on a quiet machine',
      );
    }

    const lines: string[] = [];
    lines.push(
      `SSE fan-out, one event to ${fmt(fanout.streams)} streams: keyward ${fmt(fanout.keywardMs, 1)} ms, ` +
        `bare Node loop ${fmt(fanout.bareMs, 1)} ms, ratio ${fmt(fanout.ratio, 2)} ` +
        `(target <= ${FANOUT_TARGET})   ${mark(fanout.ratio <= FANOUT_TARGET)}`,
    );
    const { bare, keyward } = fanout.busy;
    const cpu = fanout.serverCpuMs;
    lines.push(
      `  server CPU per fan-out (the writes included): keyward ${fmt(cpu.keyward, 1)} ms, bare ` +
        `${fmt(cpu.bare, 1)} ms, CPU ratio ${fmt(cpu.keyward / cpu.bare, 2)}`,
    );
    lines.push(
      `  CPU time over the fan-out's wall time: keyward server ${pct(keyward.server)}, client ` +
        `${pct(keyward.client)}; bare server ${pct(bare.server)}, client ${pct(bare.client)}; ` +
        `${fmt(fanout.bytesPerStream.keyward)} B vs ${fmt(fanout.bytesPerStream.bare)} B per stream; ` +
        bottleneck(fanout),
    );
    for (const h of hooks) {
      lines.push(
        `webhook deliveries, ${h.store}, one webhook, delivery defaults: ${fmt(h.perSec)}/s, ` +
          `server CPU ${pct(h.serverCpu)} (no target)`,
      );
    }
    const c = log.cost;
    const addedUs = c.publishWithUs - c.publishWithoutUs;
    const perLoginUs = addedUs * log.eventsPerLogin;
    const loginUs = 1e6 / log.withoutLogins;
    lines.push(
      `event log on logins: ${fmt(log.withLogins, 1)} logins/s with AuthTools, ` +
        `${fmt(log.withoutLogins, 1)} without, ratio ${fmt(log.ratio, 3)}, cost ` +
        `${fmt((1 - log.ratio) * 100, 1)}% (target < ${LOG_COST_TARGET * 100}%)   ` +
        mark(1 - log.ratio < LOG_COST_TARGET),
    );
    lines.push(
      `  per event: eventLog.append ${fmt(c.fillingUs, 2)} µs while the in-memory log fills up, ` +
        `${fmt(c.fullUs, 2)} µs once it is full; AuthTools on the bus adds ` +
        `${fmt(addedUs, 2)} µs; ${fmt(log.eventsPerLogin, 1)} events per login = ${fmt(perLoginUs, 1)} µs, ` +
        `${fmt((perLoginUs / loginUs) * 100, 3)}% of the ${fmt(loginUs / 1000, 1)} ms each login takes ` +
        'at the measured rate',
    );
    if (log.problems.length) notes.push(`event log login runs: ${log.problems.join(', ')}`);
    return { lines, notes };
  } finally {
    await stopChild(proc);
  }
}
