import request from 'supertest';
import { AuthEventNames, type AuthEventPayload } from 'keyward';
import { createAdminFixture, type AdminFixture } from './api-setup';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** `YYYY-MM-DD` (UTC) of a moment. */
const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

type Seed = Omit<AuthEventPayload, 'timestamp'> & { ago: number };

/** Appends events to the fixture's log, oldest first (as they would have happened). */
async function seed(fx: AdminFixture, events: Seed[], now = Date.now()) {
  const sorted = [...events].sort((a, b) => b.ago - a.ago);
  const logged = [];
  for (const { ago, ...event } of sorted) {
    logged.push(
      await fx.eventLog.append({ ...event, timestamp: new Date(now - ago).toISOString() }),
    );
  }
  return logged;
}

const SEEDED: Seed[] = [
  { event: 'identity.user.created', userId: 'u1', tenantId: 'acme', ago: 5 * DAY },
  { event: 'identity.auth.login.success', userId: 'u1', tenantId: 'acme', ago: 4 * DAY },
  { event: 'identity.auth.login.failed', userId: 'u2', ip: '203.0.113.9', ago: 3 * DAY },
  { event: 'identity.auth.login.success', userId: 'u2', tenantId: 'globex', ago: 2 * DAY },
  { event: 'identity.session.revoked', userId: 'u1', sessionId: 's1', ago: DAY },
  {
    event: 'identity.auth.login.success',
    userId: 'u1',
    tenantId: 'acme',
    ip: '198.51.100.4',
    data: { method: 'password', nested: { ok: true } },
    ago: HOUR,
  },
];

/** The entries of an answer. */
const eventsIn = (res: request.Response) =>
  res.body.events as Array<{ id: string; event: string; data: unknown }>;
const idsOf = (res: request.Response) => eventsIn(res).map((e) => e.event);

