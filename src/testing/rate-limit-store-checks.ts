import type { IRateLimitStore, RateLimitHit } from '../stores/rate-limit';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type CheckContext, type ConformanceOptions } from './runner';
import { expectEqual, fail, isDate, nonce, show, sleep } from './support';

type Store = IRateLimitStore;

const MINUTE = 60_000;

/** A key no other run uses; reset after the check. */
function keyFor(store: Store, ctx: CheckContext): string {
  const key = `kw-conformance:${nonce()}:login:203.0.113.7`;
  ctx.defer(() => store.reset(key));
  return key;
}

/** The hit must carry `count` and a Date `resetAt` between `earliestEnd` and now + windowMs. */
function expectHit(
  hit: RateLimitHit,
  count: number,
  windowMs: number,
  earliestEnd: number,
  what: string,
): void {
  if (hit?.count !== count) fail(`${what}: count expected ${count}, got ${show(hit?.count)}`);
  if (!isDate(hit.resetAt)) fail(`${what}: resetAt expected a Date, got ${show(hit.resetAt)}`);
  const at = hit.resetAt.getTime();
  // Remote stores compute the window end on their own clock: allow a little drift.
  if (at < earliestEnd - 1_000 || at > Date.now() + windowMs + 1_000) {
    fail(`${what}: resetAt ${show(hit.resetAt)} is outside the ${windowMs} ms window`);
  }
}

/** Every check {@link checkRateLimitStore} runs, in order (names are stable). */
export const rateLimitStoreChecks: readonly Check<Store>[] = [
  {
    name: 'hit counts 1, 2, 3 within a window, with resetAt at the window end',
    async run(store, ctx) {
      const key = keyFor(store, ctx);
      const start = Date.now();
      const first = await store.hit(key, MINUTE);
      expectHit(first, 1, MINUTE, start + MINUTE, 'first hit');
      expectHit(await store.hit(key, MINUTE), 2, MINUTE, start + MINUTE, 'second hit');
      const third = await store.hit(key, MINUTE);
      expectHit(third, 3, MINUTE, start + MINUTE, 'third hit');
      // A fixed window: later hits do not push its end out.
      if (Math.abs(third.resetAt.getTime() - first.resetAt.getTime()) > 1_000) {
        fail(
          `resetAt moved from ${show(first.resetAt)} to ${show(third.resetAt)} within one window`,
        );
      }
    },
  },
  {
    name: 'keys are counted separately',
    async run(store, ctx) {
      const [a, b] = [keyFor(store, ctx), keyFor(store, ctx)];
      await store.hit(a, MINUTE);
      await store.hit(a, MINUTE);
      expectEqual((await store.hit(b, MINUTE)).count, 1, 'first hit of another key');
      expectEqual((await store.hit(a, MINUTE)).count, 3, 'third hit of the first key');
    },
  },
  {
    name: '50 concurrent hits get the counts 1 to 50, each exactly once',
    async run(store, ctx) {
      const key = keyFor(store, ctx);
      const hits = await Promise.all(Array.from({ length: 50 }, () => store.hit(key, MINUTE)));
      const counts = hits.map((h) => h?.count).sort((x, y) => Number(x) - Number(y));
      expectEqual(
        counts,
        Array.from({ length: 50 }, (_, i) => i + 1),
        'counts',
      );
      expectEqual((await store.hit(key, MINUTE)).count, 51, 'the next hit');
    },
  },
  {
    name: 'a new window starts at 1 once windowMs has passed',
    async run(store, ctx) {
      const key = keyFor(store, ctx);
      const windowMs = 300;
      const start = Date.now();
      const first = await store.hit(key, windowMs);
      expectHit(first, 1, windowMs, start + windowMs, 'first hit');
      expectHit(await store.hit(key, windowMs), 2, windowMs, start + windowMs, 'second hit');
      await sleep(windowMs + 200);
      const later = Date.now();
      const next = await store.hit(key, windowMs);
      expectHit(next, 1, windowMs, later + windowMs, 'first hit of the next window');
      if (next.resetAt.getTime() <= first.resetAt.getTime()) {
        fail(`the next window ends at ${show(next.resetAt)}, not after ${show(first.resetAt)}`);
      }
    },
  },
  {
    name: 'reset starts the count again at 1 and leaves other keys alone',
    async run(store, ctx) {
      const [key, other] = [keyFor(store, ctx), keyFor(store, ctx)];
      await store.hit(key, MINUTE);
      await store.hit(key, MINUTE);
      await store.hit(other, MINUTE);
      await store.reset(key);
      expectEqual((await store.hit(key, MINUTE)).count, 1, 'first hit after reset');
      expectEqual((await store.hit(other, MINUTE)).count, 2, 'other key after reset');
      await store.reset(`kw-conformance:${nonce()}:never-hit`);
    },
  },
  {
    name: 'peek reads the live count without counting, and 0 for a key never hit',
    needs: ['peek'],
    async run(store, ctx) {
      const key = keyFor(store, ctx);
      expectEqual(await store.peek!(key), 0, 'peek of a key never hit');
      // A peek must not start a window: the first hit after it still counts 1.
      expectEqual((await store.hit(key, MINUTE)).count, 1, 'first hit after a peek');
      await store.hit(key, MINUTE);
      expectEqual(await store.peek!(key), 2, 'peek after two hits');
      expectEqual(await store.peek!(key), 2, 'a second peek');
      expectEqual((await store.hit(key, MINUTE)).count, 3, 'the hit after the peeks');
    },
  },
  {
    name: 'peek reads 0 once the window has passed, and after reset',
    needs: ['peek'],
    async run(store, ctx) {
      const [ending, cleared] = [keyFor(store, ctx), keyFor(store, ctx)];
      const windowMs = 300;
      await store.hit(ending, windowMs);
      await store.hit(cleared, MINUTE);
      await store.reset(cleared);
      expectEqual(await store.peek!(cleared), 0, 'peek after reset');
      expectEqual(await store.peek!(ending), 1, 'peek within the window');
      await sleep(windowMs + 200);
      expectEqual(await store.peek!(ending), 0, 'peek after the window has passed');
      expectEqual((await store.hit(ending, windowMs)).count, 1, 'first hit of the next window');
    },
  },
];

/**
 * Checks an {@link IRateLimitStore}: fixed windows, atomic counting under concurrency, reset,
 * and the optional `peek`. Keys are random and reset afterwards; two checks wait about half a
 * second each.
 */
export function checkRateLimitStore(
  store: Store,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('IRateLimitStore', store, rateLimitStoreChecks, options);
}
