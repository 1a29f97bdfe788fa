import { IncomingMessage, ServerResponse, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';

/** An Express app or router, called the way Node's HTTP server calls it. */
type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Larger bodies are refused before the handler runs (keyward's own limit is 16kb). */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Runs a Web `Request` (what App Router route handlers get) through a Node-style handler such
 * as keyward's router and returns its answer as a Web `Response`. `url` is the path and query
 * the handler sees, e.g. `/login` for a router that serves `/api/auth/login`.
 *
 * App Router handlers do not see the client's address, so keyward records sessions and events
 * without one here; the Pages Router route passes Node's own request, address included.
 */
export async function forwardToNodeHandler(
  handler: NodeHandler,
  request: Request,
  url: string,
): Promise<Response> {
  const body = await readBody(request);
  if (body === null) {
    return Response.json(
      { error: 'Request body too large', code: 'PAYLOAD_TOO_LARGE' },
      { status: 413 },
    );
  }

  const req = new IncomingMessage(new Socket());
  req.method = request.method;
  req.url = url;
  const headers: IncomingHttpHeaders = Object.fromEntries(request.headers);
  delete headers['transfer-encoding'];
  if (body.length > 0) headers['content-length'] = String(body.length);
  req.headers = headers;
  if (body.length > 0) req.push(body);
  req.push(null);

  return new Promise<Response>((resolve) => {
    const res = new ServerResponse(req);
    const chunks: Buffer[] = [];
    const collect = (chunk: unknown, encoding?: unknown) => {
      if (typeof chunk === 'string') {
        chunks.push(
          Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
        );
      } else if (chunk instanceof Uint8Array) {
        chunks.push(Buffer.from(chunk));
      }
    };
    // The handler's answer is captured instead of being written to a socket.
    res.write = ((chunk: unknown, encoding?: unknown) => {
      collect(chunk, encoding);
      return true;
    }) as ServerResponse['write'];
    res.end = ((chunk?: unknown, encoding?: unknown) => {
      collect(chunk, encoding);
      const outgoing = new Headers();
      for (const [name, value] of Object.entries(res.getHeaders())) {
        if (value === undefined) continue;
        for (const item of Array.isArray(value) ? value : [value])
          outgoing.append(name, String(item));
      }
      const empty = res.statusCode === 204 || res.statusCode === 304 || request.method === 'HEAD';
      resolve(
        new Response(empty ? null : Buffer.concat(chunks), {
          status: res.statusCode,
          headers: outgoing,
        }),
      );
      return res;
    }) as ServerResponse['end'];
    handler(req, res);
  });
}

/** The whole body, or null when it is larger than {@link MAX_BODY_BYTES}. */
async function readBody(request: Request): Promise<Buffer | null> {
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
