import type { SqlStores } from 'keyward/sql';
import { uniquePrefix } from '../helpers/services';
import { forEachDialect } from './dialects';

const MINUTE = 60_000;

forEachDialect('the SQL rate-limit store', (d) => {
  const prefix = uniquePrefix('kwr');
  let a: SqlStores;
  let b: SqlStores;

  beforeAll(async () => {
    // Two pools on one database: two app instances sharing it.
    a = d.open(prefix, { poolSize: 5 });
    b = d.open(prefix, { poolSize: 5 });
    await a.migrate();
    await b.migrate();
  });
  afterAll(async () => {
    await a.dropTables();
    await a.destroy();
    await b.destroy();
  });

  it('counts every hit once when two instances hit one key at the same time', async () => {
    const key = `login:acct:${uniquePrefix()}`;
    const hits = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).rateLimitStore.hit(key, MINUTE)),
    );
    expect(hits.map((h) => h.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    // One window for everyone: the first hit fixed its end.
    const ends = new Set(hits.map((h) => Math.round(h.resetAt.getTime() / 1000)));
    expect(ends.size).toBeLessThanOrEqual(2);
    await b.rateLimitStore.reset(key);
    expect((await a.rateLimitStore.hit(key, MINUTE)).count).toBe(1);
  });

  it('accepts keys longer than any indexed column (an email of 320 characters)', async () => {
    const long = `login:acct:${'x'.repeat(300)}@${'y'.repeat(19)}`;
    const other = `${long}!`;
    expect((await a.rateLimitStore.hit(long, MINUTE)).count).toBe(1);
    expect((await b.rateLimitStore.hit(long, MINUTE)).count).toBe(2);
    expect((await a.rateLimitStore.hit(other, MINUTE)).count).toBe(1);
  });

  it('refuses a window that is not a positive number', async () => {
    await expect(a.rateLimitStore.hit('k', 0)).rejects.toThrow(RangeError);
    await expect(a.rateLimitStore.hit('k', Number.NaN)).rejects.toThrow(RangeError);
  });
});
