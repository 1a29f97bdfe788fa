import { AuthConfigError, AuthEventBus, AuthTools, InMemoryEventLog } from 'keyward';
import { sseAppFactory, sseOf } from './sse-app';
import { refusal, type SseMessage } from './sse-client';

const sseApp = sseAppFactory();

const n = (value: string) => (m: SseMessage) => m.json.data?.n === value;

/** Polls `check` until it holds (a state the server reaches, never an absence). */
async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('streams per user', () => {
  it('refuses one stream more than maxStreamsPerUser with 429, across sessions, and a closed stream frees a slot', async () => {
    const app = await sseApp({ tools: { sse: { maxStreamsPerUser: 2 } } });
    const sse = sseOf(app);
    const user = await app.signUp();
    const laptop = await app.signIn(user);
    const first = await app.stream(user);
    const second = await app.stream(laptop);
    expect([first.status, second.status]).toEqual([200, 200]);

    const third = await app.stream(user);
    expect(third.status).toBe(429);
    expect(await refusal(third)).toEqual({
      error: expect.any(String),
      code: 'STREAM_LIMIT_REACHED',
    });

    // The cap is per user: someone else still gets a stream.
    const other = await app.signUp();
    const theirs = await app.stream(other);
    expect(theirs.status).toBe(200);

    first.close();
    await eventually(() => sse.connectionCount === 2);
    const again = await app.stream(user);
    expect(again.status).toBe(200);
    await app.tools.notify(`user:${user.userId}`, { n: 'after' });
    await again.waitFor(n('after'));
    await second.waitFor(n('after'));
  });
});

describe('slow clients', () => {
  it('drops a stream whose client stops reading once maxBufferedBytes wait, and keeps serving the others', async () => {
    const app = await sseApp({
      tools: {
        sse: { maxBufferedBytes: 64 * 1024 },
        // Small, so the large notifications below do not pile up in memory.
        eventLog: new InMemoryEventLog({ maxEntries: 20 }),
      },
    });
    const sse = sseOf(app);
    const slow = await app.signUp();
    const other = await app.signUp();
    const slowStream = await app.stream(slow);
    const otherStream = await app.stream(other);
    await app.tools.notify(`user:${slow.userId}`, { n: 'read' });
    await slowStream.waitFor(n('read'));

    // The client stops reading: the socket buffers on both sides fill, then the server's.
    slowStream.res.pause();
    const large = 'x'.repeat(256 * 1024);
    let sent = 0;
    while (sse.connectionCount === 2 && sent < 400) {
      await app.tools.notify(`user:${slow.userId}`, { large });
      sent += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sse.connectionCount).toBe(1);

    await app.tools.notify(`user:${other.userId}`, { n: 'still-served' });
    await otherStream.waitFor(n('still-served'));

    // The slow client, reading again, finds its connection cut short of what was sent.
    slowStream.res.resume();
    await slowStream.waitForEnd();
    expect(slowStream.messages.length).toBeLessThan(sent + 1);
  });

  it('keeps a client that reads, even when one message is larger than maxBufferedBytes', async () => {
    const app = await sseApp({ tools: { sse: { maxBufferedBytes: 16 * 1024 } } });
    const user = await app.signUp();
    const client = await app.stream(user);
    const large = 'y'.repeat(200 * 1024);
    await app.tools.notify(`user:${user.userId}`, { n: 'large', large });
    const message = await client.waitFor(n('large'));
    expect(message.json.data?.large).toHaveLength(200 * 1024);
    await app.tools.notify(`user:${user.userId}`, { n: 'after' });
    await client.waitFor(n('after'));
    expect(client.ended).toBe(false);
  });
});

describe('shutting down', () => {
  it('ends every stream on tools.close() and answers later streams with 503', async () => {
    const app = await sseApp();
    const user = await app.signUp();
    const client = await app.stream(user);
    await app.tools.notify(`user:${user.userId}`, { n: 'live' });
    await client.waitFor(n('live'));
    await app.tools.close();
    await client.waitForEnd();
    expect(sseOf(app).connectionCount).toBe(0);

    const later = await app.stream(user);
    expect(later.status).toBe(503);
    expect(await refusal(later)).toMatchObject({ code: 'SERVER_BUSY' });
  });
});

describe('sse options', () => {
  it.each([
    { heartbeatMs: 0 },
    { retryMs: -1 },
    { maxStreamsPerUser: 1.5 },
    { maxBufferedBytes: Number.NaN },
    { resumeLimit: 0 },
  ])('refuses %o at construction', (sse) => {
    expect(() => new AuthTools(new AuthEventBus(), { sse })).toThrow(AuthConfigError);
  });
});
