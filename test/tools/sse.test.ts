import request from 'supertest';
import { AuthEventNames } from 'keyward';
import { cookieValue, PASSWORD } from '../helpers/app';
import { sseAppFactory, type SseTestApp } from './sse-app';
import { openStream, refusal, type SseMessage } from './sse-client';

const sseApp = sseAppFactory();

/** A notification carrying `data.n`, so tests can tell notifications apart. */
const n = (value: string) => (m: SseMessage) => m.json.data?.n === value;
const names = (messages: SseMessage[]) => messages.map((m) => String(m.json.data?.n));

describe('GET /tools/stream: opening', () => {
  let app: SseTestApp;
  beforeAll(async () => {
    app = await sseApp();
  });

  it('answers 401 without an access token', async () => {
    const client = await openStream(app.server, '/tools/stream');
    expect(client.status).toBe(401);
    expect(await refusal(client)).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(app.tools.sse?.connectionCount).toBe(0);
  });

  it('answers 401 with a token that does not verify', async () => {
    const client = await openStream(app.server, '/tools/stream', {
      Authorization: 'Bearer not.a.token',
    });
    expect(client.status).toBe(401);
    expect(await refusal(client)).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('opens an event stream with the streaming headers and a retry interval first', async () => {
    const user = await app.signUp();
    const client = await app.stream(user);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(client.headers['cache-control']).toBe('no-cache, no-transform');
    expect(client.headers['x-accel-buffering']).toBe('no');
    expect(client.headers['connection']).toBe('keep-alive');
    await app.tools.notify(`user:${user.userId}`, { n: 'first' });
    await client.waitFor(n('first'));
    expect(client.retry).toBe(3000);
    client.close();
  });

  it('accepts the access cookie, as a browser EventSource sends it', async () => {
    const user = await app.signUp();
    const login = await request(app.t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(200);
    const cookie = cookieValue(login, 'accessToken');
    expect(cookie).toBeDefined();
    const client = await openStream(app.server, '/tools/stream', {
      Cookie: `accessToken=${cookie}`,
    });
    expect(client.status).toBe(200);
    await app.tools.notify(`user:${user.userId}`, { n: 'by-cookie' });
    await client.waitFor(n('by-cookie'));
    client.close();
  });
});

describe('GET /tools/stream: what a stream receives', () => {
  let app: SseTestApp;
  beforeAll(async () => {
    app = await sseApp();
  });

  it("delivers notifications to user:<id> as named events with the log entry's id", async () => {
    const user = await app.signUp();
    const client = await app.stream(user);
    const entry = await app.tools.notify(
      `user:${user.userId}`,
      { n: 'hello' },
      { type: 'security-alert' },
    );
    const message = await client.waitFor(n('hello'));
    expect(message.id).toBe(entry.id);
    expect(message.event).toBe('security-alert');
    expect(message.json).toMatchObject({
      id: entry.id,
      event: 'security-alert',
      topic: `user:${user.userId}`,
      data: { n: 'hello' },
    });
    client.close();
  });

  it("delivers the user's own bus events: a sign-in on another device, without the client address", async () => {
    const user = await app.signUp();
    const client = await app.stream(user);
    const phone = await app.signIn(user);
    const login = await client.waitFor(
      (m) => m.event === AuthEventNames.AUTH_LOGIN_SUCCESS && m.json.sessionId === phone.sessionId,
    );
    expect(login.json.userId).toBe(user.userId);
    expect(login.id).toEqual(expect.any(String));
    expect(login.json).not.toHaveProperty('ip');
    // The log itself keeps the address: the stream leaves it out on purpose.
    const logged = await app.tools.eventLog.readAfter(null, 10_000);
    expect(logged.find((e) => e.id === login.id)?.ip).toMatch(/127\.0\.0\.1/);
    client.close();
  });

  it('leaves out the operator an admin audit event names, keeping the rest of its data', async () => {
    const user = await app.signUp();
    const client = await app.stream(user);
    const entry = await app.tools.track(
      AuthEventNames.ADMIN_ROLE_ASSIGNED,
      { role: 'editor', actor: 'jane@ops.example' },
      { userId: user.userId, ip: '203.0.113.9' },
    );
    const message = await client.waitFor((m) => m.id === entry.id);
    expect(message.json.data).toEqual({ role: 'editor' });
    expect(message.json).not.toHaveProperty('ip');
    expect(entry.data).toEqual({ role: 'editor', actor: 'jane@ops.example' });
    client.close();
  });

  it("never delivers another user's notifications or events", async () => {
    const user = await app.signUp();
    const other = await app.signUp();
    const client = await app.stream(user);
    await app.tools.notify(`user:${other.userId}`, { n: 'theirs' });
    await app.signIn(other);
    await app.tools.notify(`user:${user.userId}`, { n: 'marker' });
    const before = await client.before(n('marker'));
    expect(before).toEqual([]);
    client.close();
  });

  it('delivers the global, tenant, tenant-role and session topics the token gives it, and only those', async () => {
    const user = await app.signUp({ tenantId: 'acme', roles: ['editor'] });
    const otherSession = await app.signIn(user);
    const client = await app.stream(user);
    await app.tools.notify('global', { n: 'global' });
    await app.tools.notify('tenant:acme', { n: 'tenant' });
    await app.tools.notify('tenant:acme:role:editor', { n: 'role' });
    await app.tools.notify('tenant:acme:role:admin', { n: 'other-role' });
    await app.tools.notify(`session:${user.sessionId}`, { n: 'session' });
    await app.tools.notify(`session:${otherSession.sessionId}`, { n: 'other-session' });
    await app.tools.notify('tenant:acme:group:staff', { n: 'group-not-granted' });
    await app.tools.notify('custom:news', { n: 'custom-not-granted' });
    await app.tools.notify(`user:${user.userId}`, { n: 'marker' });
    const before = await client.before(n('marker'));
    expect(names(before)).toEqual(['global', 'tenant', 'role', 'session']);
    client.close();
  });

  it('sends one message for a bus event that names both its user and its session', async () => {
    const user = await app.signUp();
    const client = await app.stream(user);
    await app.tools.track(
      'app.thing.done',
      { n: 'both' },
      {
        userId: user.userId,
        sessionId: user.sessionId,
      },
    );
    await app.tools.notify(`user:${user.userId}`, { n: 'marker' });
    const before = await client.before(n('marker'));
    expect(names(before)).toEqual(['both']);
    client.close();
  });
});

describe('GET /tools/stream: tenant isolation', () => {
  let app: SseTestApp;
  beforeAll(async () => {
    app = await sseApp();
  });

  it('never gives a user of tenant acme what belongs to tenant globex', async () => {
    const acme = await app.signUp({ tenantId: 'acme', roles: ['editor'] });
    const globex = await app.signUp({ tenantId: 'globex', roles: ['editor'] });
    const acmeStream = await app.stream(acme);
    const globexStream = await app.stream(globex);

    await app.tools.notify('tenant:globex', { n: 'globex-tenant' });
    await app.tools.notify('tenant:globex:role:editor', { n: 'globex-role' });
    // Stamped with globex on topics the acme stream does hear: the stamp decides.
    await app.tools.notify('global', { n: 'globex-global' }, { tenantId: 'globex' });
    await app.tools.notify(`user:${acme.userId}`, { n: 'globex-user' }, { tenantId: 'globex' });
    await app.tools.track(
      'app.report.ready',
      { n: 'globex-event' },
      {
        userId: acme.userId,
        tenantId: 'globex',
      },
    );
    await app.tools.notify('tenant:acme', { n: 'marker' });
    await app.tools.notify('tenant:globex', { n: 'globex-marker' });

    expect(await acmeStream.before(n('marker'))).toEqual([]);
    // The same entries did reach globex's stream where they were meant to.
    expect(names(await globexStream.before(n('globex-marker')))).toEqual([
      'globex-tenant',
      'globex-role',
      'globex-global',
    ]);
    acmeStream.close();
    globexStream.close();
  });

  it('lets clients declare no topics: query parameters change nothing', async () => {
    const acme = await app.signUp({ tenantId: 'acme' });
    const client = await app.stream(
      acme,
      '?topics=global,tenant:globex&topic=tenant:globex&tenantId=globex&userId=someone',
    );
    expect(client.status).toBe(200);
    await app.tools.notify('tenant:globex', { n: 'globex' });
    await app.tools.notify('user:someone', { n: 'someone' });
    await app.tools.notify('tenant:acme', { n: 'marker' });
    expect(await client.before(n('marker'))).toEqual([]);
    client.close();
  });

  it('keeps a tenant-bound caller from notifying another tenant through POST /tools/notify', async () => {
    const admin = await app.signUp({ tenantId: 'acme', roles: ['admin'] });
    const globex = await app.signUp({ tenantId: 'globex' });
    const client = await app.stream(globex);
    const res = await request(app.t.app)
      .post('/tools/notify/tenant:globex')
      .set('Authorization', `Bearer ${admin.accessToken}`)
      .send({ data: { n: 'forged' } });
    expect(res.status).toBe(403);
    await app.tools.notify('tenant:globex', { n: 'marker' });
    expect(await client.before(n('marker'))).toEqual([]);
    client.close();
  });
});

describe('GET /tools/stream: heartbeat', () => {
  it('sends a comment line every heartbeatMs', async () => {
    const app = await sseApp({ tools: { sse: { heartbeatMs: 50 } } });
    const user = await app.signUp();
    const client = await app.stream(user);
    expect(await client.waitForComment(2000)).toBe('heartbeat');
    client.close();
  });
});
