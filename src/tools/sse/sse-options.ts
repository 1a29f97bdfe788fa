import type { AuthLogger } from '../../core/config/types';
import { AuthConfigError } from '../../core/errors';
import type { IEventLog } from '../../stores/event-log';

/** Options of the SSE streams (`sse: { … }` of AuthTools). */
export interface SseOptions {
  /** A comment line every this many ms keeps proxies from closing an idle stream. Default 15,000. */
  heartbeatMs?: number;
  /** The `retry:` the browser waits before reconnecting, in ms. Default 3,000. */
  retryMs?: number;
  /** Open streams per user on this instance; one more is refused with 429. Default 5. */
  maxStreamsPerUser?: number;
  /** Bytes waiting for a slow client before its stream is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * Entries replayed at most on a `Last-Event-ID` resume. Default 1,000. The log is read at most
   * ten times this deep looking for them.
   */
  resumeLimit?: number;
}

/** Who a stream belongs to and what it hears; derived by the server, never by the client. */
export interface StreamSubscriber {
  userId: string;
  sessionId?: string;
  tenantId?: string;
  topics: string[];
  /** The stream ends here (the access token's expiry); the client reconnects with a fresh one. */
  expiresAt?: Date;
}

/** Dependencies AuthTools hands the manager. */
export interface SseDeps {
  log: IEventLog;
  logger: AuthLogger;
}

/** {@link SseOptions} with every default applied. */
export type ResolvedSseOptions = Readonly<Required<SseOptions>>;

const DEFAULTS: ResolvedSseOptions = {
  heartbeatMs: 15_000,
  retryMs: 3_000,
  maxStreamsPerUser: 5,
  maxBufferedBytes: 1024 * 1024,
  resumeLimit: 1_000,
};

/** Applies the defaults and refuses anything but positive integers, once, at construction. */
export function resolveSseOptions(options: SseOptions): ResolvedSseOptions {
  const resolved = { ...DEFAULTS };
  const problems: string[] = [];
  for (const key of Object.keys(DEFAULTS) as Array<keyof SseOptions>) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      problems.push(`sse.${key} must be a positive integer`);
      continue;
    }
    resolved[key] = value;
  }
  if (problems.length > 0) throw new AuthConfigError(problems);
  return Object.freeze(resolved);
}
