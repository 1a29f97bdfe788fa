import type { Request, Response } from 'express';
import type { AuthLogger } from '../../core/config/types';
import type { IEventLog, LoggedEvent } from '../../stores/event-log';

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
  /** Entries replayed at most on a `Last-Event-ID` resume. Default 1,000. */
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

/**
 * The open SSE streams of this instance. (Placeholder: the stream work replaces this file.)
 */
export class SseManager {
  constructor(
    private readonly deps: SseDeps,
    private readonly options: SseOptions = {},
  ) {}

  /** Sends a logged entry to the streams whose topics take it. */
  deliver(_entry: LoggedEvent): void {}

  /** Holds `res` open as an event stream for `subscriber`. */
  async open(_req: Request, res: Response, _subscriber: StreamSubscriber): Promise<void> {
    res.status(501).end();
  }

  closeSession(_sessionId: string): void {}
  closeUser(_userId: string): void {}

  get connectionCount(): number {
    return 0;
  }

  close(): void {}
}
