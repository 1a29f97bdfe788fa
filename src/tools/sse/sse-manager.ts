import type { Request, Response } from 'express';
import { AuthError } from '../../core/errors';
import { sendAuthError } from '../../core/http/error-middleware';
import type { LoggedEvent } from '../../stores/event-log';
import { HEARTBEAT_FRAME, controlFrame, entryFrame, retryFrame } from './sse-frames';
import {
  resolveSseOptions,
  type ResolvedSseOptions,
  type SseDeps,
  type SseOptions,
  type StreamSubscriber,
} from './sse-options';
import { lastEventIdOf, replayMissed } from './sse-resume';
import { SseStream } from './sse-stream';
import { topicsOf } from './topics';

export type { SseDeps, SseOptions, StreamSubscriber } from './sse-options';

/** The longest delay `setTimeout` takes; longer token lifetimes are waited out in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** Event name of the message a stream sends before it is closed by a revocation. */
const REVOKED_EVENT = 'identity.session.revoked';

/**
 * Event name of the message a stream sends when the access token it was opened with expires.
 * Not `identity.session.expired`: that event means the session is over and the user must sign
 * in again, while here only the token is; a refresh and a reconnect continue the stream.
 */
const EXPIRED_EVENT = 'stream.expired';

const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform keeps compression middleware and proxies from buffering the stream.
  'Cache-Control': 'no-cache, no-transform',
  // nginx buffers proxied responses unless told not to.
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
};

function addTo<K>(map: Map<K, Set<SseStream>>, key: K, stream: SseStream): void {
  const set = map.get(key);
  if (set) set.add(stream);
  else map.set(key, new Set([stream]));
}

function removeFrom<K>(map: Map<K, Set<SseStream>>, key: K, stream: SseStream): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(stream);
  if (set.size === 0) map.delete(key);
}

/**
 * The open SSE streams of this instance, indexed by topic, user and session: delivering an
 * entry looks up the streams of its one or two topics, never scans the others, and writes them
 * the one Buffer it was serialised to.
 */
export class SseManager {
  private readonly options: ResolvedSseOptions;
  private readonly retry: Buffer;
  private readonly streams = new Set<SseStream>();
  private readonly byTopic = new Map<string, Set<SseStream>>();
  private readonly byUser = new Map<string, Set<SseStream>>();
  private readonly bySession = new Map<string, Set<SseStream>>();
  /** Counts deliveries; a stream remembers the last it took (see {@link SseStream.lastDelivery}). */
  private deliveries = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private shutDown = false;

  constructor(
    private readonly deps: SseDeps,
    options: SseOptions = {},
  ) {
    this.options = resolveSseOptions(options);
    this.retry = retryFrame(this.options.retryMs);
  }

  /**
   * Sends a logged entry to the streams whose topics take it, with the tenant filter of
   * `streamReceives` (an entry stamped with a tenant reaches that tenant's streams only).
   */
  deliver(entry: LoggedEvent): void {
    const topics = topicsOf(entry);
    const tenantId = entry.tenantId;
    let frame: Buffer | undefined;
    const delivery = ++this.deliveries;
    for (const topic of topics) {
      const streams = this.byTopic.get(topic);
      if (streams === undefined) continue;
      for (const stream of streams) {
        // A bus event has a user and a session topic; a stream on both takes it once.
        if (stream.lastDelivery === delivery) continue;
        stream.lastDelivery = delivery;
        if (tenantId !== undefined && tenantId !== stream.tenantId) continue;
        frame ??= entryFrame(entry);
        stream.send(entry.id, frame);
      }
    }
  }

