import type { EventDayCount, IEventLog, LoggedEvent, TelemetryFilter } from '../stores/event-log';
import type { Check, CheckContext } from './runner';
import {
  DAY,
  HOUR,
  appendAll,
  ancient,
  expectEntries,
  family,
  idsOf,
  newEntry,
  pruneAncientAfter,
  type NewEntry,
} from './event-log-fixtures';
import { expectEqual, expectSameMembers, nonce, show } from './support';

type Log = IEventLog;

/** Five entries a second apart (in 1999), of two users and two tenants, oldest first. */
async function seed(log: Log, ctx: CheckContext) {
  pruneAncientAfter(log, ctx);
  const f = family();
  const [u1, u2] = [`kw-conformance-user-${nonce()}`, `kw-conformance-user-${nonce()}`];
  const [t1, t2] = [`kw-conformance-tenant-${nonce()}`, `kw-conformance-tenant-${nonce()}`];
  const at = (i: number) => ancient(100 * DAY + i * 1_000 + 437);
  const entries = (await appendAll(log, [
    newEntry(`${f}.login.success`, at(1), { userId: u1, tenantId: t1 }),
    newEntry(`${f}.login.failed`, at(2), { userId: u1, tenantId: t1, data: { reason: 'x' } }),
    newEntry(`${f}.logout`, at(3), { userId: u2, tenantId: t1 }),
    newEntry(`${f}.login.success`, at(4), { userId: u2, tenantId: t2 }),
    newEntry(`${f}.login.success`, at(5), { userId: u1, ip: '192.0.2.1' }),
  ])) as [LoggedEvent, LoggedEvent, LoggedEvent, LoggedEvent, LoggedEvent];
  return { f, u1, u2, t1, t2, at, e: entries };
}

/** Runs each filter and compares the whole entries, in order. */
async function expectQueries(log: Log, cases: Array<[TelemetryFilter, LoggedEvent[]]>) {
  for (const [filter, expected] of cases) {
    expectEntries(await log.query(filter), expected, `query(${show(filter)})`);
  }
}

/** Appends in batches of `width` concurrent appends (for volume, not order). */
async function appendMany(log: Log, entries: NewEntry[], width: number): Promise<void> {
  for (let i = 0; i < entries.length; i += width) {
    await Promise.all(entries.slice(i, i + width).map((e) => log.append(e)));
  }
}

