/**
 * SSE fan-out: one event to thousands of open streams, the time until every stream has it, on
 * keyward's `GET /tools/stream` and on a bare Node SSE loop in the same server process
 * (bench/tools-server.ts). The client is this process: raw sockets, one HTTP/1.1 request each,
 * and a search for the event's marker in what arrives, so it does as little per stream as it
 * can and the server's work is what the time shows.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import {
  HOST,
  SSE_STREAMS,
  TOOLS_ROUNDS,
  accessToken,
  call,
  fmt,
  median,
  postBench,
  sleep,
  type ToolsPorts,
} from './common';

/** Streams being opened at once (the server's accept backlog is 4,096). */
const OPEN_CONCURRENCY = 200;
/** Accounts the keyward streams are spread over (the per-user cap is raised to the total). */
const TOKENS = 10;
const EMPTY = Buffer.alloc(0);
const READ_BUFFER = Buffer.alloc(64 * 1024);
/** Descriptors a process needs beside the streams (listeners, control connections, stdio). */
const FD_MARGIN = 256;

interface Conn {
  socket: net.Socket;
  /** The last fan-out whose event this stream has received. */
  round: number;
  /** The end of what arrived, in case the marker is split between two reads. */
  tail: Buffer;
}

/** What the client saw of one fan-out. */
interface ClientSide {
  ms: number;
  clientCpuMs: number;
  bytesPerStream: number;
}

/** The client's side of the streams to one server. */
class Streams {
  private readonly conns: Conn[] = [];
  private marker = EMPTY;
  private round = 0;
  private received = 0;
  private bytes = 0;
  private closing = false;
  private finished: ((at: number) => void) | undefined;
  /** Streams that closed while the benchmark still held them. */
  lost = 0;

  constructor(
    readonly label: string,
    private readonly port: number,
    private readonly request: (i: number) => string,
  ) {}

  get size(): number {
    return this.conns.length;
  }

  async open(n: number): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < n) await this.openOne(next++);
    };
    await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, n) }, worker));
  }

  private openOne(i: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let head: Buffer | null = EMPTY;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`${this.label}: stream ${i} not open within 30 s`));
      }, 30_000);
      const onRead = (nread: number, buf: Uint8Array): boolean => {
        // The read buffer is shared by every socket: whatever is kept is copied.
        const chunk = Buffer.from(buf.buffer, buf.byteOffset, nread);
        if (head === null) {
          this.take(conn, chunk);
          return true;
        }
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return true;
        clearTimeout(timer);
        const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
        if (!status.startsWith('HTTP/1.1 200 ')) {
          const body = head.subarray(end + 4, end + 400).toString();
          socket.destroy();
          reject(new Error(`${this.label}: the stream request answered ${status} ${body}`));
          return false;
        }
        const rest = head.subarray(end + 4);
        head = null;
        this.conns.push(conn);
        resolve();
        if (rest.length > 0) this.take(conn, rest);
        return true;
      };
      // onread: libuv reads into one buffer and calls back directly, without a stream's events
      // and allocations per read; the client's share of the fan-out is as small as it gets.
      const socket = net.connect({
        host: HOST,
        port: this.port,
        onread: { buffer: READ_BUFFER, callback: onRead },
      });
      const conn: Conn = { socket, round: this.round, tail: EMPTY };
      socket.once('connect', () => socket.write(this.request(i)));
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('close', () => {
        if (head === null && !this.closing) this.lost++;
      });
    });
  }

  /** Counts a stream once the current event's marker has arrived on it. */
  private take(conn: Conn, chunk: Buffer): void {
    if (conn.round === this.round) return;
    this.bytes += chunk.length;
    const data = conn.tail.length > 0 ? Buffer.concat([conn.tail, chunk]) : chunk;
    if (data.indexOf(this.marker) === -1) {
      conn.tail = Buffer.from(data.subarray(Math.max(0, data.length - this.marker.length + 1)));
      return;
    }
    conn.round = this.round;
    conn.tail = EMPTY;
    if (++this.received === this.conns.length) this.finished?.(performance.now());
  }

  /**
   * Runs `trigger` with a fresh marker and resolves when every stream has received it: the
   * time from just before the trigger is sent, and this process's CPU time in between.
   */
  async fanout(trigger: (marker: string) => Promise<void>): Promise<ClientSide> {
    if (this.conns.length === 0) throw new Error(`${this.label}: no open streams`);
    this.round++;
    this.received = 0;
    this.bytes = 0;
    this.marker = Buffer.from(
      `fanout-${this.label}-${this.round}-${randomBytes(8).toString('hex')}`,
    );
    let cpu: NodeJS.CpuUsage | undefined;
    const cpuBefore = process.cpuUsage();
    const all = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `${this.label}: only ${this.received}/${this.conns.length} streams received the event within 60 s`,
          ),
        );
      }, 60_000);
      this.finished = (at) => {
        cpu = process.cpuUsage(cpuBefore);
        clearTimeout(timer);
        resolve(at);
      };
    });
    const start = performance.now();
    const [end] = await Promise.all([all, trigger(this.marker.toString())]);
    return {
      ms: end - start,
      clientCpuMs: cpu ? (cpu.user + cpu.system) / 1000 : 0,
      bytesPerStream: this.bytes / this.conns.length,
    };
  }

  close(): void {
    this.closing = true;
    for (const { socket } of this.conns) socket.destroy();
  }
}

