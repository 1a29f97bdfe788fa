import http from 'node:http';
import https from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/** What a receiver answered. */
export interface PostResult {
  status: number;
  /** The first `maxResponseBytes` of the answer, as text. */
  body: string;
}

/** Limits of one POST. */
export interface PostLimits {
  connectTimeoutMs: number;
  timeoutMs: number;
  maxResponseBytes: number;
}

/**
 * Connection pools for deliveries. Unless private networks are allowed, the agents refuse at
 * connect time any address that is not public, after DNS resolution: a hostname that resolved to
 * a public address when the webhook was registered and to 10.0.0.1 now (DNS rebinding) is still
 * refused. Cloud metadata addresses are refused either way.
 */
export class DeliveryAgents {
  private readonly http: http.Agent;
  private readonly https: https.Agent;

  constructor(allowPrivateNetworks: boolean) {
    const options = {
      keepAlive: true,
      maxSockets: 64,
      allowPrivateIPAddress: allowPrivateNetworks,
      allowMetaIPAddress: false,
    };
    this.http = new RequestFilteringHttpAgent(options);
    this.https = new RequestFilteringHttpsAgent(options);
  }

  for(url: URL): http.Agent {
    return url.protocol === 'https:' ? this.https : this.http;
  }

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/**
 * POSTs `body` to `url` once: no redirects followed (a 3xx is an answer like any other), a
 * connect timeout, a total timeout, and at most `maxResponseBytes` of the answer read. Rejects
 * with a short reason on any network failure.
 */
export function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  agents: DeliveryAgents,
  limits: PostLimits,
): Promise<PostResult> {
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise<PostResult>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, result?: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      if (error) reject(error);
      else resolve(result!);
    };
    const req = send(url, {
      method: 'POST',
      agent: agents.for(url),
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'keyward-webhooks',
      },
    });
    const total = setTimeout(
      () => req.destroy(new Error(`timed out after ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connect = setTimeout(
        () => req.destroy(new Error(`no connection within ${limits.connectTimeoutMs} ms`)),
        limits.connectTimeoutMs,
      );
      socket.once('connect', () => clearTimeout(connect));
      socket.once('close', () => clearTimeout(connect));
    });
    req.on('error', (err) => finish(err));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () =>
        finish(null, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      res.on('data', (chunk: Buffer) => {
        if (size >= limits.maxResponseBytes) return;
        const room = limits.maxResponseBytes - size;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        size += Math.min(chunk.length, room);
        // Enough read: the rest of a huge or endless answer is not worth the memory or the wait.
        if (size >= limits.maxResponseBytes) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', (err) => finish(err));
      res.on('close', done);
    });
    req.end(body);
  });
}
