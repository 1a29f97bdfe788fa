import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { Client, Pool } from 'pg';
import type { LoggedEvent } from 'keyward';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { checkEventLog, checkWebhookStore, formatReport } from 'keyward/testing';
import { describeWithService, uniquePrefix } from '../helpers/services';
import { forEachDialect, withMigratedStores, type RawDb } from './dialects';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const family = () => `kw.test.${randomBytes(4).toString('hex')}`;
const entry = (event: string, extra: Partial<LoggedEvent> = {}) => ({
  event,
  timestamp: new Date().toISOString(),
  ...extra,
});

forEachDialect('the SQL event tools stores', (d) => {
  const prefix = uniquePrefix('kwe');
  let stores: SqlStores;
  let raw: RawDb;

  withMigratedStores(d, prefix, { poolSize: 6 }, (s, r) => {
    stores = s;
    raw = r;
  });

  it('eventLog passes every check of the kit', async () => {
    const report = await checkEventLog(stores.eventLog, { optional: 'require' });
    console.log(`[${d.name}] ${formatReport(report)}`);
    expect(report.failures).toEqual([]);
    expect(report.passed.length).toBeGreaterThan(10);
  });

  it('webhookStore passes every check of the kit, optional methods included', async () => {
    const report = await checkWebhookStore(stores.webhookStore, { optional: 'require' });
    console.log(`[${d.name}] ${formatReport(report)}`);
    expect(report.skipped ?? []).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report.passed.length).toBeGreaterThan(10);
  });

  it('keeps event data as JSON text and timestamps as epoch milliseconds', async () => {
    const event = `${family()}.stored`;
    const at = new Date(Date.now() - 1234);
    const logged = await stores.eventLog.append(
      entry(event, { timestamp: at.toISOString(), userId: 'u-1', data: { n: [1, { x: 'y' }] } }),
    );
    const [row] = await raw.rows(`${prefix}event_log`, 'event', event);
    expect(row).toMatchObject({ user_id: 'u-1', tenant_id: null, data: '{"n":[1,{"x":"y"}]}' });
    expect(String(row!.id)).toBe(logged.id);
    expect(Number(row!.ts)).toBe(at.getTime());
    expect(Math.abs(Number(row!.inserted_at) - Date.now())).toBeLessThan(5_000);
  });

  it('keeps webhook patterns and actions as JSON text, and a webhook without isActive as active', async () => {
    const id = `hook-${randomBytes(4).toString('hex')}`;
    await stores.webhookStore.add({ id, url: 'https://example.com/h', events: ['a.*', 'b'] });
    const [row] = await raw.rows(`${prefix}webhooks`, 'id', id);
    expect(row).toMatchObject({ events: '["a.*","b"]', allowed_actions: null, tenant_id: null });
    expect(Number(row!.is_active)).toBe(1);
    expect((await stores.webhookStore.findById(id))?.isActive).toBe(true);
    await stores.webhookStore.remove(id);
  });

  it('every method of both stores rejects with 503 STORE_UNAVAILABLE once the database is gone', async () => {
    const ownPrefix = uniquePrefix('kwu');
    const { stores: doomed, closeHandle } = d.openWithHandle(ownPrefix);
    await doomed.migrate();
    await closeHandle();
    const now = new Date();
    const delivery = {
      id: 'd',
      webhookId: 'w',
      eventId: '1',
      event: 'e',
      payload: '{}',
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    };
    const calls: Record<string, unknown[]> = {
      append: [entry('e')],
      save: [{ ...entry('e'), id: '1' }],
      readAfter: [null, 10],
      query: [{}],
      countByDay: [['e'], now, now],
      prune: [now],
      getCursor: ['c'],
      setCursor: ['c', '1'],
      findByEvent: ['e'],
      findByProvider: ['p'],
      listAll: [],
      findById: ['w'],
      add: [{ id: 'w', url: 'https://example.com', events: ['*'] }],
      update: ['w', { url: 'https://example.com/2' }],
      remove: ['w'],
      enqueueDeliveries: [[delivery]],
      claimDueDeliveries: [now, 10, 1000],
      recordAttempt: ['d', { status: 'delivered', httpStatus: 200, at: now }],
      findDelivery: ['d'],
      listDeliveries: ['w'],
      requeueDelivery: ['d', now],
    };
    const called: string[] = [];
    for (const store of [doomed.eventLog, doomed.webhookStore]) {
      const methods = store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      for (const method of Object.getOwnPropertyNames(store)) {
        if (typeof methods[method] !== 'function') continue;
        const call = methods[method](...(calls[method] ?? []));
        await expect(call).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', statusCode: 503 });
        called.push(method);
      }
    }
    expect(called.sort()).toEqual(Object.keys(calls).sort());
    const cleanup = d.open(ownPrefix);
    await cleanup.dropTables();
    await cleanup.destroy();
  });

  it('two instances appending at once: a reader polling all the while gets every entry once, in order', async () => {
    const other = d.open(prefix, { poolSize: 4 });
    try {
      const event = `${family()}.burst`;
      const anchor = await stores.eventLog.append(entry(`${event}.anchor`));
      const writes = Array.from({ length: 120 }, (_, i) =>
        (i % 2 ? other : stores).eventLog.append(entry(event, { data: { i } })),
      );
      const read: LoggedEvent[] = [];
      let after = anchor.id;
      let done = false;
      const all = Promise.all(writes).finally(() => (done = true));
      while (!done || read.length < writes.length) {
        const batch = await stores.eventLog.readAfter(after, 50);
        read.push(...batch);
        if (batch.length > 0) after = batch[batch.length - 1]!.id;
        else if (done) break;
      }
      const written = await all;
      expect(read.map((e) => e.id)).toEqual(
        [...written].sort((a, b) => Number(a.id) - Number(b.id)).map((e) => e.id),
      );
    } finally {
      await other.destroy();
    }
  });
});