describe('admin API: the event log', () => {
  it('lists entries newest first, every field present', async () => {
    const fx = createAdminFixture();
    const logged = await seed(fx, SEEDED);
    const res = await fx.api.get('/events');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit: 20, offset: 0, hasMore: false });
    expect(eventsIn(res).map((e) => e.id)).toEqual(logged.map((e) => e.id).reverse());
    expect(res.body.events[0]).toEqual({
      id: logged[5]!.id,
      event: 'identity.auth.login.success',
      timestamp: logged[5]!.timestamp,
      userId: 'u1',
      tenantId: 'acme',
      sessionId: null,
      ip: '198.51.100.4',
      topic: null,
      data: { method: 'password', nested: { ok: true } },
    });
    expect(res.body.events[1]).toMatchObject({ sessionId: 's1', tenantId: null, data: {} });
  });

  it('filters by exact name, by prefix, by user and by tenant, together too', async () => {
    const fx = createAdminFixture();
    await seed(fx, SEEDED);
    const exact = await fx.api.get('/events?event=identity.auth.login.success');
    expect(exact.body.events).toHaveLength(3);
    const prefix = await fx.api.get('/events?event=identity.auth.*');
    expect(idsOf(prefix)).toEqual([
      'identity.auth.login.success',
      'identity.auth.login.success',
      'identity.auth.login.failed',
      'identity.auth.login.success',
    ]);
    const user = await fx.api.get('/events?userId=u2');
    expect(idsOf(user)).toEqual(['identity.auth.login.success', 'identity.auth.login.failed']);
    const tenant = await fx.api.get('/events?tenantId=acme');
    expect(tenant.body.events).toHaveLength(3);
    const both = await fx.api.get('/events?tenantId=acme&event=identity.auth.*&userId=u1');
    expect(both.body.events).toHaveLength(2);
    const none = await fx.api.get('/events?userId=nobody');
    expect(none.body).toMatchObject({ events: [], hasMore: false });
    // An empty parameter is no filter (the panel's cleared inputs).
    expect((await fx.api.get('/events?userId=&event=')).body.events).toHaveLength(6);
  });

  it('filters by time, with moments or whole UTC days, both bounds inclusive', async () => {
    const fx = createAdminFixture();
    const now = Date.now();
    const logged = await seed(fx, SEEDED, now);
    const from = encodeURIComponent(logged[2]!.timestamp);
    const to = encodeURIComponent(logged[4]!.timestamp);
    const between = await fx.api.get(`/events?from=${from}&to=${to}`);
    expect(eventsIn(between).map((e) => e.id)).toEqual([
      logged[4]!.id,
      logged[3]!.id,
      logged[2]!.id,
    ]);
    const offset = new Date(now - 2 * DAY).toISOString().replace('Z', '+00:00');
    expect(
      (await fx.api.get(`/events?from=${encodeURIComponent(offset)}`)).body.events,
    ).toHaveLength(3);
    const day = dayOf(now - 3 * DAY);
    const onThatDay = await fx.api.get(`/events?from=${day}&to=${day}`);
    expect(eventsIn(onThatDay).map((e) => e.id)).toEqual(
      logged
        .filter((e) => e.timestamp.startsWith(day))
        .map((e) => e.id)
        .reverse(),
    );
    expect(onThatDay.body.events.length).toBeGreaterThan(0);
  });

  it('pages on the server: limit, offset and hasMore, pages capped at 100', async () => {
    const fx = createAdminFixture();
    await seed(
      fx,
      Array.from({ length: 130 }, (_, i) => ({
        event: 'app.report.exported',
        data: { n: i },
        ago: (130 - i) * 1000,
      })),
    );
    const first = await fx.api.get('/events?limit=50');
    expect(first.body).toMatchObject({ limit: 50, offset: 0, hasMore: true });
    expect(first.body.events[0].data).toEqual({ n: 129 });
    const last = await fx.api.get('/events?limit=50&offset=100');
    expect(last.body).toMatchObject({ offset: 100, hasMore: false });
    expect(last.body.events).toHaveLength(30);
    expect(last.body.events[29].data).toEqual({ n: 0 });
    const big = await fx.api.get('/events?limit=1000');
    expect(big.body).toMatchObject({ limit: 100, hasMore: true });
    expect(big.body.events).toHaveLength(100);
  });

  it.each([
    ['a date that is not one', 'from=yesterday', 'from'],
    ['a date without a zone', 'to=2025-01-01T10:00:00', 'to'],
    ['from after to', 'from=2025-02-01&to=2025-01-01', 'from'],
    ['an event name with spaces', 'event=user%20created', 'event'],
    ['a star inside a name', 'event=identity.*.created', 'event'],
    ['a user id over 200 characters', `userId=${'u'.repeat(201)}`, 'userId'],
  ])('refuses %s with 400 INVALID_INPUT naming the parameter', async (_, query, field) => {
    const fx = createAdminFixture();
    const res = await fx.api.get(`/events?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
    expect(res.body.details[0].field).toBe(field);
  });

  it('refuses a repeated parameter and a bad page', async () => {
    const fx = createAdminFixture();
    for (const query of ['event=a&event=b', 'tenantId=a&tenantId=b', 'limit=0', 'offset=-1']) {
      const res = await fx.api.get(`/events?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_INPUT');
    }
  });
});

