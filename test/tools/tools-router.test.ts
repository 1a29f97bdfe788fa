import express from 'express';
import request from 'supertest';
import {
  AuthConfigError,
  AuthConfigurator,
  AuthEventBus,
  AuthEventNames,
  AuthTools,
  InMemoryUserStore,
  buildOpenApiSpec,
  createToolsRouter,
  type ToolsRouterOptions,
} from 'keyward';
import { ACCESS_SECRET, REFRESH_SECRET } from '../helpers/app';
import { recordResponses, type SpecDocument } from '../helpers/openapi-check';

const bus = new AuthEventBus();
const auth = new AuthConfigurator(
  { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET },
  new InMemoryUserStore(),
  { eventBus: bus },
);
let tools: AuthTools;

beforeEach(() => {
  tools = new AuthTools(bus);
});
afterEach(() => tools.close());

/** A router that serves no spec is checked against the spec of every endpoint. */
const everyEndpoint = () =>
  buildOpenApiSpec({ telemetry: true, notify: true, stream: true, webhook: true }) as SpecDocument;

function appWith(options: Partial<ToolsRouterOptions> = {}) {
  const app = express();
  // Every answer under /tools is checked against the router's OpenAPI document.
  app.use(recordResponses(app, '/tools', everyEndpoint));
  app.use('/tools', createToolsRouter(tools, { authMiddleware: auth.middleware(), ...options }));
  return app;
}

/** A field of each event of a telemetry answer. */
const eventsOf = (res: request.Response, field: 'event' | 'tenantId') =>
  (res.body as { events: Array<Record<string, string>> }).events.map((e) => e[field]);

const token = (claims: Record<string, unknown> & { sub: string }) =>
  `Bearer ${auth.tokenService.signAccessToken(claims)}`;
const ADMIN = token({ sub: 'root', role: 'admin' });
const ACME_ADMIN = token({ sub: 'acme-boss', roles: ['admin'], tenantId: 'acme' });
const ACME_USER = token({ sub: 'acme-user', role: 'user', tenantId: 'acme' });

describe('POST /tools/track/:eventName', () => {
  it('records an event for an administrator, on the log and for telemetry', async () => {
    const res = await request(appWith())
      .post('/tools/track/app.order.placed')
      .set('Authorization', ADMIN)
      .send({ data: { total: 42 }, userId: 'u1' });
    expect(res.status).toBe(202);
    expect(res.body.id).toEqual(expect.any(String));
    const [logged] = await tools.eventLog.query({ event: 'app.order.placed' });
    expect(logged).toMatchObject({ event: 'app.order.placed', userId: 'u1', data: { total: 42 } });
  });

  it('refuses a signed-in user who is not an administrator, and anyone unauthenticated', async () => {
    const app = appWith();
    expect(
      (await request(app).post('/tools/track/app.x').set('Authorization', ACME_USER).send({})).body,
    ).toEqual({ error: 'Not allowed', code: 'FORBIDDEN' });
    expect((await request(app).post('/tools/track/app.x').send({})).status).toBe(401);
    expect(await tools.eventLog.query({ event: 'app.x' })).toEqual([]);
  });

  it("lets no one but a global administrator forge keyward's own event names", async () => {
    const app = appWith();
    const forged = await request(app)
      .post(`/tools/track/${AuthEventNames.USER_PASSWORD_CHANGED}`)
      .set('Authorization', ACME_ADMIN)
      .send({ userId: 'victim' });
    expect(forged.status).toBe(403);
    const everyone = appWith({ permission: () => true });
    expect(
      (
        await request(everyone)
          .post('/tools/track/identity.user.deleted')
          .set('Authorization', ACME_USER)
          .send({})
      ).status,
    ).toBe(403);
    expect(
      (
        await request(app)
          .post('/tools/track/identity.custom.thing')
          .set('Authorization', ADMIN)
          .send({})
      ).status,
    ).toBe(202);
  });

  it("stamps a tenant administrator's events with their tenant and refuses another tenant", async () => {
    const app = appWith();
    expect(
      (
        await request(app)
          .post('/tools/track/app.y')
          .set('Authorization', ACME_ADMIN)
          .send({ tenantId: 'globex' })
      ).status,
    ).toBe(403);
    expect(
      (await request(app).post('/tools/track/app.y').set('Authorization', ACME_ADMIN).send({}))
        .status,
    ).toBe(202);
    const [logged] = await tools.eventLog.query({ event: 'app.y' });
    expect(logged!.tenantId).toBe('acme');
  });

  it('answers bad input with 400 and records nothing', async () => {
    const app = appWith();
    const cases = [
      request(app).post('/tools/track/has%20space').set('Authorization', ADMIN).send({}),
      request(app)
        .post('/tools/track/app.z')
        .set('Authorization', ADMIN)
        .send({ data: 'not an object' }),
      request(app).post('/tools/track/app.z').set('Authorization', ADMIN).send({ unknown: 1 }),
      request(app)
        .post('/tools/track/' + 'a'.repeat(121))
        .set('Authorization', ADMIN)
        .send({}),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
    }
    expect(await tools.eventLog.query({})).toEqual([]);
  });
});