/** The soft and hard limits on open files this process (and the server it starts) has. */
export function fileLimits(): { soft: number; hard: number } | undefined {
  const r = spawnSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const [soft, hard] = r.stdout
    .trim()
    .split('\n')
    .map((v) => (v.trim() === 'unlimited' ? Infinity : Number(v)));
  if (!Number.isFinite(soft ?? NaN) && soft !== Infinity) return undefined;
  return { soft: soft!, hard: hard ?? soft! };
}

/** How many streams per server fit the limit: both sets stay open in both processes. */
export function streamsThatFit(limits: { soft: number } | undefined): number {
  if (!limits) return SSE_STREAMS;
  return Math.max(10, Math.min(SSE_STREAMS, Math.floor((limits.soft - FD_MARGIN) / 2)));
}

interface FanoutRun extends ClientSide {
  /** Time in the server's trigger handler, the writes included. */
  handlerMs: number;
  /** The server's CPU time in that handler: its whole part of the fan-out. */
  serverCpuMs: number;
}

/** Keeps the trigger's connection open between fan-outs. */
const TRIGGER_AGENT = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * POSTs JSON and resolves with the answer's text: node:http rather than fetch, whose set-up per
 * call costs the client more CPU time before the request leaves than the server spends on it.
 */
function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      agent: TRIGGER_AGENT,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      timeout: 60_000,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`${url} answered ${res.statusCode}: ${text}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(streams: Streams, ports: ToolsPorts): Promise<FanoutRun> {
  const url = `http://${HOST}:${ports.control}/__bench/fanout/send/${streams.label}`;
  let answer = { streams: 0, handlerMs: 0, handlerCpuMs: 0 };
  const client = await streams.fanout(async (marker) => {
    answer = JSON.parse(await post(url, JSON.stringify({ marker }))) as typeof answer;
  });
  if (answer.streams !== streams.size || streams.lost > 0) {
    throw new Error(
      `${streams.label}: the server wrote to ${answer.streams} streams, the client holds ${streams.size}, ${streams.lost} closed`,
    );
  }
  return {
    ...client,
    handlerMs: answer.handlerMs,
    serverCpuMs: answer.handlerCpuMs,
  };
}

function describe(label: string, n: number, r: FanoutRun): string {
  return (
    `  ${label.padEnd(18)} ${fmt(r.ms, 1).padStart(7)} ms until all ${fmt(n)} had it   ` +
    `server: trigger handler ${fmt(r.handlerMs, 1)} ms, ${fmt(r.serverCpuMs, 1)} ms CPU   ` +
    `client: ${fmt(r.clientCpuMs, 1)} ms CPU   ${fmt(r.bytesPerStream)} B per stream`
  );
}