/** query (`GET /tools/telemetry`) and countByDay (the Overview charts). */
export const eventLogQueryChecks: readonly Check<Log>[] = [
  {
    name: 'query matches an exact event name or a prefix ending in *, newest first, taking % and _ literally',
    async run(log, ctx) {
      const { f, e } = await seed(log, ctx);
      const [e1, e2, e3, e4, e5] = e;
      await expectQueries(log, [
        [{ event: `${f}.login.success` }, [e5, e4, e1]],
        [{ event: `${f}.login` }, []],
        [{ event: `${f}.login.*` }, [e5, e4, e2, e1]],
        [{ event: `${f}.log*` }, [e5, e4, e3, e2, e1]],
        [{ event: `${f}.*` }, [e5, e4, e3, e2, e1]],
        [{ event: `${f}.log_n.*` }, []],
        [{ event: `${f}.%*` }, []],
        [{ event: `${f}.login.%` }, []],
      ]);
    },
  },
  {
    name: 'query filters by userId and by tenantId, alone and together with an event',
    async run(log, ctx) {
      const { f, u1, u2, t1, t2, e } = await seed(log, ctx);
      const [e1, e2, e3, e4, e5] = e;
      await expectQueries(log, [
        [{ userId: u1 }, [e5, e2, e1]],
        [{ tenantId: t1 }, [e3, e2, e1]],
        [{ tenantId: t2 }, [e4]],
        [{ userId: u1, tenantId: t1 }, [e2, e1]],
        [{ userId: u2, event: `${f}.login.*` }, [e4]],
        [{ userId: `kw-conformance-user-${nonce()}` }, []],
      ]);
    },
  },
  {
    name: 'query bounds from and to are inclusive, to the millisecond',
    async run(log, ctx) {
      const { f, at, e } = await seed(log, ctx);
      const [e1, e2, e3, e4, e5] = e;
      const event = `${f}.*`;
      const shift = (d: Date, ms: number) => new Date(d.getTime() + ms);
      await expectQueries(log, [
        [{ event, from: at(2), to: at(4) }, [e4, e3, e2]],
        [{ event, from: shift(at(2), 1), to: shift(at(4), -1) }, [e3]],
        [{ event, from: at(5) }, [e5]],
        [{ event, to: at(1) }, [e1]],
        [{ event, from: shift(at(5), 1) }, []],
      ]);
    },
  },
  {
    name: 'query pages newest first with limit and offset',
    async run(log, ctx) {
      const { f, e } = await seed(log, ctx);
      const [e1, e2, e3, e4, e5] = e;
      const event = `${f}.*`;
      await expectQueries(log, [
        [{ event, limit: 2 }, [e5, e4]],
        [{ event, limit: 2, offset: 2 }, [e3, e2]],
        [{ event, limit: 2, offset: 4 }, [e1]],
        [{ event, offset: 1 }, [e4, e3, e2, e1]],
        [{ event, offset: 5 }, []],
      ]);
    },
  },
  {
    name: 'query returns 100 entries when no limit is given',
    async run(log, ctx) {
      pruneAncientAfter(log, ctx);
      const event = `${family()}.bulk`;
      // 101 is enough to see the default; the cap of 1,000 would take a thousand appends.
      await appendMany(
        log,
        Array.from({ length: 101 }, (_, i) => newEntry(event, ancient(200 * DAY + i))),
        20,
      );
      const count = async (filter: TelemetryFilter) =>
        idsOf(await log.query(filter), `query(${show(filter)})`).length;
      expectEqual(await count({ event }), 100, 'entries returned without a limit');
      expectEqual(await count({ event, offset: 100 }), 1, 'entries past the first 100');
    },
  },
  {
    name: 'countByDay counts each event asked for per UTC day within [from, to], bounds included',
    async run(log, ctx) {
      const { f, day, from, to } = await seedDays(log, ctx);
      const counts = await log.countByDay([`${f}.one`, `${f}.two`], from, to);
      expectSameMembers(
        counts,
        [
          { day: day(0), event: `${f}.one`, count: 2 },
          { day: day(1), event: `${f}.one`, count: 1 },
          { day: day(1), event: `${f}.two`, count: 2 },
        ],
        'countByDay without a tenant',
      );
      expectSameMembers(
        await log.countByDay([`${f}.two`], from, to),
        [{ day: day(1), event: `${f}.two`, count: 2 }],
        'countByDay of one event',
      );
      expectEqual(await log.countByDay([], from, to), [], 'countByDay of no events');
    },
  },
  {
    name: "countByDay with a tenant counts only that tenant's events",
    async run(log, ctx) {
      const { f, day, from, to, t1, t2 } = await seedDays(log, ctx);
      const events = [`${f}.one`, `${f}.two`];
      const cases: Array<[string, EventDayCount[]]> = [
        [
          t1,
          [
            { day: day(0), event: `${f}.one`, count: 1 },
            { day: day(1), event: `${f}.one`, count: 1 },
            { day: day(1), event: `${f}.two`, count: 1 },
          ],
        ],
        [t2, [{ day: day(0), event: `${f}.one`, count: 1 }]],
        [`kw-conformance-tenant-${nonce()}`, []],
      ];
      for (const [tenantId, expected] of cases) {
        expectSameMembers(
          await log.countByDay(events, from, to, tenantId),
          expected,
          `countByDay for tenant ${tenantId}`,
        );
      }
    },
  },
];

/**
 * Entries around two UTC days of 1999: on the bounds (counted), a millisecond outside them
 * (not counted), and of an event nobody asks for.
 */
async function seedDays(log: Log, ctx: CheckContext) {
  pruneAncientAfter(log, ctx);
  const f = family();
  const [t1, t2] = [`kw-conformance-tenant-${nonce()}`, `kw-conformance-tenant-${nonce()}`];
  const start = ancient(150 * DAY).getTime();
  const from = new Date(start);
  const to = new Date(start + 2 * DAY - 1);
  const at = (ms: number) => new Date(start + ms);
  await appendAll(log, [
    newEntry(`${f}.one`, at(-1), { tenantId: t1 }),
    newEntry(`${f}.one`, at(0), { tenantId: t1 }),
    newEntry(`${f}.other`, at(HOUR), { tenantId: t1 }),
    newEntry(`${f}.one`, at(DAY - 1), { tenantId: t2 }),
    newEntry(`${f}.one`, at(DAY), { tenantId: t1 }),
    newEntry(`${f}.two`, at(DAY + 3 * HOUR), { tenantId: t1 }),
    newEntry(`${f}.two`, to),
    newEntry(`${f}.one`, at(2 * DAY), { tenantId: t1 }),
  ]);
  const day = (n: number) => new Date(start + n * DAY).toISOString().slice(0, 10);
  return { f, t1, t2, from, to, day };
}