describe('GET /tools/telemetry', () => {
  beforeEach(async () => {
    await tools.track('app.a', { n: 1 }, { userId: 'u1', tenantId: 'acme' });
    await tools.track('app.b', { n: 2 }, { userId: 'u2', tenantId: 'globex' });
    bus.publish(AuthEventNames.AUTH_LOGIN_SUCCESS, { userId: 'u1', tenantId: 'acme' });
    await new Promise((r) => setImmediate(r));
  });

  it('lists events newest first with filters for a global administrator', async () => {
    const app = appWith();
    const all = await request(app).get('/tools/telemetry').set('Authorization', ADMIN);
    expect(all.status).toBe(200);
    expect(eventsOf(all, 'event')).toEqual(['identity.auth.login.success', 'app.b', 'app.a']);
    const filtered = await request(app)
      .get('/tools/telemetry?event=app.*&userId=u2')
      .set('Authorization', ADMIN);
    expect(eventsOf(filtered, 'event')).toEqual(['app.b']);
    const paged = await request(app)
      .get('/tools/telemetry?limit=1&offset=1')
      .set('Authorization', ADMIN);
    expect(paged.body).toMatchObject({ limit: 1, offset: 1 });
    expect(eventsOf(paged, 'event')).toEqual(['app.b']);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      (
        await request(app)
          .get(`/tools/telemetry?from=${encodeURIComponent(future)}`)
          .set('Authorization', ADMIN)
      ).body.events,
    ).toEqual([]);
  });

  it("never shows a tenant's caller another tenant's events", async () => {
    const app = appWith();
    const own = await request(app).get('/tools/telemetry').set('Authorization', ACME_ADMIN);
    expect(eventsOf(own, 'tenantId')).toEqual(['acme', 'acme']);
    expect(
      (await request(app).get('/tools/telemetry?tenantId=globex').set('Authorization', ACME_ADMIN))
        .status,
    ).toBe(403);
    expect(
      (await request(app).get('/tools/telemetry').set('Authorization', ACME_USER)).status,
    ).toBe(403);
  });

  it('answers a malformed query with 400', async () => {
    const app = appWith();
    for (const q of ['limit=0', 'limit=abc', 'from=yesterday', 'offset=-1', 'sort=asc']) {
      const res = await request(app).get(`/tools/telemetry?${q}`).set('Authorization', ADMIN);
      expect([q, res.status, res.body.code]).toEqual([q, 400, 'VALIDATION_ERROR']);
    }
  });
});

describe('POST /tools/notify/:target', () => {
  it('logs a notification for its topic, stamped with the topic tenant', async () => {
    const app = appWith();
    const res = await request(app)
      .post('/tools/notify/tenant:acme:role:editor')
      .set('Authorization', ADMIN)
      .send({ type: 'maintenance', data: { at: 'noon' } });
    expect(res.status).toBe(202);
    const [entry] = await tools.eventLog.query({ event: 'maintenance' });
    expect(entry).toMatchObject({
      topic: 'tenant:acme:role:editor',
      tenantId: 'acme',
      data: { at: 'noon' },
    });
  });

  it("keeps a tenant's caller inside their tenant", async () => {
    const app = appWith();
    const send = (target: string) =>
      request(app)
        .post(`/tools/notify/${target}`)
        .set('Authorization', ACME_ADMIN)
        .send({ data: {} });
    expect((await send('tenant:globex')).status).toBe(403);
    expect((await send('global')).status).toBe(403);
    expect((await send('custom:ops')).status).toBe(403);
    expect((await send('tenant:acme')).status).toBe(202);
    const user = await send('user:someone');
    expect(user.status).toBe(202);
    const [entry] = await tools.eventLog.query({ event: 'notification' });
    expect(entry).toMatchObject({ topic: 'user:someone', tenantId: 'acme' });
  });

  it('refuses unknown topic shapes and non-administrators', async () => {
    const app = appWith();
    expect(
      (await request(app).post('/tools/notify/everyone').set('Authorization', ADMIN).send({}))
        .status,
    ).toBe(400);
    expect(
      (await request(app).post('/tools/notify/user:a:b').set('Authorization', ADMIN).send({}))
        .status,
    ).toBe(400);
    expect(
      (await request(app).post('/tools/notify/global').set('Authorization', ACME_USER).send({}))
        .status,
    ).toBe(403);
  });

  it('lets the permission hook delegate, without loosening tenant isolation', async () => {
    const app = appWith({
      permission: (_req, action, target) => action === 'notify' && target.startsWith('tenant:'),
    });
    expect(
      (
        await request(app)
          .post('/tools/notify/tenant:acme')
          .set('Authorization', ACME_USER)
          .send({})
      ).status,
    ).toBe(202);
    expect(
      (
        await request(app)
          .post('/tools/notify/tenant:globex')
          .set('Authorization', ACME_USER)
          .send({})
      ).status,
    ).toBe(403);
    expect(
      (await request(app).post('/tools/track/app.q').set('Authorization', ACME_USER).send({}))
        .status,
    ).toBe(403);
  });
});

describe('createToolsRouter', () => {
  it('switches endpoints off one by one', async () => {
    const app = appWith({ telemetry: false, notify: false });
    expect(
      (await request(app).post('/tools/track/app.x').set('Authorization', ADMIN).send({})).status,
    ).toBe(404);
    expect((await request(app).get('/tools/telemetry').set('Authorization', ADMIN)).status).toBe(
      404,
    );
    expect(
      (await request(app).post('/tools/notify/global').set('Authorization', ADMIN).send({})).status,
    ).toBe(404);
  });

  it('refuses at setup to serve endpoints without authentication, or streams without SSE', () => {
    expect(() => createToolsRouter(tools, {})).toThrow(AuthConfigError);
    expect(() =>
      createToolsRouter(tools, { authMiddleware: auth.middleware(), stream: true }),
    ).toThrow(/sse: true/);
    expect(() => createToolsRouter(tools, { telemetry: false, notify: false })).not.toThrow();
  });
});
