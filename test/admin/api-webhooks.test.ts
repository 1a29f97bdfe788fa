import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import {
  AuthConfigError,
  AuthEventNames,
  InMemoryUserStore,
  createAdminRouter,
  type AdminRouterOptions,
} from 'keyward';
import { ADMIN_SECRET, createAdminFixture } from './api-setup';
import { PUBLIC_URL, WEBHOOK_FIELDS, idsIn, register, seedDeliveries } from './webhook-seed';

describe('admin API: registering webhooks', () => {
  it('generates a signing secret, answers it once and masks it everywhere else', async () => {
    const fx = createAdminFixture();
    const created = await register(fx, {
      events: ['identity.user.*', 'identity.auth.login.success'],
    });
    const secret = created.secret!;
    // Standard Webhooks format: 32 random bytes in standard base64, which receivers decode.
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    const signer = new Webhook(secret);
    const at = new Date();
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signer.sign('msg_1', at, '{"a":1}'),
    };
    expect(new Webhook(secret).verify('{"a":1}', headers)).toEqual({ a: 1 });

    const { webhook } = created;
    expect(Object.keys(webhook).sort()).toEqual(WEBHOOK_FIELDS);
    expect(webhook).toMatchObject({
      id: expect.stringMatching(/^wh_[0-9a-f]{24}$/),
      url: PUBLIC_URL,
      events: ['identity.user.*', 'identity.auth.login.success'],
      tenantId: null,
      isActive: true,
      secret: '***',
      hasSecret: true,
      maxRetries: null,
      retryDelayMs: null,
    });
    await expect(fx.webhookStore.findById(webhook.id)).resolves.toMatchObject({ secret });

    const listed = await fx.api.get('/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body.webhooks).toEqual([{ ...webhook }]);
    const patched = await fx.api.patch(`/webhooks/${webhook.id}`).send({ isActive: false });
    for (const text of [listed.text, patched.text, JSON.stringify(fx.events)]) {
      expect(text).not.toContain(secret.slice(6));
    }
    const [event] = fx.eventsNamed(AuthEventNames.ADMIN_WEBHOOK_CREATED);
    expect(event).toMatchObject({
      ip: expect.any(String),
      data: {
        actor: 'admin-secret',
        webhookId: webhook.id,
        url: 'https://93.184.215.14',
        events: ['identity.user.*', 'identity.auth.login.success'],
      },
    });
  });

  it('keeps a secret the administrator gives, without ever answering it', async () => {
    const fx = createAdminFixture();
    const own = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const created = await register(fx, { secret: own });
    expect(created).not.toHaveProperty('secret');
    expect(created.webhook.secret).toBe('***');
    await expect(fx.webhookStore.findById(created.webhook.id)).resolves.toMatchObject({
      secret: own,
    });
  });

  it('fills defaults (every event, active, every tenant) and stores every field given', async () => {
    const fx = createAdminFixture();
    const plain = (await register(fx)).webhook;
    expect(plain).toMatchObject({ events: ['*'], isActive: true, tenantId: null });
    const full = await register(fx, {
      url: 'https://93.184.215.14:8443/in?source=keyward',
      events: ['identity.auth.*', 'identity.auth.*'],
      tenantId: 't1',
      isActive: false,
      maxRetries: 5,
      retryDelayMs: 2_000,
      id: 'wh_chosen',
    });
    expect(full.webhook).toMatchObject({
      url: 'https://93.184.215.14:8443/in?source=keyward',
      events: ['identity.auth.*'],
      tenantId: 't1',
      isActive: false,
      maxRetries: 5,
      retryDelayMs: 2_000,
    });
    expect(full.webhook.id).not.toBe('wh_chosen');
    // The delivery side sees the registrations as made: inactive ones receive nothing.
    const store = fx.webhookStore;
    await expect(store.findByEvent('identity.auth.login.success', 't1')).resolves.toEqual([
      expect.objectContaining({ id: plain.id }),
    ]);
    await store.update(full.webhook.id, { isActive: true });
    const found = await store.findByEvent('identity.auth.login.success', 't1');
    expect(found.map((h) => h.id).sort()).toEqual([plain.id, full.webhook.id].sort());
    await expect(store.findByEvent('identity.auth.login.success', 't2')).resolves.toHaveLength(1);
  });

  it('lists webhooks newest first, paged with hasMore', async () => {
    const fx = createAdminFixture();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await register(fx)).webhook.id);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const first = await fx.api.get('/webhooks?limit=2');
    expect(first.body).toMatchObject({ limit: 2, offset: 0, hasMore: true });
    expect(idsIn(first.body.webhooks)).toEqual([ids[2], ids[1]]);
    const second = await fx.api.get('/webhooks?limit=2&offset=2');
    expect(second.body).toMatchObject({ limit: 2, offset: 2, hasMore: false });
    expect(idsIn(second.body.webhooks)).toEqual([ids[0]]);
    expect((await fx.api.get('/webhooks?limit=abc')).status).toBe(400);
  });

  it.each([
    ['no url', {}, 'url'],
    ['a url that is not text', { url: 42 }, 'url'],
    ['a url over 2048 characters', { url: `${PUBLIC_URL}/${'a'.repeat(2048)}` }, 'url'],
    ['no events', { url: PUBLIC_URL, events: [] }, 'events'],
    ['events as a string', { url: PUBLIC_URL, events: '*' }, 'events'],
    ['a malformed event pattern', { url: PUBLIC_URL, events: ['identity.*.x'] }, 'events.0'],
    ['an event with spaces', { url: PUBLIC_URL, events: ['user created'] }, 'events.0'],
    [
      '51 events',
      { url: PUBLIC_URL, events: Array.from({ length: 51 }, (_, i) => `e${i}`) },
      'events',
    ],
    ['a short secret', { url: PUBLIC_URL, secret: 'short' }, 'secret'],
    ['a secret with spaces', { url: PUBLIC_URL, secret: 'a secret with spaces in it' }, 'secret'],
    ['an empty tenant', { url: PUBLIC_URL, tenantId: '  ' }, 'tenantId'],
    ['isActive as text', { url: PUBLIC_URL, isActive: 'yes' }, 'isActive'],
    ['11 retries', { url: PUBLIC_URL, maxRetries: 11 }, 'maxRetries'],
    ['fractional retries', { url: PUBLIC_URL, maxRetries: 1.5 }, 'maxRetries'],
    ['a 50 ms retry delay', { url: PUBLIC_URL, retryDelayMs: 50 }, 'retryDelayMs'],
  ])('refuses %s with 400 INVALID_INPUT and registers nothing', async (_, body, field) => {
    const fx = createAdminFixture();
    const res = await fx.api.post('/webhooks').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
    expect((res.body.details as Array<{ field: string }>).map((d) => d.field)).toContain(field);
    await expect(fx.webhookStore.listAll()).resolves.toEqual([]);
    expect(fx.eventsNamed(AuthEventNames.ADMIN_WEBHOOK_CREATED)).toEqual([]);
  });

  it.each([
    ['another scheme', 'ftp://93.184.215.14/hook'],
    ['a relative URL', '/hooks/keyward'],
    ['credentials in the URL', 'https://user:pw@93.184.215.14/hook'],
  ])('refuses %s with 400 WEBHOOK_URL_REFUSED', async (_, url) => {
    const fx = createAdminFixture();
    const res = await fx.api.post('/webhooks').send({ url });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('WEBHOOK_URL_REFUSED');
    await expect(fx.webhookStore.listAll()).resolves.toEqual([]);
  });
});