export interface FanoutSummary {
  streams: number;
  bareMs: number;
  keywardMs: number;
  /** keyward / bare, medians. */
  ratio: number;
  /** Medians of the server's CPU time in the trigger handler, per target. */
  serverCpuMs: Record<'bare' | 'keyward', number>;
  /** Medians of server and client CPU time over the fan-out's wall time, per target. */
  busy: Record<'bare' | 'keyward', { server: number; client: number }>;
  bytesPerStream: Record<'bare' | 'keyward', number>;
}

export async function sseFanout(ports: ToolsPorts, n: number): Promise<FanoutSummary> {
  console.log(
    `\n[4/6] SSE fan-out: one event to ${fmt(n)} open streams, bare Node loop and keyward's ` +
      `GET /tools/stream in one server process, ${TOOLS_ROUNDS} round(s) after a warm-up`,
  );
  const tokens: string[] = [];
  for (let i = 0; i < TOKENS; i++) tokens.push(await accessToken(ports, '/auth', i));
  const head = (path: string, port: number) =>
    `GET ${path} HTTP/1.1\r\nHost: ${HOST}:${port}\r\nAccept: text/event-stream\r\n`;
  const bare = new Streams('bare', ports.bare, () => `${head('/stream', ports.bare)}\r\n`);
  const keyward = new Streams(
    'keyward',
    ports.keyward,
    (i) =>
      `${head('/tools/stream', ports.keyward)}Authorization: Bearer ${tokens[i % TOKENS]}\r\n\r\n`,
  );
  const runs: Record<'bare' | 'keyward', FanoutRun[]> = { bare: [], keyward: [] };
  try {
    for (const streams of [bare, keyward]) {
      const started = performance.now();
      await streams.open(n);
      console.log(
        `  opened ${fmt(n)} ${streams.label} streams in ${fmt((performance.now() - started) / 1000, 1)} s`,
      );
    }
    const { body: held } = await call<{ bare: number; keyward: number }>(
      `http://${HOST}:${ports.control}/__bench/fanout/streams`,
    );
    if (held.bare !== n || held.keyward !== n)
      throw new Error(`the server holds ${held.bare} bare and ${held.keyward} keyward streams`);
    for (const streams of [bare, keyward]) {
      console.log(describe(`warm-up ${streams.label}`, n, await measure(streams, ports)));
      await sleep(300);
    }
    for (let round = 1; round <= TOOLS_ROUNDS; round++) {
      const order = round % 2 ? [bare, keyward] : [keyward, bare];
      for (const streams of order) {
        const r = await measure(streams, ports);
        runs[streams.label as 'bare' | 'keyward'].push(r);
        console.log(describe(`round ${round} ${streams.label}`, n, r));
        await sleep(300);
      }
    }
  } finally {
    bare.close();
    keyward.close();
    TRIGGER_AGENT.destroy();
    // Not allowed to hide the error that brought us here.
    await postBench(ports.control, 'fanout/close').catch(() => undefined);
  }
  const busy = (rs: FanoutRun[]) => ({
    server: median(rs.map((r) => r.serverCpuMs / r.ms)),
    client: median(rs.map((r) => r.clientCpuMs / r.ms)),
  });
  const bareMs = median(runs.bare.map((r) => r.ms));
  const keywardMs = median(runs.keyward.map((r) => r.ms));
  return {
    streams: n,
    bareMs,
    keywardMs,
    ratio: keywardMs / bareMs,
    serverCpuMs: {
      bare: median(runs.bare.map((r) => r.serverCpuMs)),
      keyward: median(runs.keyward.map((r) => r.serverCpuMs)),
    },
    busy: { bare: busy(runs.bare), keyward: busy(runs.keyward) },
    bytesPerStream: {
      bare: median(runs.bare.map((r) => r.bytesPerStream)),
      keyward: median(runs.keyward.map((r) => r.bytesPerStream)),
    },
  };
}
