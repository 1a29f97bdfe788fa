import type { IEventLog, LoggedEvent } from '../stores/event-log';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type ConformanceOptions } from './runner';
import {
  ANCIENT_END,
  DAY,
  appendAll,
  appendOne,
  ancient,
  expectEntries,
  expectEntry,
  family,
  idsOf,
  newEntry,
} from './event-log-fixtures';
import { eventLogQueryChecks } from './event-log-query-checks';
import {
  expectEqual,
  expectNull,
  expectSameMembers,
  expectTrue,
  fail,
  msDate,
  nonce,
  show,
  trickyJson,
} from './support';

type Log = IEventLog;

const CONCURRENT = 20;
/** Pages `readAfter(null)` may take to reach the newest entries before the check gives up. */
const MAX_WALK_PAGES = 200;

/** append, readAfter, save and cursors: what the stream and the webhook dispatcher need. */
const readingChecks: readonly Check<Log>[] = [
  {
    name: 'readAfter(null) starts at the oldest entry: walking on from it reaches the newest, each id once',
    async run(log) {
      const f = family();
      const [first, second] = await appendAll(log, [
        newEntry(`${f}.first`, new Date()),
        newEntry(`${f}.second`, new Date()),
      ]);
      const seen = new Set<string>();
      let after: string | null = null;
      let previous: LoggedEvent | undefined;
      for (let page = 0; page < MAX_WALK_PAGES; page++) {
        const batch = await log.readAfter(after, 1000);
        const ids = idsOf(batch, `readAfter(${show(after)}, 1000)`);
        if (ids.length > 1000) fail(`readAfter(…, 1000) returned ${ids.length} entries`);
        if (ids.length === 0) break;
        for (const entry of batch) {
          if (seen.has(entry.id)) fail(`walking from readAfter(null) met id ${entry.id} twice`);
          seen.add(entry.id);
          if (entry.id === second!.id) {
            expectEqual(previous?.id, first!.id, 'the id read just before the newest entry');
            expectEntry(entry, second!, 'the newest entry');
            return;
          }
          previous = entry;
        }
        after = ids[ids.length - 1]!;
      }
      fail(
        `walking from readAfter(null) did not reach the entry just appended (${seen.size} read)`,
      );
    },
  },
  {
    name: 'an id the log never gave reads from the oldest entry, like null',
    async run(log) {
      await appendOne(log, newEntry(`${family()}.any`, new Date()));
      const fromStart = await log.readAfter(null, 3);
      const count = idsOf(fromStart, 'readAfter(null, 3)').length;
      expectTrue(count >= 1 && count <= 3, `readAfter(null, 3) returned ${count} entries`);
      const unknown = await log.readAfter(`kw-conformance-no-such-id-${nonce()}`, 3);
      expectEntries(unknown, fromStart, 'readAfter of an unknown id');
    },
  },
  {
    name: 'append returns the entry with a new id; readAfter gives back every field, nested data and topic',
    async run(log) {
      const f = family();
      const anchor = await appendOne(log, newEntry(`${f}.anchor`, new Date()));
      const userId = `kw-conformance-user-${nonce()}`;
      const full = newEntry(`${f}.full`, msDate(0), {
        userId,
        tenantId: `kw-conformance-tenant-${nonce()}`,
        sessionId: `kw-conformance-sid-${nonce()}`,
        ip: '2001:db8::7',
        data: trickyJson(),
        topic: `user:${userId}`,
      });
      const returned = await log.append(structuredClone(full));
      expectEntry(returned, { ...full, id: returned.id }, 'what append returned');
      const bare = await log.append(newEntry(`${f}.bare`, msDate(1)));
      const expected: LoggedEvent[] = [
        { ...full, id: returned.id },
        { ...newEntry(`${f}.bare`, msDate(1)), id: bare.id },
      ];
      expectTrue(returned.id !== anchor.id && bare.id !== returned.id, 'ids must be new');
      // The bare entry checks that absent fields (topic, userId, data…) stay absent, not null.
      expectEntries(await log.readAfter(anchor.id, 10), expected, 'readAfter the anchor');
    },
  },
  {
    name: 'ids increase: readAfter(id, limit) returns the next entries, oldest first, at most limit',
    async run(log) {
      const f = family();
      const [anchor, ...later] = await appendAll(
        log,
        [0, 1, 2, 3, 4, 5].map((i) => newEntry(`${f}.n${i}`, msDate(i), { data: { i } })),
      );
      expectEqual(new Set(idsOf(later, 'ids')).size, 5, 'distinct ids among 5 appends');
      const [e1, e2, e3, e4, e5] = later as [LoggedEvent, ...LoggedEvent[]];
      expectEntries(await log.readAfter(anchor!.id, 10), later, 'readAfter(anchor, 10)');
      expectEntries(await log.readAfter(anchor!.id, 2), [e1, e2!], 'readAfter(anchor, 2)');
      expectEntries(await log.readAfter(e2!.id, 2), [e3!, e4!], 'readAfter(second, 2)');
      expectEntries(await log.readAfter(e4!.id, 5), [e5!], 'readAfter(fourth, 5)');
      expectEntries(await log.readAfter(e5!.id, 5), [], 'readAfter(newest, 5)');
    },
  },
  {
    name: `${CONCURRENT} concurrent appends get distinct ids, and readAfter returns them all in id order`,
    async run(log) {
      const f = family();
      const anchor = await appendOne(log, newEntry(`${f}.anchor`, new Date()));
      const appended = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          appendOne(log, newEntry(`${f}.burst`, new Date(), { data: { i } })),
        ),
      );
      const ids = idsOf(appended, 'appended');
      expectEqual(new Set(ids).size, CONCURRENT, `distinct ids among ${CONCURRENT} appends`);
      const read = await log.readAfter(anchor.id, 100);
      const readIds = idsOf(read, 'readAfter(anchor, 100)');
      expectEqual([...readIds].sort(), [...ids].sort(), 'the ids read after the anchor');
      const byId = new Map(appended.map((e) => [e.id, e]));
      read.forEach((entry, i) => expectEntry(entry, byId.get(entry.id)!, `entry ${i} read`));
      // The order readAfter returned them in must be the log's own id order.
      for (let i = 0; i < read.length; i++) {
        const next = await log.readAfter(read[i]!.id, 1);
        expectEqual(
          idsOf(next, 'readAfter(id, 1)'),
          i + 1 < read.length ? [read[i + 1]!.id] : [],
          `readAfter(entry ${i}, 1)`,
        );
      }
    },
  },
  {
    name: 'save appends like append but keeps nothing of the id it is given',
    async run(log) {
      const f = family();
      const anchor = await appendOne(log, newEntry(`${f}.anchor`, new Date()));
      const given = `kw-conformance-own-id-${nonce()}`;
      const event = newEntry(`${f}.saved`, msDate(0), {
        userId: `kw-conformance-user-${nonce()}`,
        data: { nested: { list: [1, { two: 2 }] } },
      });
      await log.save({ ...structuredClone(event), id: given });
      await log.save({ ...structuredClone(event), id: given });
      const read = await log.readAfter(anchor.id, 10);
      const ids = idsOf(read, 'readAfter the anchor');
      expectEqual(ids.length, 2, 'entries saved');
      expectTrue(!ids.includes(given), `save kept the given id ${show(given)}`);
      expectTrue(ids[0] !== ids[1], 'two saves of one id must give two ids');
      expectEntries(
        read,
        ids.map((id) => ({ ...event, id })),
        'the saved entries',
      );
    },
  },
  {
    name: 'cursors are kept per name; an unknown name has none',
    async run(log) {
      const f = family();
      const [a, b, c] = await appendAll(log, [
        newEntry(`${f}.a`, new Date()),
        newEntry(`${f}.b`, new Date()),
        newEntry(`${f}.c`, new Date()),
      ]);
      const [one, two] = [`kw-conformance-${nonce()}`, `kw-conformance-${nonce()}`];
      expectNull(await log.getCursor(one), 'getCursor of a name never set');
      await log.setCursor(one, a!.id);
      await log.setCursor(two, b!.id);
      expectEqual(await log.getCursor(one), a!.id, 'getCursor(first name)');
      expectEqual(await log.getCursor(two), b!.id, 'getCursor(second name)');
      await log.setCursor(one, c!.id);
      expectEqual(await log.getCursor(one), c!.id, 'getCursor(first name) after moving it');
      expectEqual(await log.getCursor(two), b!.id, 'getCursor(second name) after the first moved');
    },
  },
];

