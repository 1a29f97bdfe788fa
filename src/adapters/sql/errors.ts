import { AuthError } from '../../core/errors';
import { storeUnavailable } from '../store-unavailable';

/** What a database error means to the stores. */
export type SqlErrorKind = 'unavailable' | 'duplicate' | 'other';

/** Socket-level failures: the server cannot be reached, or the connection went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** PostgreSQL SQLSTATEs of a server that is going away, starting or full of connections. */
const PG_UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** mysql2 client codes and server error codes of a lost or refused connection. */
const MYSQL_UNAVAILABLE_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'PROTOCOL_ENQUEUE_HANDSHAKE_TWICE',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_ABORTING_CONNECTION',
  'ER_NET_READ_ERROR',
  'ER_NET_READ_INTERRUPTED',
]);

/** SQLite result codes of a database that cannot be opened, read or locked right now. */
const SQLITE_UNAVAILABLE_CODES = /^SQLITE_(BUSY|CANTOPEN|IOERR)/;

/**
 * Messages of errors that carry no code: a pool or database handle that was closed, a
 * connection that dropped mid-query (pg), a Kysely instance already destroyed.
 */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error/,
  /^Client was closed and is not queryable/,
  /^Cannot use a pool after calling end on the pool/,
  /^Query read timeout/,
  /^Postgres connection has been discarded/,
  /^Pool is closed/,
  /^The database connection is not open/,
  /^driver has already been destroyed/,
];

const UNIQUE_CODES = new Set([
  '23505', // PostgreSQL unique_violation
  'ER_DUP_ENTRY', // MySQL/MariaDB 1062
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

interface DriverError {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function kindOf(err: DriverError): SqlErrorKind {
  const code = typeof err.code === 'string' ? err.code : '';
  if (UNIQUE_CODES.has(code) || err.errno === 1062) return 'duplicate';
  if (
    NETWORK_CODES.has(code) ||
    PG_UNAVAILABLE_STATES.has(code) ||
    code.startsWith('08') || // PostgreSQL class 08: connection exception
    MYSQL_UNAVAILABLE_CODES.has(code) ||
    SQLITE_UNAVAILABLE_CODES.test(code) ||
    // mysql2 marks every error that ends the connection as fatal (lost, refused, handshake).
    err.fatal === true
  ) {
    return 'unavailable';
  }
  const message = typeof err.message === 'string' ? err.message : '';
  if (UNAVAILABLE_MESSAGES.some((re) => re.test(message))) return 'unavailable';
  return 'other';
}

/**
 * Classifies a driver error: the one place that decides what "the database is unavailable"
 * means. Looks through `cause` chains and AggregateErrors (Node reports a refused connection to
 * `localhost` as one, with an attempt per address).
 */
export function classifySqlError(err: unknown, depth = 0): SqlErrorKind {
  if (typeof err !== 'object' || err === null || depth > 5) return 'other';
  const e = err as DriverError;
  const own = kindOf(e);
  if (own !== 'other') return own;
  if (e.cause !== undefined) {
    const inner = classifySqlError(e.cause, depth + 1);
    if (inner !== 'other') return inner;
  }
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      if (classifySqlError(inner, depth + 1) === 'unavailable') return 'unavailable';
    }
  }
  return 'other';
}

/** Rethrows `err`, turned into STORE_UNAVAILABLE when it means the database is unreachable. */
export function mapSqlError(err: unknown): never {
  if (err instanceof AuthError) throw err;
  if (classifySqlError(err) === 'unavailable') throw storeUnavailable(err);
  throw err;
}

/**
 * Wraps every method of a store (own and inherited, up to Object.prototype) so that any
 * rejection passes through {@link mapSqlError}. One wrapper instead of a try/catch per method:
 * a method added later cannot forget it. Store classes therefore hold only their (async)
 * interface methods; helpers live outside them.
 */
export function guardStore<T extends object>(store: T): T {
  const seen = new Set<string>();
  let proto = Object.getPrototypeOf(store) as object | null;
  while (proto !== null && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method: unknown = Reflect.get(store, name);
      if (name === 'constructor' || seen.has(name) || typeof method !== 'function') continue;
      seen.add(name);
      const fn = method as (...args: unknown[]) => unknown;
      Object.defineProperty(store, name, {
        configurable: true,
        writable: true,
        enumerable: false,
        value: async (...args: unknown[]) => {
          try {
            return await fn.apply(store, args);
          } catch (err) {
            mapSqlError(err);
          }
        },
      });
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return store;
}
