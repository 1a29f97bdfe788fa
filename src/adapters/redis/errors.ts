import { AuthError } from '../../core/errors';
import { storeUnavailable } from '../store-unavailable';

/**
 * Failures that mean "Redis cannot be reached right now", as opposed to a bug (a wrong type, a
 * script error). Only these become STORE_UNAVAILABLE (503): masking a bug as an outage would
 * hide it, and answering an outage with 500 would tell clients the request itself was wrong.
 */
const UNREACHABLE_MESSAGES = [
  // ioredis: the connection was closed (quit/disconnect, or reconnection given up).
  'Connection is closed',
  // ioredis with enableOfflineQueue: false, while disconnected.
  "Stream isn't writeable",
  // ioredis with commandTimeout: the server did not answer in time.
  'Command timed out',
  // ioredis: commands in flight when the socket dropped.
  'Command aborted due to connection close',
  // ioredis with socketTimeout: the socket went silent.
  'Socket timeout',
];

/** Socket-level failures (Node's error codes). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Server replies that mean the server is there but cannot serve yet (loading its data set, a
 * failover in progress, a replica that lost its primary). Retrying later helps: an outage too.
 */
const UNAVAILABLE_REPLY_PREFIXES = ['LOADING', 'MASTERDOWN', 'READONLY', 'CLUSTERDOWN', 'TRYAGAIN'];

/** True when `err` says Redis is unreachable or temporarily unable to serve. */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // MaxRetriesPerRequestError: the client gave up reconnecting for this command.
  if (err.name === 'MaxRetriesPerRequestError') return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  const { message } = err;
  if (UNREACHABLE_MESSAGES.some((m) => message.includes(m))) return true;
  if (/^connect (ECONNREFUSED|ETIMEDOUT)/.test(message)) return true;
  return err.name === 'ReplyError' && UNAVAILABLE_REPLY_PREFIXES.some((p) => message.startsWith(p));
}

/** The one place Redis errors are classified: an outage becomes STORE_UNAVAILABLE. */
export function toStoreError(err: unknown): unknown {
  if (err instanceof AuthError) return err;
  return isUnavailable(err) ? storeUnavailable(err) : err;
}

/** Runs one store operation, rejecting with the classified error. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw toStoreError(err);
  }
}

/**
 * An error listener for a subscriber connection that logs the first error of a burst: a
 * reconnecting client reports the same outage repeatedly.
 */
export function logOncePerOutage(label: string): (err: unknown) => void {
  let last = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    console.error(`[keyward redis] ${label}:`, err);
  };
}
