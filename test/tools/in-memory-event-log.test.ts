import { InMemoryEventLog } from 'keyward';

describe('InMemoryEventLog', () => {
  it('keeps the newest maxEntries (a tenth more at most between trims), dropping the oldest', async () => {
    const log = new InMemoryEventLog({ maxEntries: 10 });
    for (let i = 0; i < 35; i++)
      await log.append({ event: `e${i}`, timestamp: new Date().toISOString() });
    const kept = (await log.readAfter(null, 100)).map((e) => e.event);
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThanOrEqual(11);
    expect(kept[kept.length - 1]).toBe('e34');
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `e${35 - kept.length + i}`));
  });
});
