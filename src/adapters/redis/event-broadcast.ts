import type { IEventBroadcast } from '../../stores/event-broadcast';
import type { LoggedEvent } from '../../stores/event-log';
import type { Unsubscribe } from '../../stores/revocation';
import {
  DEFAULT_KEY_PREFIX,
  type RedisKeyOptions,
  type RedisLike,
  type RedisSubscriberLike,
} from './client';
import { guarded, logOncePerOutage } from './errors';
import { parseLoggedEvent } from './event-codec';
import { RedisScript } from './scripts';

/** KEYS: none. ARGV: channel, message. Returns how many connections heard it. */
const PUBLISH = new RedisScript(`
return redis.call('PUBLISH', ARGV[1], ARGV[2])
`);

/** Options of {@link RedisEventBroadcast}. */
export interface RedisEventBroadcastOptions extends RedisKeyOptions {
  /** Told of subscriber connection errors (default: the first of each outage is logged). */
  onError?: (err: unknown) => void;
}

/**
 * {@link IEventBroadcast} on Redis pub/sub: `publish` sends the event as JSON on one channel
 * (`<prefix>events`); every instance's subscribers hear it, this instance's included. The first
 * `subscribe` opens one connection (`client.duplicate()`: a subscribed connection can send
 * nothing else) shared by every listener of this broadcast; it is closed when the last listener
 * unsubscribes, or by `close()`. Messages published while that connection is down are lost,
 * which the port allows: a stream resumes from the log with `Last-Event-ID`. A message that is
 * not an event's JSON is ignored.
 */
export class RedisEventBroadcast implements IEventBroadcast {
  private readonly channel: string;
  private readonly listeners = new Set<(event: LoggedEvent) => void>();
  /** The subscribed connection, once the first subscribe has asked for it. */
  private connection: Promise<RedisSubscriberLike> | undefined;

  constructor(
    private readonly client: RedisLike,
    private readonly options: RedisEventBroadcastOptions = {},
  ) {
    this.channel = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}events`;
  }

  publish(event: LoggedEvent): Promise<void> {
    return guarded(async () => {
      await PUBLISH.run(this.client, [], [this.channel, JSON.stringify(event)]);
    });
  }

  /** Resolves once the connection listens, so an event published after it is heard. */
  async subscribe(listener: (event: LoggedEvent) => void): Promise<Unsubscribe> {
    // A wrapper per call: the same function subscribed twice is two subscriptions.
    const entry = (event: LoggedEvent) => listener(event);
    this.listeners.add(entry);
    const connection = (this.connection ??= this.connect());
    try {
      await connection;
    } catch (err) {
      this.listeners.delete(entry);
      // Forget the failed connection (unless close() or a later subscribe replaced it already).
      if (this.connection === connection) this.connection = undefined;
      throw err;
    }
    return async () => {
      this.listeners.delete(entry);
      if (this.listeners.size === 0) await this.release();
    };
  }

  /** Closes the subscriber connection; a later subscribe opens a new one. */
  async close(): Promise<void> {
    this.listeners.clear();
    await this.release();
  }

  private async connect(): Promise<RedisSubscriberLike> {
    if (typeof this.client.duplicate !== 'function') {
      throw new TypeError('the Redis event broadcast needs a client with duplicate() (ioredis)');
    }
    const subscriber = this.client.duplicate();
    subscriber.on('error', this.options.onError ?? logOncePerOutage('event broadcast subscriber'));
    subscriber.on('message', (channel, message) => {
      if (channel !== this.channel) return;
      const event = parseLoggedEvent(message);
      if (event) this.deliver(event);
    });
    try {
      await guarded(() => subscriber.subscribe(this.channel));
    } catch (err) {
      await subscriber.quit().catch(() => undefined);
      throw err;
    }
    return subscriber;
  }

  private deliver(event: LoggedEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One subscriber's failure is its own.
      }
    }
  }

  private async release(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    const subscriber = await connection.catch(() => undefined);
    await subscriber?.quit().catch(() => undefined);
  }
}
