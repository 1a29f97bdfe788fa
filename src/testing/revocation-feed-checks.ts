import type { IRevocationFeed, Revocation } from '../stores/revocation';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type CheckContext, type ConformanceOptions } from './runner';
import { expectEqual, fail, isDate, nonce, show, sleep } from './support';

type Feed = IRevocationFeed;

/** The bound keyward documents for the slowest shared feed (SQL, polled every second). */
const DELIVERY_BOUND_MS = 2_000;

const sessionRevocation = (at = new Date()): Revocation => ({
  kind: 'session',
  sessionId: `kw-conformance-sid-${nonce()}`,
  userId: `kw-conformance-user-${nonce()}`,
  at,
});
const userRevocation = (at = new Date()): Revocation => ({
  kind: 'user',
  userId: `kw-conformance-user-${nonce()}`,
  at,
});

/** A stable name for matching what came back to what was published. */
const idOf = (r: Revocation) => (r.kind === 'session' ? `s:${r.sessionId}` : `u:${r.userId}`);

/** Ours only: the feed may be shared with other runs and apps. */
function mine(all: Revocation[], published: Revocation[]): Revocation[] {
  const ids = new Set(published.map(idOf));
  return all.filter((r) => ids.has(idOf(r)));
}

function expectSame(got: Revocation | undefined, want: Revocation, what: string): void {
  if (!got) fail(`${what}: missing`);
  if (!isDate(got.at)) fail(`${what}: at expected a Date, got ${show(got.at)}`);
  expectEqual(got, want, what);
}

/** Subscribes for the length of the check; returns what the listener heard. */
async function listen(feed: Feed, ctx: CheckContext): Promise<Revocation[]> {
  const heard: Revocation[] = [];
  const stop = await feed.subscribe((r) => heard.push(r));
  ctx.defer(stop);
  return heard;
}

/** Waits until `predicate` holds, up to the delivery bound. */
async function eventually(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DELIVERY_BOUND_MS + 500;
  while (!predicate()) {
    if (Date.now() > deadline) fail(`${what} within ${DELIVERY_BOUND_MS} ms`);
    await sleep(25);
  }
}

/** Every check {@link checkRevocationFeed} runs, in order (names are stable). */
export const revocationFeedChecks: readonly Check<Feed>[] = [
  {
    name: 'since returns what was published at or after the time, fields and milliseconds intact',
    async run(feed) {
      const start = new Date(Date.now() - 1_000);
      const session = sessionRevocation(new Date(Date.now() - 437));
      const user = userRevocation(new Date(Date.now() - 200));
      // Distinct times: feeds may order revocations of the same millisecond either way.
      const bare: Revocation = {
        kind: 'session',
        sessionId: `kw-conformance-${nonce()}`,
        at: new Date(),
      };
      for (const r of [session, user, bare]) await feed.publish(r);
      const got = mine(await feed.since(start), [session, user, bare]);
      expectEqual(got.map(idOf), [session, user, bare].map(idOf), 'ids, oldest first');
      expectSame(got[0], session, 'session revocation');
      expectSame(got[1], user, 'user revocation');
      expectSame(got[2], bare, 'session revocation without a user id');
    },
  },
  {
    name: 'since leaves out what was revoked before the time',
    async run(feed) {
      const old = sessionRevocation(new Date(Date.now() - 120_000));
      const recent = sessionRevocation();
      await feed.publish(old);
      await feed.publish(recent);
      const got = mine(await feed.since(new Date(Date.now() - 60_000)), [old, recent]);
      expectEqual(got.map(idOf), [idOf(recent)], 'revocations of the last minute');
    },
  },
  {
    name: `a subscriber hears each revocation published after it subscribed, within ${DELIVERY_BOUND_MS} ms`,
    async run(feed, ctx) {
      const heard = await listen(feed, ctx);
      const session = sessionRevocation();
      const user = userRevocation();
      await feed.publish(session);
      await feed.publish(user);
      await eventually(() => mine(heard, [session, user]).length >= 2, 'both revocations heard');
      const got = mine(heard, [session, user]);
      expectSame(
        got.find((r) => r.kind === 'session'),
        session,
        'heard session revocation',
      );
      expectSame(
        got.find((r) => r.kind === 'user'),
        user,
        'heard user revocation',
      );
    },
  },
  {
    name: 'two subscribers both hear a revocation; one that stopped hears nothing more',
    async run(feed, ctx) {
      const first = await listen(feed, ctx);
      const stopped: Revocation[] = [];
      const stop = await feed.subscribe((r) => stopped.push(r));
      await stop();
      const second = await listen(feed, ctx);
      const revocation = sessionRevocation();
      await feed.publish(revocation);
      await eventually(
        () => mine(first, [revocation]).length > 0 && mine(second, [revocation]).length > 0,
        'both subscribers heard it',
      );
      await sleep(200);
      expectEqual(mine(stopped, [revocation]), [], 'what the stopped subscriber heard');
    },
  },
];

/**
 * Checks an {@link IRevocationFeed}: `since` for the start-up load, delivery to subscribers
 * within the documented bound (2 s), unsubscribing. Ids are random, so a shared feed is fine.
 */
export function checkRevocationFeed(
  feed: Feed,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('IRevocationFeed', feed, revocationFeedChecks, options);
}
