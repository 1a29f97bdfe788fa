import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { Application, RequestHandler } from 'express';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A body limit as body-parser reads it (`'16kb'`, or bytes); undefined when unreadable. */
export function limitBytes(limit: string | number): number | undefined {
  if (typeof limit === 'number') return limit;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!);
}

interface MountedApp {
  parent?: MountedApp;
  _router?: { stack?: Array<{ handle?: unknown }> };
  router?: { stack?: Array<{ handle?: unknown }> };
}

/**
 * The JSON parsers (`express.json()`, body-parser's `json()`) on the apps this router is mounted
 * in. Express 4 keeps an app's stack in `_router`; Express 5 in `router`, a getter that Express
 * 4 defines to throw, hence the order and the guard.
 */
function parentJsonParsers(app: Application): RequestHandler[] {
  const parsers: RequestHandler[] = [];
  for (let a = (app as unknown as MountedApp).parent; a; a = a.parent) {
    let stack: Array<{ handle?: unknown }> | undefined;
    try {
      stack = ('_router' in a ? a._router : a.router)?.stack;
    } catch {
      stack = undefined;
    }
    for (const layer of stack ?? []) {
      const handle = layer.handle;
      if (typeof handle === 'function' && handle.name === 'jsonParser') {
        parsers.push(handle as RequestHandler);
      }
    }
  }
  return parsers;
}

/**
 * Asks one parser whether it accepts a JSON body of `bytes`: a stand-in request announces that
 * length and sends nothing. A parser refuses an announced length over its limit before reading
 * (413 entity.too.large); otherwise it fails on the short body, which is not that answer.
 */
function refusesLength(parser: RequestHandler, bytes: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = Object.assign(new EventEmitter(), { readable: true });
    // A Readable, like a real IncomingMessage: a writable stream would pass for a response,
    // which parsers take as already finished.
    const req = Object.assign(new Readable({ read: () => undefined }), {
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/json', 'content-length': String(bytes) },
      complete: false,
      socket,
    });
    // As Node does for a real request: once the body has ended, the message is complete, and a
    // parser that failed on it answers at once instead of waiting for the rest.
    req.once('end', () => {
      req.complete = true;
    });
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve((err as { type?: unknown } | undefined)?.type === 'entity.too.large');
    };
    // A parser that neither refuses nor fails must not keep the probe (or a test) waiting.
    const timer = setTimeout(() => settle(), 1000);
    timer.unref();
    try {
      parser(req as never, {} as never, settle);
    } catch {
      settle();
    }
    req.push(null);
  });
}

/**
 * Whether a JSON parser of an app above this router refuses bodies the router's own limit
 * accepts: that parser runs first, so the router's `bodyLimit` can never be reached.
 */
export async function smallerParserLimit(app: Application, routerLimit: number): Promise<boolean> {
  for (const parser of parentJsonParsers(app)) {
    if (await refusesLength(parser, routerLimit)) return true;
  }
  return false;
}