/** An insert into the event log over a connection of its own, left uncommitted. */
interface HeldInsert {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** A server the gap rule is tested on: stores over it, and a way to hold an insert open. */
interface GapServer {
  open(prefix: string, gapHoldMs: number): SqlStores;
  insertUncommitted(prefix: string, event: string): Promise<HeldInsert>;
  /** The `pruned` flags of the rows of `event` in the table, marked and unmarked alike. */
  prunedFlags(prefix: string, event: string): Promise<number[]>;
}

function postgresServer(url: string): GapServer {
  return {
    open: (tablePrefix, eventLogGapHoldMs) =>
      createSqlStores({
        dialect: 'postgres',
        pool: new Pool({ connectionString: url, max: 4 }),
        tablePrefix,
        eventLogGapHoldMs,
      }),
    async insertUncommitted(tablePrefix, event) {
      const client = new Client({ connectionString: url });
      await client.connect();
      await client.query('begin');
      await client.query(
        `insert into "${tablePrefix}event_log" (event, ts, inserted_at, pruned)
         values ($1, $2, (extract(epoch from clock_timestamp()) * 1000)::bigint, 0)`,
        [event, Date.now()],
      );
      const end = (statement: string) => async () => {
        await client.query(statement);
        await client.end();
      };
      return { commit: end('commit'), rollback: end('rollback') };
    },
    async prunedFlags(tablePrefix, event) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ pruned: number }>(
          `select pruned from "${tablePrefix}event_log" where event = $1`,
          [event],
        );
        return rows.map((r) => Number(r.pruned));
      } finally {
        await client.end();
      }
    },
  };
}

function mariadbServer(url: string): GapServer {
  return {
    open: (tablePrefix, eventLogGapHoldMs) =>
      createSqlStores({
        dialect: 'mysql',
        pool: mysql.createPool({ uri: url, connectionLimit: 4 }),
        tablePrefix,
        eventLogGapHoldMs,
      }),
    async insertUncommitted(tablePrefix, event) {
      const connection = await mysql.createConnection(url);
      await connection.beginTransaction();
      await connection.query(
        `insert into \`${tablePrefix}event_log\` (event, ts, inserted_at, pruned)
         values (?, ?, cast(unix_timestamp(now(3)) * 1000 as signed), 0)`,
        [event, Date.now()],
      );
      return {
        commit: async () => {
          await connection.commit();
          await connection.end();
        },
        rollback: async () => {
          await connection.rollback();
          await connection.end();
        },
      };
    },
    async prunedFlags(tablePrefix, event) {
      const connection = await mysql.createConnection(url);
      try {
        const [rows] = await connection.query(
          `select pruned from \`${tablePrefix}event_log\` where event = ?`,
          [event],
        );
        return (rows as { pruned: number }[]).map((r) => Number(r.pruned));
      } finally {
        await connection.end();
      }
    },
  };
}

const HOLD_MS = 1_500;