/** Addresses a webhook must not be aimed at from a server: its own machine and network. */
const PRIVATE_URLS = [
  ['loopback', 'http://127.0.0.1/hook'],
  ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
  ['IPv6 loopback', 'http://[::1]/'],
  ['a name that resolves to loopback', 'http://localhost:8080/hook'],
  ['a private network', 'http://10.0.0.5/hook'],
  ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hook'],
  ['the unspecified address', 'http://0.0.0.0/hook'],
];

describe('admin API: webhook URLs and private networks', () => {
  it.each(PRIVATE_URLS)('refuses %s at registration', async (_, url) => {
    const fx = createAdminFixture();
    const res = await fx.api.post('/webhooks').send({ url });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.any(String), code: 'WEBHOOK_URL_REFUSED' });
    await expect(fx.webhookStore.listAll()).resolves.toEqual([]);
    expect(fx.eventsNamed(AuthEventNames.ADMIN_WEBHOOK_CREATED)).toEqual([]);
  });

  it('refuses a private URL in a change too, and leaves the webhook as it was', async () => {
    const fx = createAdminFixture();
    const { webhook } = await register(fx);
    for (const [, url] of PRIVATE_URLS) {
      const res = await fx.api.patch(`/webhooks/${webhook.id}`).send({ url, isActive: false });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('WEBHOOK_URL_REFUSED');
    }
    await expect(fx.webhookStore.findById(webhook.id)).resolves.toMatchObject({
      url: PUBLIC_URL,
      isActive: true,
    });
    expect(fx.eventsNamed(AuthEventNames.ADMIN_WEBHOOK_UPDATED)).toEqual([]);
  });

  it('accepts every one of them with allowPrivateNetworks: true', async () => {
    const fx = createAdminFixture({ allowPrivateNetworks: true });
    for (const [, url] of PRIVATE_URLS) {
      const res = await fx.api.post('/webhooks').send({ url });
      expect(res.status).toBe(201);
      expect(res.body.webhook.url).toBe(new URL(url!).href);
    }
    await expect(fx.webhookStore.listAll()).resolves.toHaveLength(PRIVATE_URLS.length);
    // The switch opens networks, not schemes.
    const ftp = await fx.api.post('/webhooks').send({ url: 'ftp://127.0.0.1/' });
    expect(ftp.body.code).toBe('WEBHOOK_URL_REFUSED');
  });
});

