import type { IRateLimitStore } from '../../stores/rate-limit';

const DAY = 24 * 60 * 60_000;

/**
 * How long an address stays known after the account's last sign-in from it: long enough for an
 * app used once a month and for the months a home, office or carrier address usually lasts;
 * short enough that an address the owner has left (a hotel, a former employer, one reassigned
 * to someone else) soon stops being exempt.
 */
export const KNOWN_IP_DAYS = 30;

const keyOf = (account: string, address: string) => `keyward:known-ip:${account}:${address}`;

/**
 * Known IP addresses, the counterpart of the device cookie for clients that keep no cookies
 * (mobile apps, CLIs in bearer mode): each (account, client address) pair that completed a
 * sign-in is remembered in the rate-limit store, and /login attempts from it count on a counter
 * of their own. Needs the store's `peek`: checking must not itself make a pair look known.
 */
export class KnownAddresses {
  private constructor(
    private readonly store: IRateLimitStore,
    private readonly peek: (key: string) => Promise<number>,
  ) {}

  /** Undefined when the store cannot `peek`: then the feature is off. */
  static of(store: IRateLimitStore): KnownAddresses | undefined {
    return store.peek ? new KnownAddresses(store, store.peek.bind(store)) : undefined;
  }

  /** Whether `account` completed a sign-in from `address` (a client address key) lately. */
  async has(account: string, address: string): Promise<boolean> {
    return (await this.peek(keyOf(account, address))) > 0;
  }

  /**
   * Starts the pair's window afresh, so it ends {@link KNOWN_IP_DAYS} after the latest sign-in:
   * a fixed window alone would forget the address 30 days after the first one, however often
   * the owner came back. Not atomic, which is harmless: an attempt checked in between counts on
   * the account-wide counter, as before the feature.
   */
  async remember(account: string, address: string): Promise<void> {
    const key = keyOf(account, address);
    await this.store.reset(key);
    await this.store.hit(key, KNOWN_IP_DAYS * DAY);
  }
}
