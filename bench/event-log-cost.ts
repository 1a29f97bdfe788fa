/**
 * What the event log costs a login: login throughput on the tools server with and without
 * `new AuthTools(bus)` (defaults: the in-memory log) on the configurator's bus, alternating runs;
 * then the per-event costs behind it, measured in the server without HTTP.
 */
import {
  HOST,
  SECONDS,
  TOOLS_ROUNDS,
  clientAddress,
  credentials,
  fmt,
  median,
  postBench,
  sleep,
} from './common';
import { LOGIN_CONNECTIONS, loginThroughput, type LoginThroughput } from './login-throughput';

/** Short runs: the ratio rests on alternation and the median, the per-event cost on its own. */
const RUN_SECONDS = Math.min(5, SECONDS);

export interface AppendCost {
  /** `eventLog.append` awaited on the in-memory log: while it fills up, and once it is full. */
  fillingUs: number;
  fullUs: number;
  /** `bus.publish` with AuthTools on the bus (append to a full log, broadcast), and on a bare bus. */
  publishWithUs: number;
  publishWithoutUs: number;
  payloadBytes: number;
}

export interface EventLogSummary {
  withLogins: number;
  withoutLogins: number;
  /** with / without, medians. */
  ratio: number;
  eventsPerLogin: number;
  cost: AppendCost;
  problems: string[];
}

export async function eventLogCost(control: number): Promise<EventLogSummary> {
  console.log(
    `\n[6/6] Event log on logins: POST /auth/login, ${LOGIN_CONNECTIONS} connections, ` +
      `${RUN_SECONDS} s per run, without and with AuthTools on the configurator's bus (an ` +
      `in-memory log, full), ${TOOLS_ROUNDS} alternating round(s)`,
  );
  const url = `http://${HOST}:${control}/auth/login`;
  const clients = { credentials, clientAddress };
  const post = <T>(path: string) => postBench<T>(control, `event-log/${path}`);
  const warm = await loginThroughput(url, clients, Math.min(2, RUN_SECONDS));
  console.log(`  warm-up: ${fmt(warm.loginsPerSec, 1)} logins/s`);

  const runs: Record<'with' | 'without', LoginThroughput[]> = { with: [], without: [] };
  const events: number[] = [];
  for (let round = 1; round <= TOOLS_ROUNDS; round++) {
    const order = round % 2 ? (['without', 'with'] as const) : (['with', 'without'] as const);
    for (const mode of order) {
      if (mode === 'with') await post('attach');
      const r = await loginThroughput(url, clients, RUN_SECONDS);
      let logged = '';
      if (mode === 'with') {
        const body = await post<{ entries: number; logins: number }>('detach');
        events.push(body.entries / Math.max(1, body.logins));
        logged = `   ${fmt(body.entries)} events logged`;
      }
      runs[mode].push(r);
      const extra = r.problems.length ? `   WARNING: ${r.problems.join(', ')}` : '';
      console.log(
        `  round ${round} ${mode.padEnd(7)} AuthTools: ${fmt(r.loginsPerSec, 1).padStart(6)} logins/s ` +
          `(${r.ok} answered 200)   p50 ${fmt(r.p50LatencyMs)} ms${logged}${extra}`,
      );
    }
  }
  const withLogins = median(runs.with.map((r) => r.loginsPerSec));
  const withoutLogins = median(runs.without.map((r) => r.loginsPerSec));
  // Logins still in flight when the last run stopped finish first: their hashing runs on this
  // process's threads and would count in its CPU time.
  await sleep(1000);
  const cost = await post<AppendCost>('append-cost');
  const eventsPerLogin = median(events);
  console.log(
    `  per event (server CPU time, no HTTP, ${cost.payloadBytes} B login event): eventLog.append ` +
      `${fmt(cost.fillingUs, 2)} µs while the log fills up, ${fmt(cost.fullUs, 2)} µs once it is full; ` +
      `bus.publish ${fmt(cost.publishWithUs, 2)} µs with AuthTools (log full), ` +
      `${fmt(cost.publishWithoutUs, 2)} µs without; ${fmt(eventsPerLogin, 2)} events per login`,
  );
  return {
    withLogins,
    withoutLogins,
    ratio: withLogins / withoutLogins,
    eventsPerLogin,
    cost,
    problems: [...runs.with, ...runs.without].flatMap((r) => r.problems),
  };
}
