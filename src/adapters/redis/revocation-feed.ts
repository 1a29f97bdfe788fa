import { randomBytes } from 'node:crypto';
import type { IRevocationFeed, Revocation, Unsubscribe } from '../../stores/revocation';
import { DEFAULT_KEY_PREFIX, type RedisKeyOptions, type RedisLike } from './client';
import { guarded, logOncePerOutage } from './errors';
import { RedisScript } from './scripts';

/** Options of the Redis revocation feed (`createRedisStores({ revocationFeed })`). */
export interface RedisRevocationFeedOptions extends RedisKeyOptions {
  /** How long revocations are kept for the start-up load, in seconds (default one day). */
  retentionSeconds?: number;
  /** Told of subscriber connection errors (default: the first of each outage is logged). */
  onError?: (err: unknown) => void;
}

/**
 * Records one revocation and tells every subscriber, in one step: the sorted set (score: the
 * revocation's time) serves `since`, trimmed to the retention; PUBLISH reaches the instances.
 * KEYS[1] the set; ARGV: time (ms), message, oldest time to keep, retention (ms), channel.
 */
const PUBLISH_REVOCATION = new RedisScript(`
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[2])
return 1
`);

/** KEYS[1] the set; ARGV[1] the oldest time (ms). */
const REVOCATIONS_SINCE = new RedisScript(`
return redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
`);

/** On the wire: short keys, and a nonce so two equal revocations stay two members of the set. */
interface Message {
  k: 's' | 'u';
  s?: string;
  u?: string;
  at: number;
  n: string;
}

function encode(revocation: Revocation): string {
  const message: Message =
    revocation.kind === 'session'
      ? {
          k: 's',
          s: revocation.sessionId,
          u: revocation.userId,
          at: revocation.at.getTime(),
          n: '',
        }
      : { k: 'u', u: revocation.userId, at: revocation.at.getTime(), n: '' };
  message.n = randomBytes(6).toString('base64url');
  return JSON.stringify(message);
}

function decode(text: string): Revocation | undefined {
  let m: Partial<Message>;
  try {
    m = JSON.parse(text) as Partial<Message>;
  } catch {
    return undefined;
  }
  if (typeof m?.at !== 'number') return undefined;
  const at = new Date(m.at);
  if (m.k === 's' && typeof m.s === 'string') {
    return typeof m.u === 'string'
      ? { kind: 'session', sessionId: m.s, userId: m.u, at }
      : { kind: 'session', sessionId: m.s, at };
  }
  if (m.k === 'u' && typeof m.u === 'string') return { kind: 'user', userId: m.u, at };
  return undefined;
}

/**
 * {@link IRevocationFeed} on Redis: PUBLISH for immediacy (other instances refuse the token as
 * soon as the message arrives, typically within milliseconds), a sorted set for `since`. Each
 * subscription listens on its own connection (`client.duplicate()`); after a reconnection it
 * reads what it may have missed from the set.
 */
export class RedisRevocationFeed implements IRevocationFeed {
  private readonly key: string;
  private readonly channel: string;
  private readonly retentionMs: number;

  constructor(
    private readonly client: RedisLike,
    private readonly options: RedisRevocationFeedOptions = {},
  ) {
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.key = `${prefix}revocations`;
    this.channel = `${prefix}revocations`;
    this.retentionMs = (options.retentionSeconds ?? 86_400) * 1000;
  }

  publish(revocation: Revocation): Promise<void> {
    return guarded(async () => {
      const at = revocation.at.getTime();
      const oldest = Date.now() - this.retentionMs;
      await PUBLISH_REVOCATION.run(
        this.client,
        [this.key],
        [at, encode(revocation), oldest, this.retentionMs, this.channel],
      );
    });
  }

  since(since: Date): Promise<Revocation[]> {
    return guarded(async () => {
      const reply = await REVOCATIONS_SINCE.run(this.client, [this.key], [since.getTime()]);
      if (!Array.isArray(reply)) return [];
      return reply
        .map((m) => (typeof m === 'string' ? decode(m) : undefined))
        .filter((r): r is Revocation => r !== undefined);
    });
  }

  async subscribe(listener: (revocation: Revocation) => void): Promise<Unsubscribe> {
    if (typeof this.client.duplicate !== 'function') {
      throw new TypeError('the Redis revocation feed needs a client with duplicate() (ioredis)');
    }
    const subscriber = this.client.duplicate();
    const onError = this.options.onError ?? logOncePerOutage('revocation feed subscriber');
    let lastHeard = Date.now();
    let stopped = false;
    const deliver = (revocation: Revocation) => {
      if (stopped) return;
      lastHeard = Math.max(lastHeard, revocation.at.getTime());
      listener(revocation);
    };
    subscriber.on('error', onError);
    subscriber.on('message', (channel, message) => {
      if (channel !== this.channel) return;
      const revocation = decode(message);
      if (revocation) deliver(revocation);
    });
    let connected = false;
    subscriber.on('ready', () => {
      // ioredis subscribes again by itself after a reconnection; messages published while the
      // connection was down are lost, so read them from the set (hearing one twice is harmless).
      if (connected) {
        this.since(new Date(lastHeard - 60_000)).then((missed) => missed.forEach(deliver), onError);
      }
      connected = true;
    });
    await subscriber.subscribe(this.channel);
    return async () => {
      stopped = true;
      await subscriber.quit().catch(() => undefined);
    };
  }
}