describe('admin API: the overview', () => {
  it('counts each metric per UTC day over the window, zero-filled, with totals', async () => {
    const fx = createAdminFixture();
    const now = Date.now();
    const at = (ago: number, event: string, extra: Partial<Seed> = {}): Seed => ({
      event,
      ago,
      ...extra,
    });
    await seed(
      fx,
      [
        // Outside a 7-day window: not counted.
        at(8 * DAY, AuthEventNames.AUTH_LOGIN_SUCCESS),
        at(6 * DAY, AuthEventNames.USER_CREATED),
        at(6 * DAY, AuthEventNames.AUTH_LOGIN_SUCCESS),
        at(3 * DAY, AuthEventNames.AUTH_LOGIN_FAILED),
        at(3 * DAY, AuthEventNames.AUTH_LOGIN_FAILED),
        at(3 * DAY, AuthEventNames.WEBHOOK_DELIVERY_FAILED),
        at(3 * DAY, AuthEventNames.WEBHOOK_DELIVERY_DEAD),
        at(DAY, AuthEventNames.USER_2FA_ENABLED),
        at(60_000, AuthEventNames.AUTH_LOGIN_SUCCESS, { tenantId: 'acme' }),
        at(30_000, AuthEventNames.AUTH_LOGIN_SUCCESS),
        at(20_000, AuthEventNames.WEBHOOK_DELIVERY_SUCCEEDED),
        // Not a metric.
        at(10_000, AuthEventNames.SESSION_CREATED),
      ],
      now,
    );
    const res = await fx.api.get('/overview?days=7');
    expect(res.status).toBe(200);
    const dates = Array.from({ length: 7 }, (_, i) => dayOf(now - (6 - i) * DAY));
    expect(res.body).toMatchObject({
      days: 7,
      from: dates[0],
      to: dates[6],
      tenantId: null,
      dates,
    });
    const counts = Object.fromEntries(
      (res.body.metrics as Array<{ key: string; counts: number[] }>).map((m) => [m.key, m.counts]),
    );
    expect(counts).toEqual({
      loginSucceeded: [1, 0, 0, 0, 0, 0, 2],
      loginFailed: [0, 0, 0, 2, 0, 0, 0],
      usersCreated: [1, 0, 0, 0, 0, 0, 0],
      twoFactorEnabled: [0, 0, 0, 0, 0, 1, 0],
      webhookSucceeded: [0, 0, 0, 0, 0, 0, 1],
      webhookFailed: [0, 0, 0, 1, 0, 0, 0],
      webhookDead: [0, 0, 0, 1, 0, 0, 0],
    });
    expect(res.body.metrics[0]).toEqual({
      key: 'loginSucceeded',
      event: 'identity.auth.login.success',
      counts: [1, 0, 0, 0, 0, 0, 2],
      total: 3,
    });
    expect(res.body.totals).toEqual({
      loginSucceeded: 3,
      loginFailed: 2,
      usersCreated: 1,
      twoFactorEnabled: 1,
      webhookSucceeded: 1,
      webhookFailed: 1,
      webhookDead: 1,
    });

    const acme = await fx.api.get('/overview?days=7&tenantId=acme');
    expect(acme.body.tenantId).toBe('acme');
    expect(acme.body.totals.loginSucceeded).toBe(1);
    expect(acme.body.totals.loginFailed).toBe(0);
  });

  it('covers 14 days by default and 1 to 90 on request, all zeros on an empty log', async () => {
    const fx = createAdminFixture();
    const res = await fx.api.get('/overview');
    expect(res.body.days).toBe(14);
    expect(res.body.dates).toHaveLength(14);
    expect(res.body.dates[13]).toBe(dayOf(Date.now()));
    for (const metric of res.body.metrics) {
      expect(metric.counts).toEqual(Array(14).fill(0));
      expect(metric.total).toBe(0);
    }
    expect((await fx.api.get('/overview?days=1')).body.dates).toEqual([dayOf(Date.now())]);
    expect((await fx.api.get('/overview?days=90')).body.dates).toHaveLength(90);
    for (const days of ['0', '91', 'abc', '1e1', '-3']) {
      const bad = await fx.api.get(`/overview?days=${days}`);
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('days');
    }
  });
});

describe('admin API: event log access', () => {
  it('needs the admin secret', async () => {
    const fx = createAdminFixture();
    await seed(fx, SEEDED);
    for (const path of ['/admin/api/events', '/admin/api/overview']) {
      const res = await request(fx.app).get(path);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('identity.');
    }
  });

  it('answers 404 FEATURE_NOT_ENABLED without an event log, and turns the tabs off', async () => {
    const fx = createAdminFixture({ eventLog: undefined });
    for (const path of ['/events', '/overview']) {
      const res = await fx.api.get(path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'FEATURE_NOT_ENABLED', feature: 'event log' });
    }
    expect((await fx.api.get('/ping')).body.features.events).toBe(false);
  });
});