describe('admin API: webhook access and configuration', () => {
  it('refuses every webhook endpoint without the admin secret, changing nothing', async () => {
    const fx = createAdminFixture();
    const { webhook } = await register(fx);
    await seedDeliveries(fx, webhook.id, 'wh_other');
    const base = `/admin/api/webhooks/${webhook.id}`;
    const calls = [
      request(fx.app).get('/admin/api/webhooks'),
      request(fx.app).post('/admin/api/webhooks').send({ url: PUBLIC_URL }),
      request(fx.app).patch(base).send({ isActive: false }),
      request(fx.app).delete(base),
      request(fx.app).get(`${base}/deliveries`),
      request(fx.app).post(`${base}/deliveries/dl_${webhook.id}_2/replay`).send({}),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('ADMIN_UNAUTHORIZED');
    }
    await expect(fx.webhookStore.listAll()).resolves.toHaveLength(1);
    await expect(fx.webhookStore.findById(webhook.id)).resolves.toMatchObject({ isActive: true });
    await expect(fx.webhookStore.findDelivery(`dl_${webhook.id}_2`)).resolves.toMatchObject({
      status: 'dead',
    });
  });

  it('answers 404 FEATURE_NOT_ENABLED without a store, or for what the store cannot do', async () => {
    const none = createAdminFixture({ webhookStore: undefined });
    const res = await none.api.get('/webhooks');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'FEATURE_NOT_ENABLED', feature: 'webhooks' });
    expect((await none.api.get('/ping')).body.features).toMatchObject({
      webhooks: false,
      webhookDeliveries: false,
    });

    // A registry that only answers the dispatcher's question: no tab, no listing.
    const minimal = createAdminFixture({ webhookStore: { findByEvent: async () => [] } });
    expect((await minimal.api.get('/ping')).body.features.webhooks).toBe(false);
    const listing = await minimal.api.get('/webhooks');
    expect(listing.body).toMatchObject({ code: 'FEATURE_NOT_ENABLED', feature: 'webhook listing' });
    const adding = await minimal.api.post('/webhooks').send({ url: PUBLIC_URL });
    expect(adding.body).toMatchObject({ code: 'FEATURE_NOT_ENABLED' });
  });

  it('refuses at setup: a store that is none, a bad switch, the switch without a store', () => {
    const problemsOf = (options: Partial<AdminRouterOptions>) => {
      try {
        createAdminRouter(new InMemoryUserStore(), { adminSecret: ADMIN_SECRET, ...options });
      } catch (err) {
        if (err instanceof AuthConfigError) return err.problems;
        throw err;
      }
      return [];
    };
    const notAStore = {} as unknown as AdminRouterOptions['webhookStore'];
    expect(problemsOf({ webhookStore: notAStore })).toEqual([
      expect.stringContaining('webhookStore'),
    ]);
    const notALog = { query: async () => [] } as unknown as AdminRouterOptions['eventLog'];
    expect(problemsOf({ eventLog: notALog })).toEqual([expect.stringContaining('eventLog')]);
    expect(problemsOf({ allowPrivateNetworks: true })).toEqual([
      expect.stringContaining('needs webhookStore'),
    ]);
    const yes = 'yes' as unknown as boolean;
    expect(problemsOf({ allowPrivateNetworks: yes })).toEqual([
      expect.stringContaining('true or false'),
    ]);
  });
});