  /**
   * Holds `res` open as an event stream for `subscriber`, after replaying what the client missed
   * when it reconnects with `Last-Event-ID`. Answers 429 `STREAM_LIMIT_REACHED` when the user
   * already has `maxStreamsPerUser` streams here. Resolves once the stream is live.
   */
  async open(req: Request, res: Response, subscriber: StreamSubscriber): Promise<void> {
    if (this.shutDown) {
      sendAuthError(res, new AuthError('Streams are closed on this server', 'SERVER_BUSY', 503));
      return;
    }
    const { maxStreamsPerUser } = this.options;
    if ((this.byUser.get(subscriber.userId)?.size ?? 0) >= maxStreamsPerUser) {
      sendAuthError(
        res,
        new AuthError(
          `At most ${maxStreamsPerUser} open streams per user`,
          'STREAM_LIMIT_REACHED',
          429,
        ),
      );
      return;
    }
    // The client may have left while the route awaited: its 'close' has fired already.
    if (res.destroyed || req.socket.destroyed) return;

    const stream = new SseStream(res, subscriber, this.options.maxBufferedBytes, (s) =>
      this.forget(s),
    );
    const lastEventId = lastEventIdOf(req);
    // Registered (and holding live entries) before the log is read: nothing falls in between.
    if (lastEventId !== undefined) stream.holdLive();
    this.add(stream);

    res.status(200);
    for (const [name, value] of Object.entries(SSE_HEADERS)) res.setHeader(name, value);
    res.flushHeaders();
    stream.write(this.retry);
    this.scheduleExpiry(stream);

    if (lastEventId !== undefined) {
      await replayMissed(
        stream,
        lastEventId,
        this.deps.log,
        this.options.resumeLimit,
        this.deps.logger,
      );
    }
  }

  /** Tells the streams of a revoked session so, then ends them. */
  closeSession(sessionId: string): void {
    const streams = this.bySession.get(sessionId);
    if (!streams) return;
    const first = streams.values().next().value;
    const frame = controlFrame(REVOKED_EVENT, {
      timestamp: new Date().toISOString(),
      ...(first && { userId: first.userId }),
      sessionId,
    });
    for (const stream of [...streams]) stream.end(frame);
  }

  /** Tells every stream of a user whose sessions were all revoked so, then ends them. */
  closeUser(userId: string): void {
    const streams = this.byUser.get(userId);
    if (!streams) return;
    const frame = controlFrame(REVOKED_EVENT, {
      timestamp: new Date().toISOString(),
      userId,
      data: { allSessions: true },
    });
    for (const stream of [...streams]) stream.end(frame);
  }

  /** Open streams on this instance. */
  get connectionCount(): number {
    return this.streams.size;
  }

  /** Ends every stream and stops the timers; later `open` calls are answered 503. */
  close(): void {
    this.shutDown = true;
    for (const stream of [...this.streams]) stream.end();
    this.stopHeartbeat();
  }

  private add(stream: SseStream): void {
    this.streams.add(stream);
    for (const topic of stream.topics) addTo(this.byTopic, topic, stream);
    addTo(this.byUser, stream.userId, stream);
    if (stream.sessionId !== undefined) addTo(this.bySession, stream.sessionId, stream);
    this.startHeartbeat();
  }

  private forget(stream: SseStream): void {
    if (!this.streams.delete(stream)) return;
    for (const topic of stream.topics) removeFrom(this.byTopic, topic, stream);
    removeFrom(this.byUser, stream.userId, stream);
    if (stream.sessionId !== undefined) removeFrom(this.bySession, stream.sessionId, stream);
    if (stream.expiryTimer) clearTimeout(stream.expiryTimer);
    if (this.streams.size === 0) this.stopHeartbeat();
  }

  /** Ends the stream when its token expires: the client refreshes and reconnects. */
  private scheduleExpiry(stream: SseStream): void {
    const expiresAt = stream.expiresAt;
    if (expiresAt === undefined || stream.closed) return;
    const delay = Math.min(Math.max(expiresAt.getTime() - Date.now(), 0), MAX_TIMER_MS);
    stream.expiryTimer = setTimeout(() => {
      if (Date.now() < expiresAt.getTime()) {
        this.scheduleExpiry(stream);
        return;
      }
      stream.end(
        controlFrame(EXPIRED_EVENT, {
          timestamp: new Date().toISOString(),
          expiresAt: expiresAt.toISOString(),
        }),
      );
    }, delay);
    stream.expiryTimer.unref();
  }

  /** One timer for every stream, running only while there are streams. */
  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.write(HEARTBEAT_FRAME);
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
