import { InMemoryEventLog, type LoggedEvent } from 'keyward';
import { sseAppFactory, type SignedIn, type SseTestApp } from './sse-app';
import type { SseMessage } from './sse-client';

const sseApp = sseAppFactory();

const n = (value: string) => (m: SseMessage) => m.json.data?.n === value;
const names = (messages: SseMessage[]) => messages.map((m) => String(m.json.data?.n));

/**
 * The in-memory log, with a way to hold one `readAfter` at a chosen moment: the test then
 * appends entries while a resume is under way, which is the seam between replay and live.
 */
class GatedEventLog extends InMemoryEventLog {
  private pending: { readFirst: boolean; reached: () => void; gate: Promise<void> } | null = null;

  /** Holds the next `readAfter`, before or after it reads; resolves once it got there. */
  holdNextRead(readFirst: boolean): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    this.pending = { readFirst, reached, gate };
    return { reached: reachedPromise, release };
  }

  override async readAfter(afterId: string | null, limit: number): Promise<LoggedEvent[]> {
    const held = this.pending;
    this.pending = null;
    if (!held) return super.readAfter(afterId, limit);
    if (held.readFirst) {
      const entries = await super.readAfter(afterId, limit);
      held.reached();
      await held.gate;
      return entries;
    }
    held.reached();
    await held.gate;
    return super.readAfter(afterId, limit);
  }
}

/** Opens a stream, receives one notification and disconnects: returns its id. */
async function seenThenGone(app: SseTestApp, user: SignedIn): Promise<string> {
  const client = await app.stream(user);
  const entry = await app.tools.notify(`user:${user.userId}`, { n: 'seen' });
  const message = await client.waitFor(n('seen'));
  expect(message.id).toBe(entry.id);
  client.close();
  return entry.id;
}

describe('resuming with Last-Event-ID', () => {
  let app: SseTestApp;
  beforeAll(async () => {
    app = await sseApp();
  });

  it('replays exactly the entries this stream missed, in order, then continues live', async () => {
    const user = await app.signUp({ tenantId: 'acme' });
    const other = await app.signUp({ tenantId: 'acme' });
    const lastSeen = await seenThenGone(app, user);

    const missed = [
      await app.tools.notify(`user:${user.userId}`, { n: 'm1' }),
      await app.tools.notify(`user:${other.userId}`, { n: 'not-mine' }),
      await app.tools.notify('tenant:globex', { n: 'other-tenant' }),
      await app.tools.notify('global', { n: 'stamped-globex' }, { tenantId: 'globex' }),
      await app.tools.notify('tenant:acme', { n: 'm2' }),
      await app.tools.track('app.export.ready', { n: 'm3' }, { userId: user.userId }),
    ];
    const client = await app.stream(user, '', { 'Last-Event-ID': lastSeen });
    await app.tools.notify(`user:${user.userId}`, { n: 'live' });

    const before = await client.before(n('live'));
    expect(names(before)).toEqual(['m1', 'm2', 'm3']);
    expect(before.map((m) => m.id)).toEqual([missed[0]!.id, missed[4]!.id, missed[5]!.id]);
    client.close();
  });

  it('takes the id from a lastEventId query parameter too (a new EventSource cannot set headers)', async () => {
    const user = await app.signUp();
    const lastSeen = await seenThenGone(app, user);
    await app.tools.notify(`user:${user.userId}`, { n: 'missed' });
    const client = await app.stream(user, `?lastEventId=${encodeURIComponent(lastSeen)}`);
    await app.tools.notify(`user:${user.userId}`, { n: 'live' });
    expect(names(await client.before(n('live')))).toEqual(['missed']);
    client.close();
  });

  it('prefers the Last-Event-ID header to the query parameter', async () => {
    const user = await app.signUp();
    const lastSeen = await seenThenGone(app, user);
    await app.tools.notify(`user:${user.userId}`, { n: 'missed' });
    const client = await app.stream(user, '?lastEventId=0', { 'Last-Event-ID': lastSeen });
    await app.tools.notify(`user:${user.userId}`, { n: 'live' });
    expect(names(await client.before(n('live')))).toEqual(['missed']);
    client.close();
  });

  it('replays nothing to a stream opened without a last event id', async () => {
    const user = await app.signUp();
    await seenThenGone(app, user);
    await app.tools.notify(`user:${user.userId}`, { n: 'earlier' });
    const client = await app.stream(user);
    await app.tools.notify(`user:${user.userId}`, { n: 'live' });
    expect(await client.before(n('live'))).toEqual([]);
    client.close();
  });
});

describe('the seam between replay and live entries', () => {
  const log = new GatedEventLog();
  let app: SseTestApp;
  beforeAll(async () => {
    app = await sseApp({ tools: { eventLog: log } });
  });

  it.each([
    ['the replay read the log before they were appended', true],
    ['the replay read the log after they were appended', false],
  ])(
    'sends entries appended during a resume once and in order when %s',
    async (_case, readFirst) => {
      const user = await app.signUp();
      const lastSeen = await seenThenGone(app, user);
      await app.tools.notify(`user:${user.userId}`, { n: 'missed' });

      const hold = log.holdNextRead(readFirst);
      const client = await app.stream(user, '', { 'Last-Event-ID': lastSeen });
      await hold.reached;
      await app.tools.notify(`user:${user.userId}`, { n: 'during-1' });
      await app.tools.notify(`user:${user.userId}`, { n: 'during-2' });
      hold.release();
      await app.tools.notify(`user:${user.userId}`, { n: 'after' });

      // 'after' may come through the replay or live; once it is here the resume is over, and a
      // last marker shows everything the seam sent.
      await client.waitFor(n('after'));
      await app.tools.notify(`user:${user.userId}`, { n: 'end' });
      const before = await client.before(n('end'));
      expect(names(before)).toEqual(['missed', 'during-1', 'during-2', 'after']);
      const ids = before.map((m) => m.id);
      expect([...ids].sort()).toEqual(ids);
      client.close();
    },
  );
});

describe('resume limits', () => {
  it('finds missed entries past a page of other users’ entries', async () => {
    const app = await sseApp({ tools: { sse: { resumeLimit: 3 } } });
    const user = await app.signUp();
    const other = await app.signUp();
    const lastSeen = await seenThenGone(app, user);
    for (let i = 0; i < 7; i += 1) await app.tools.notify(`user:${other.userId}`, { n: `x${i}` });
    await app.tools.notify(`user:${user.userId}`, { n: 'missed' });
    const client = await app.stream(user, '', { 'Last-Event-ID': lastSeen });
    await app.tools.notify(`user:${user.userId}`, { n: 'live' });
    expect(names(await client.before(n('live')))).toEqual(['missed']);
    client.close();
  });

  it('replays at most resumeLimit entries and then says the stream was truncated', async () => {
    const app = await sseApp({ tools: { sse: { resumeLimit: 2 } } });
    const user = await app.signUp();
    const lastSeen = await seenThenGone(app, user);
    for (const name of ['m1', 'm2', 'm3']) {
      await app.tools.notify(`user:${user.userId}`, { n: name });
    }
    const client = await app.stream(user, '', { 'Last-Event-ID': lastSeen });
    await app.tools.notify(`user:${user.userId}`, { n: 'live' });

    const before = await client.before(n('live'));
    expect(names(before.slice(0, 2))).toEqual(['m1', 'm2']);
    expect(before.slice(2)).toEqual([
      expect.objectContaining({
        id: undefined,
        event: 'stream.truncated',
        json: { event: 'stream.truncated', replayed: 2 },
      }),
    ]);
    client.close();
  });
});
