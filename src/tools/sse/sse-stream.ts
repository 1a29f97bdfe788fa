import type { Response } from 'express';
import type { StreamSubscriber } from './sse-options';

/** A live frame that arrived while the stream was still replaying the log. */
interface HeldFrame {
  id: string;
  frame: Buffer;
}

/**
 * One open event stream: its subscriber, and its response, written through a guard that drops
 * the client once more than `maxBufferedBytes` wait for it.
 */
export class SseStream {
  readonly userId: string;
  readonly sessionId: string | undefined;
  readonly tenantId: string | undefined;
  readonly topics: ReadonlySet<string>;
  readonly expiresAt: Date | undefined;
  /** The delivery this stream last took: an entry on two of its topics is written once. */
  lastDelivery = 0;
  /** Set once the stream has ended, been dropped or been closed by the client. */
  closed = false;
  expiryTimer: NodeJS.Timeout | undefined;
  private backedUp = false;
  private held: HeldFrame[] | null = null;
  private heldBytes = 0;

  constructor(
    private readonly res: Response,
    subscriber: StreamSubscriber,
    private readonly maxBufferedBytes: number,
    private readonly onGone: (stream: SseStream) => void,
  ) {
    this.userId = subscriber.userId;
    this.sessionId = subscriber.sessionId;
    this.tenantId = subscriber.tenantId;
    this.topics = new Set(subscriber.topics);
    this.expiresAt = subscriber.expiresAt;
    // The client went away (or the socket was destroyed): whatever the reason, forget the stream.
    res.on('close', () => this.gone());
  }

  /** Live entries from now on wait until {@link releaseLive}, so a replay comes first. */
  holdLive(): void {
    this.held = [];
  }

  /** A log entry's frame: written now, or held while the stream replays. */
  send(id: string, frame: Buffer): void {
    if (this.held === null) {
      this.write(frame);
      return;
    }
    // A replay that lags behind the live entries must not hold them without bound either.
    if (this.heldBytes > this.maxBufferedBytes) {
      this.drop();
      return;
    }
    this.held.push({ id, frame });
    this.heldBytes += frame.length;
  }

  /** Writes the held live frames, leaving out those the replay already sent. */
  releaseLive(replayed: ReadonlySet<string>): void {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    for (const { id, frame } of held) {
      if (this.closed) return;
      if (!replayed.has(id)) this.write(frame);
    }
  }

  /**
   * Writes a frame. What the client does not read waits in the response; once more than the
   * limit waits when the next frame comes, the client is too slow (or gone without a FIN) and
   * keeping it would cost memory without bound, so it is dropped. Its browser reconnects and
   * resumes from the log. The bytes are counted before the frame, not after: one message larger
   * than the limit does not cost a client that reads.
   */
  write(frame: Buffer): void {
    if (this.closed) return;
    // Only after a write that did not go straight through is the count worth reading.
    if (this.backedUp && this.res.writableLength > this.maxBufferedBytes) {
      this.drop();
      return;
    }
    this.backedUp = !this.res.write(frame);
  }

  /** Writes the last frame, if any, and ends the response. */
  end(last?: Buffer): void {
    if (this.closed) return;
    if (last) this.res.write(last);
    this.res.end();
    this.gone();
  }

  /** Cuts the connection without writing anything more. */
  drop(): void {
    if (this.closed) return;
    this.res.destroy();
    this.gone();
  }

  private gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.held = null;
    this.onGone(this);
  }
}