/**
 * Last in the kit: pruning entries appended moments ago leaves holes among the newest ids, and
 * a log that waits at holes (SQL) must not wait at these.
 */
const pruneChecks: readonly Check<Log>[] = [
  {
    name: 'prune removes entries dated before the instant (not at it) and counts them; readAfter a pruned id goes on after it',
    async run(log, ctx) {
      const f = family();
      const before = ancient(300 * DAY);
      // Clears what an earlier, interrupted run left, so the count below is exact.
      await log.prune(before);
      ctx.defer(() => log.prune(new Date(ANCIENT_END)));
      const [anchor, old1, , edge, young] = await appendAll(log, [
        newEntry(`${f}.anchor`, new Date()),
        newEntry(`${f}.old`, new Date(before.getTime() - DAY)),
        newEntry(`${f}.old`, new Date(before.getTime() - 1)),
        newEntry(`${f}.edge`, before),
        newEntry(`${f}.young`, new Date(before.getTime() + 1)),
      ]);
      expectEqual(await log.prune(before), 2, 'prune(before) returned');
      expectEntries(await log.readAfter(anchor!.id, 10), [edge!, young!], 'entries kept');
      expectEntries(await log.readAfter(old1!.id, 10), [edge!, young!], 'readAfter a pruned id');
      expectSameMembers(
        idsOf(await log.query({ event: `${f}.*` }), 'query'),
        [anchor!.id, edge!.id, young!.id],
        'ids queried after prune',
      );
      expectEqual(await log.prune(before), 0, 'prune(before) again');
    },
  },
];

/** Every check {@link checkEventLog} runs, in order (names are stable). */
export const eventLogChecks: readonly Check<Log>[] = [
  ...readingChecks,
  ...eventLogQueryChecks,
  ...pruneChecks,
];

/**
 * Checks an {@link IEventLog}: ids unique and increasing (also under concurrent appends),
 * `readAfter` from the start, from an id and from an unknown id, with `limit`; every field and
 * nested `data` kept; `save` ignoring the given id; `query` newest first with each filter and
 * paging; `countByDay` per UTC day and tenant; `prune`; named cursors. Event names are random
 * and the dated entries the kit writes lie in 1999 and are pruned afterwards, so the log may
 * hold other entries; nothing else should append to it while the kit runs.
 */
export function checkEventLog(log: Log, options?: ConformanceOptions): Promise<ConformanceReport> {
  return runChecks('IEventLog', log, eventLogChecks, options);
}
