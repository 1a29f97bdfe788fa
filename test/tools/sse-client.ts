import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The JSON of a message's `data:` (a log entry, or one of the stream's own messages). */
export interface StreamJson {
  event: string;
  id?: string;
  userId?: string;
  sessionId?: string;
  tenantId?: string;
  topic?: string;
  timestamp?: string;
  data?: Record<string, unknown>;
  [field: string]: unknown;
}

/** One dispatched SSE message, as a browser's EventSource would see it. */
export interface SseMessage {
  /** The frame's own `id:` field; undefined when it had none (the stream's control messages). */
  id: string | undefined;
  event: string;
  data: string;
  /** `data` parsed as JSON. */
  json: StreamJson;
}

/**
 * A streaming client over a real socket: reads the response body as it arrives and parses the
 * event-stream format (fields, comments, `retry:`, dispatch on a blank line).
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  /** The body of a refused (non-200) request. */
  body = '';
  /** Set when the response ended or the connection closed. */
  ended = false;
  private partial = '';
  private frame: { id?: string; event?: string; data: string[] } = { data: [] };
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly req: http.ClientRequest,
    readonly res: http.IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.read(chunk));
    const done = () => {
      this.ended = true;
      this.wake();
    };
    res.on('end', done);
    res.on('close', done);
    res.on('error', done);
    req.on('error', done);
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  get headers(): http.IncomingHttpHeaders {
    return this.res.headers;
  }

  /** The first message (received or to come) matching `predicate`. */
  waitFor(predicate: (m: SseMessage) => boolean, timeoutMs = 5000): Promise<SseMessage> {
    return this.until(() => this.messages.find(predicate), timeoutMs, 'a matching message');
  }

  /**
   * The messages received before the first one matching `marker`. Messages of one stream arrive
   * in order, so something sent before the marker and missing here was never sent at all.
   */
  async before(marker: (m: SseMessage) => boolean, timeoutMs = 5000): Promise<SseMessage[]> {
    const found = await this.waitFor(marker, timeoutMs);
    return this.messages.slice(0, this.messages.indexOf(found));
  }

  /** Resolves once a comment line arrived. */
  waitForComment(timeoutMs = 5000): Promise<string> {
    return this.until(() => this.comments[0], timeoutMs, 'a comment');
  }

  /** Resolves once the server ended the response or dropped the connection. */
  async waitForEnd(timeoutMs = 5000): Promise<void> {
    await this.until(() => (this.ended ? true : undefined), timeoutMs, 'the end of the stream');
  }

  /** Closes the connection from the client side. */
  close(): void {
    this.req.destroy();
  }

  private until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value === undefined) return false;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(value);
        return true;
      };
      const wake = () => {
        if (!attempt() && this.ended && check() === undefined) {
          // Ended without it: fail now rather than at the timeout.
          clearTimeout(timer);
          this.waiters.delete(wake);
          reject(new Error(`stream ended before ${what}; got ${this.summary()}`));
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${this.summary()}`));
      }, timeoutMs);
      this.waiters.add(wake);
      wake();
    });
  }

  private summary(): string {
    return JSON.stringify(this.messages.map((m) => [m.id, m.event]));
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private read(chunk: string): void {
    if (this.status !== 200) {
      this.body += chunk;
      return;
    }
    const lines = (this.partial + chunk).split(/\r\n|\r|\n/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
    this.wake();
  }

  private line(line: string): void {
    if (line === '') {
      const { id, event, data } = this.frame;
      this.frame = { data: [] };
      if (data.length === 0) return;
      const text = data.join('\n');
      this.messages.push({
        id,
        event: event ?? 'message',
        data: text,
        json: JSON.parse(text) as StreamJson,
      });
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.frame.data.push(value);
    else if (field === 'event') this.frame.event = value;
    else if (field === 'id') this.frame.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }
}

/**
 * Opens `path` on the server (or a port of 127.0.0.1) with a GET and resolves once the response head arrived (the
 * stream, or a refusal whose body the client then collects). No connection pooling: each
 * stream has its own socket, closed with it.
 */
export function openStream(
  server: http.Server | number,
  path: string,
  headers: Record<string, string> = {},
): Promise<SseClient> {
  const port = typeof server === 'number' ? server : (server.address() as AddressInfo).port;
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path,
        agent: false,
        headers: { Accept: 'text/event-stream', ...headers },
      },
      (res) => resolve(new SseClient(req, res)),
    );
    req.on('error', reject);
  });
}

/** Resolves once a refused request's body has fully arrived; returns it parsed. */
export async function refusal(client: SseClient): Promise<Record<string, unknown>> {
  await client.waitForEnd();
  return JSON.parse(client.body) as Record<string, unknown>;
}