function gapRuleSuite(server: GapServer): void {
  const prefix = uniquePrefix('kwg');
  let stores: SqlStores;
  const held: HeldInsert[] = [];
  const events = (list: LoggedEvent[]) => list.map((e) => e.event);

  beforeAll(async () => {
    stores = server.open(prefix, HOLD_MS);
    await stores.migrate();
  });
  afterEach(async () => {
    for (const insert of held.splice(0)) await insert.rollback().catch(() => undefined);
  });
  afterAll(async () => {
    await stores.dropTables();
    await stores.destroy();
  });

  const hold = async (event: string) => {
    const insert = await server.insertUncommitted(prefix, event);
    held.push(insert);
    return insert;
  };

  it('readAfter stops before an id whose insert has not committed, and reads it once it has', async () => {
    const f = family();
    const anchor = await stores.eventLog.append(entry(`${f}.anchor`));
    const early = await hold(`${f}.early`);
    await stores.eventLog.append(entry(`${f}.late`));
    expect(await stores.eventLog.readAfter(anchor.id, 10)).toEqual([]);
    await sleep(HOLD_MS / 2);
    expect(await stores.eventLog.readAfter(anchor.id, 10)).toEqual([]);
    held.splice(held.indexOf(early), 1);
    await early.commit();
    expect(events(await stores.eventLog.readAfter(anchor.id, 10))).toEqual([
      `${f}.early`,
      `${f}.late`,
    ]);
  });

  it('readAfter goes past a gap once the entry after it is older than the hold', async () => {
    const f = family();
    const anchor = await stores.eventLog.append(entry(`${f}.anchor`));
    await hold(`${f}.stuck`);
    const late = await stores.eventLog.append(entry(`${f}.late`));
    expect(await stores.eventLog.readAfter(anchor.id, 10)).toEqual([]);
    await sleep(HOLD_MS + 300);
    expect(await stores.eventLog.readAfter(anchor.id, 10)).toEqual([late]);
  });

  it('returns the entries before the gap and stops there', async () => {
    const f = family();
    const anchor = await stores.eventLog.append(entry(`${f}.anchor`));
    const before = await stores.eventLog.append(entry(`${f}.before`));
    await hold(`${f}.open`);
    await stores.eventLog.append(entry(`${f}.after`));
    expect(await stores.eventLog.readAfter(anchor.id, 10)).toEqual([before]);
  });

  it('prune marks entries written within the hold, so readers do not wait at them, and deletes them later', async () => {
    const f = family();
    const anchor = await stores.eventLog.append(entry(`${f}.anchor`));
    const old = entry(`${f}.old`, { timestamp: new Date(Date.UTC(1999, 0, 1)).toISOString() });
    await stores.eventLog.append(old);
    const kept = await stores.eventLog.append(entry(`${f}.kept`));
    const cutoff = new Date(Date.UTC(2000, 0, 1));
    expect(await stores.eventLog.prune(cutoff)).toBe(1);
    expect(await server.prunedFlags(prefix, old.event)).toEqual([1]);
    expect(await stores.eventLog.readAfter(anchor.id, 10)).toEqual([kept]);
    await sleep(HOLD_MS + 300);
    await stores.eventLog.append(entry(`${f}.later`));
    // The marked row is old now: this prune deletes it (and counts nothing new).
    expect(await stores.eventLog.prune(cutoff)).toBe(0);
    expect(await server.prunedFlags(prefix, old.event)).toEqual([]);
    expect(await stores.eventLog.readAfter(anchor.id, 1)).toEqual([kept]);
    expect(await stores.eventLog.query({ event: `${f}.old` })).toEqual([]);
  });
}

describeWithService('postgres', "the SQL event log's gap rule (PostgreSQL)", (url) =>
  gapRuleSuite(postgresServer(url)),
);
describeWithService('mysql', "the SQL event log's gap rule (MariaDB/MySQL)", (url) =>
  gapRuleSuite(mariadbServer(url)),
);

describe('the SQL event log: options', () => {
  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses eventLogGapHoldMs %p when the stores are created',
    (ms) => {
      const database = new Database(':memory:');
      try {
        expect(() =>
          createSqlStores({ dialect: 'sqlite', database, eventLogGapHoldMs: ms }),
        ).toThrow(/eventLogGapHoldMs must be a number of ms, 0 or more/);
      } finally {
        database.close();
      }
    },
  );
});
