import request from 'supertest';
import Redis from 'ioredis';
import { AuthConfigurator, AuthEventNames, InMemoryUserStore } from 'keyward';
import { ACCESS_SECRET, REFRESH_SECRET } from '../helpers/app';
import { describeWithService, uniquePrefix } from '../helpers/services';
import { startToolsProcess, type ToolsProcess } from './processes';
import { openStream, type SseClient } from './sse-client';

/**
 * Two app processes sharing Redis: a notification or an event on one instance reaches a stream
 * held by the other, and a stream resumes on either from the shared log.
 */
describeWithService('redis', 'streams across two app processes', (redisUrl) => {
  const signer = new AuthConfigurator(
    { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET },
    new InMemoryUserStore(),
  );
  const bearer = (claims: Record<string, unknown> & { sub: string }) => ({
    Authorization: `Bearer ${signer.tokenService.signAccessToken(claims)}`,
  });
  const ADMIN = bearer({ sub: 'ops', role: 'admin' });
  const U1 = bearer({ sub: 'u1', sid: 'sess-u1' });
  let a: ToolsProcess;
  let b: ToolsProcess;
  let prefix: string;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    prefix = uniquePrefix('kwsse');
    const env = { TOOLS_BACKEND: 'redis', REDIS_URL: redisUrl, REDIS_PREFIX: prefix };
    [a, b] = await Promise.all([startToolsProcess(env), startToolsProcess(env)]);
  }, 60_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    await Promise.all([a?.kill(), b?.kill()]);
    const client = new Redis(redisUrl);
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });

  const open = async (port: number, headers: Record<string, string> = {}) => {
    const stream = await openStream(port, '/tools/stream', { ...U1, ...headers });
    streams.push(stream);
    expect(stream.status).toBe(200);
    return stream;
  };
  const notify = (port: number, target: string, type: string) =>
    request(`http://127.0.0.1:${port}`)
      .post(`/tools/notify/${target}`)
      .set(ADMIN)
      .send({ type, data: { from: port } });

  it('delivers a notification sent to instance B to a stream held by instance A', async () => {
    const stream = await open(a.port);
    expect((await notify(b.port, 'user:u2', 'not.for.u1')).status).toBe(202);
    expect((await notify(b.port, 'user:u1', 'for.u1')).status).toBe(202);
    const before = await stream.before((m) => m.event === 'for.u1', 10_000);
    expect(before.map((m) => m.event)).not.toContain('not.for.u1');
    const got = stream.messages.find((m) => m.event === 'for.u1')!;
    expect(got.json.data).toEqual({ from: b.port });
  });

  it("delivers an event published on instance B's bus to the user's stream on A", async () => {
    const stream = await open(a.port);
    expect(
      (
        await request(`http://127.0.0.1:${b.port}`).post(
          `/emit/${AuthEventNames.AUTH_LOGIN_SUCCESS}/u1`,
        )
      ).status,
    ).toBe(202);
    const got = await stream.waitFor((m) => m.event === AuthEventNames.AUTH_LOGIN_SUCCESS, 10_000);
    expect(got.json.userId).toBe('u1');
  });

  it('resumes on instance A from the shared log what instance B logged while the stream was away', async () => {
    const first = await open(a.port);
    await notify(b.port, 'user:u1', 'seen');
    const seen = await first.waitFor((m) => m.event === 'seen', 10_000);
    first.close();
    await notify(b.port, 'user:u1', 'missed.1');
    await notify(b.port, 'user:u1', 'missed.2');
    const resumed = await open(a.port, { 'Last-Event-ID': seen.id! });
    await resumed.waitFor((m) => m.event === 'missed.2', 10_000);
    expect(resumed.messages.filter((m) => m.id !== undefined).map((m) => m.event)).toEqual([
      'missed.1',
      'missed.2',
    ]);
  });
});
