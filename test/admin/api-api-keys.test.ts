import express from 'express';
import request from 'supertest';
import {
  API_KEY_PATTERN,
  ApiKeyService,
  AuthConfigError,
  AuthEventBus,
  AuthEventNames,
  InMemoryApiKeyStore,
  InMemoryUserStore,
  createAdminRouter,
  createApiKeyMiddleware,
  type ApiKeyMiddlewareOptions,
  type AuthEventPayload,
  type IApiKeyStore,
} from 'keyward';
import { ADMIN_SECRET, createAdminFixture, type AdminFixture } from './api-setup';

const DAY = 86_400_000;
const PEPPER = 'the-apps-api-key-pepper-0123456789abcdef';

/** Every field of a key as the admin API shows it; `keyHash` is not one of them. */
const ADMIN_KEY_FIELDS = [
  'allowedIps',
  'createdAt',
  'expiresAt',
  'id',
  'isActive',
  'keyPrefix',
  'lastUsedAt',
  'name',
  'scopes',
  'serviceId',
  'status',
  'userId',
].sort();

/**
 * The app's own API beside the admin router: one route guarded by keys from the store the
 * admin manages, with the audit log on, as an application would mount it.
 */
function mountService(fx: AdminFixture, options: ApiKeyMiddlewareOptions = {}) {
  fx.app.get(
    '/service/reports',
    createApiKeyMiddleware(fx.apiKeyStore, { auditLog: true, ...options }),
    (req, res) => {
      res.json({ apiKey: req.apiKey });
    },
  );
  return (rawKey: string, query = '') =>
    request(fx.app).get(`/service/reports${query}`).set('X-Api-Key', rawKey);
}

/** Retries `check` until it passes: audit entries are written just after the answer is sent. */
async function eventually(check: () => Promise<void>, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The stored hashes of every key: none may appear in any answer. */
async function storedHashes(store: InMemoryApiKeyStore): Promise<string[]> {
  return (await store.listKeys({ limit: 1000 })).map((k) => k.keyHash);
}

function expectNoHash(body: unknown, hashes: string[]): void {
  const text = JSON.stringify(body);
  expect(text).not.toContain('keyHash');
  for (const hash of hashes) expect(text).not.toContain(hash);
}

/** A store with the five required methods only: no listing, no usage log, no hard delete. */
function minimalStore(inner: InMemoryApiKeyStore): IApiKeyStore {
  return {
    save: (key) => inner.save(key),
    findByPrefix: (prefix) => inner.findByPrefix(prefix),
    findById: (id) => inner.findById(id),
    revoke: (id) => inner.revoke(id),
    updateLastUsed: (id, at) => inner.updateLastUsed(id, at),
  };
}

describe('admin API: API keys', () => {
  const fx = createAdminFixture();
  const callService = mountService(fx);
  const createKey = (body: Record<string, unknown>) => fx.api.post('/api-keys').send(body);

  it('refuses every API key endpoint without the admin secret (401)', async () => {
    const { body } = await createKey({ name: 'guarded' });
    const id = body.apiKey.id as string;
    const calls = [
      request(fx.app).get('/admin/api/api-keys'),
      request(fx.app).post('/admin/api/api-keys').send({ name: 'sneaky' }),
      request(fx.app).delete(`/admin/api/api-keys/${id}/revoke`),
      request(fx.app).delete(`/admin/api/api-keys/${id}`),
      request(fx.app).get(`/admin/api/api-keys/${id}/usage`),
      request(fx.app).get('/admin/api/api-keys').set('Authorization', 'Bearer not-the-secret'),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('ADMIN_UNAUTHORIZED');
      expect(res.text).not.toContain('sneaky');
    }
    const stored = await fx.apiKeyStore.findById(id);
    expect(stored).toMatchObject({ isActive: true });
    expect((await fx.apiKeyStore.listKeys({ filter: 'sneaky' })).length).toBe(0);
  });

  it('reports the API key features in ping', async () => {
    const res = await fx.api.get('/ping');
    expect(res.body.features).toMatchObject({ apiKeys: true, apiKeyUsage: true });
  });

  it('creates a key: 201 with the raw key once, the record without its hash, and the key works', async () => {
    const expiresAt = new Date(Date.now() + 30 * DAY).toISOString();
    const res = await createKey({
      name: 'nightly export',
      serviceId: 'svc-export',
      scopes: ['reports:read', 'reports:read', 'exports:write'],
      allowedIps: ['127.0.0.1', '::1', '10.0.0.0/8'],
      expiresAt,
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['apiKey', 'rawKey']);
    const { rawKey, apiKey } = res.body as { rawKey: string; apiKey: Record<string, unknown> };
    expect(rawKey).toMatch(API_KEY_PATTERN);
    expect(Object.keys(apiKey).sort()).toEqual(ADMIN_KEY_FIELDS);
    expect(apiKey).toEqual({
      id: expect.any(String),
      name: 'nightly export',
      keyPrefix: rawKey.slice(0, 11),
      serviceId: 'svc-export',
      scopes: ['reports:read', 'exports:write'],
      allowedIps: ['127.0.0.1', '::1', '10.0.0.0/8'],
      isActive: true,
      status: 'active',
      expiresAt,
      lastUsedAt: null,
      createdAt: expect.any(String),
      userId: null,
    });

    // Only the hash is stored; it never leaves the server.
    const stored = await fx.apiKeyStore.findById(apiKey.id as string);
    expect(stored!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.keyHash).not.toContain(rawKey);
    expectNoHash(res.body, [stored!.keyHash]);

    // The raw key is in this answer only: the listing shows the prefix, never the key.
    const list = await fx.api.get('/api-keys');
    expect(list.text).not.toContain(rawKey);
    expect(list.text).toContain(rawKey.slice(0, 11));

    const used = await callService(rawKey);
    expect(used.status).toBe(200);
    expect(used.body.apiKey).toMatchObject({
      keyId: apiKey.id,
      name: 'nightly export',
      serviceId: 'svc-export',
      scopes: ['reports:read', 'exports:write'],
    });
  });

  it('publishes identity.apikey.created with the admin as the actor, never the key', async () => {
    const before = fx.eventsNamed(AuthEventNames.APIKEY_CREATED).length;
    const { body } = await createKey({ name: 'event-check', serviceId: 'svc-events' });
    const events = fx.eventsNamed(AuthEventNames.APIKEY_CREATED);
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({
      data: {
        actor: 'admin-secret',
        keyId: body.apiKey.id,
        keyPrefix: body.apiKey.keyPrefix,
        name: 'event-check',
        serviceId: 'svc-events',
      },
    });
    expect(JSON.stringify(events.at(-1))).not.toContain(body.rawKey);
  });

  it('revokes a key: the next request with it is refused with API_KEY_REVOKED', async () => {
    const { body } = await createKey({ name: 'to-revoke' });
    const { rawKey } = body as { rawKey: string };
    const id = body.apiKey.id as string;
    expect((await callService(rawKey)).status).toBe(200);

    const res = await fx.api.delete(`/api-keys/${id}/revoke`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      apiKey: expect.objectContaining({ id, isActive: false, status: 'revoked' }),
    });
    expect(Object.keys(res.body.apiKey).sort()).toEqual(ADMIN_KEY_FIELDS);
    expectNoHash(res.body, await storedHashes(fx.apiKeyStore));

    const refused = await callService(rawKey);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: expect.any(String), code: 'API_KEY_REVOKED' });

    expect(fx.eventsNamed(AuthEventNames.APIKEY_REVOKED).at(-1)).toMatchObject({
      data: { actor: 'admin-secret', keyId: id, name: 'to-revoke' },
    });
    // Still listed, as revoked, with its usage log.
    const listed = await fx.api.get('/api-keys?filter=to-revoke');
    expect(listed.body.apiKeys).toEqual([expect.objectContaining({ id, status: 'revoked' })]);
  });

  it('deletes a key for good: gone from the store and the listing, refused as unknown', async () => {
    const { body } = await createKey({ name: 'to-delete' });
    const { rawKey } = body as { rawKey: string };
    const id = body.apiKey.id as string;
    expect((await callService(rawKey)).status).toBe(200);

    const res = await fx.api.delete(`/api-keys/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, action: 'deleted' });
    await expect(fx.apiKeyStore.findById(id)).resolves.toBeNull();
    expect((await fx.api.get('/api-keys?filter=to-delete')).body.apiKeys).toEqual([]);

    const refused = await callService(rawKey);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('API_KEY_INVALID');
    expect(fx.eventsNamed(AuthEventNames.APIKEY_DELETED).at(-1)).toMatchObject({
      data: { actor: 'admin-secret', keyId: id, keyPrefix: body.apiKey.keyPrefix },
    });

    // A second delete, and anything else on the id, finds nothing.
    for (const again of [
      await fx.api.delete(`/api-keys/${id}`),
      await fx.api.delete(`/api-keys/${id}/revoke`),
      await fx.api.get(`/api-keys/${id}/usage`),
    ]) {
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ error: expect.any(String), code: 'API_KEY_NOT_FOUND' });
    }
  });

  it('answers 404 API_KEY_NOT_FOUND for ids that name no key', async () => {
    const before = fx.events.length;
    for (const id of ['no-such-key', '00000000-0000-4000-8000-000000000000', 'a%2Fb', '%00']) {
      for (const res of [
        await fx.api.delete(`/api-keys/${id}/revoke`),
        await fx.api.delete(`/api-keys/${id}`),
        await fx.api.get(`/api-keys/${id}/usage`),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: expect.any(String), code: 'API_KEY_NOT_FOUND' });
      }
    }
    expect(fx.events.length).toBe(before);
  });

  it('records the usage log of audited requests, newest first, paged', async () => {
    const { body } = await createKey({ name: 'audited', scopes: ['reports:read'] });
    const { rawKey } = body as { rawKey: string };
    const id = body.apiKey.id as string;
    expect((await callService(rawKey, '?since=yesterday&token=not-for-logs')).status).toBe(200);
    expect((await callService(rawKey)).status).toBe(200);
    await fx.api.delete(`/api-keys/${id}/revoke`);
    expect((await callService(rawKey)).status).toBe(401);

    let page!: request.Response;
    await eventually(async () => {
      page = await fx.api.get(`/api-keys/${id}/usage`);
      expect(page.body.entries).toHaveLength(3);
    });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ limit: 20, offset: 0, hasMore: false });
    const [refused, second, first] = page.body.entries as Array<Record<string, unknown>>;
    expect(refused).toEqual({
      at: expect.any(String),
      success: false,
      reason: 'API_KEY_REVOKED',
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      method: 'GET',
      path: '/service/reports',
      keyPrefix: rawKey.slice(0, 11),
    });
    expect(second).toMatchObject({ success: true, reason: null, path: '/service/reports' });
    // The query string (which may carry secrets) is not recorded.
    expect(first).toMatchObject({ success: true, path: '/service/reports' });
    expect(page.text).not.toContain('not-for-logs');
    expect(page.text).not.toContain(rawKey);
    expect(Date.parse(refused!.at as string)).toBeGreaterThanOrEqual(
      Date.parse(first!.at as string),
    );

    const firstTwo = await fx.api.get(`/api-keys/${id}/usage?limit=2`);
    expect(firstTwo.body).toMatchObject({ limit: 2, offset: 0, hasMore: true });
    expect(firstTwo.body.entries).toEqual([refused, second]);
    const last = await fx.api.get(`/api-keys/${id}/usage?limit=2&offset=2`);
    expect(last.body).toMatchObject({ limit: 2, offset: 2, hasMore: false });
    expect(last.body.entries).toEqual([first]);

    // lastUsedAt is shown once the middleware has written it.
    const listed = await fx.api.get('/api-keys?filter=audited');
    expect(listed.body.apiKeys[0].lastUsedAt).toEqual(expect.any(String));
  });

  it('refuses bad paging on the listing and the usage log with 400 INVALID_INPUT', async () => {
    const { body } = await createKey({ name: 'paging-input' });
    for (const path of [
      '/api-keys?limit=abc',
      '/api-keys?offset=-1',
      '/api-keys?limit=0',
      '/api-keys?filter=a&filter=b',
      `/api-keys?filter=${'x'.repeat(201)}`,
      `/api-keys/${body.apiKey.id}/usage?limit=1e3`,
      `/api-keys/${body.apiKey.id}/usage?offset=2.5`,
    ]) {
      const res = await fx.api.get(path);
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 400,
        code: 'INVALID_INPUT',
      });
    }
  });

  it('shows expired keys as expired', async () => {
    await fx.apiKeyStore.save({
      id: 'expired-key',
      name: 'expired one',
      keyPrefix: 'ak_00000000',
      keyHash: 'e'.repeat(64),
      scopes: [],
      isActive: true,
      expiresAt: new Date(Date.now() - DAY),
      createdAt: new Date(Date.now() - 2 * DAY),
    });
    const res = await fx.api.get('/api-keys?filter=expired one');
    expect(res.body.apiKeys).toEqual([
      expect.objectContaining({ id: 'expired-key', isActive: true, status: 'expired' }),
    ]);
    expect(res.text).not.toContain('e'.repeat(64));
  });
});

describe('admin API: creating API keys with bad input', () => {
  const fx = createAdminFixture();
  const future = new Date(Date.now() + DAY).toISOString();

  const bad: Array<[string, unknown]> = [
    ['no body', undefined],
    ['no name', { scopes: ['a'] }],
    ['an empty name', { name: '   ' }],
    ['a name over 100 characters', { name: 'n'.repeat(101) }],
    ['a name that is not a string', { name: 42 }],
    ['a null name', { name: null }],
    ['a service id that is not a string', { name: 'k', serviceId: 7 }],
    ['scopes as a string', { name: 'k', scopes: 'a,b' }],
    ['a scope with a space', { name: 'k', scopes: ['reports read'] }],
    ['an empty scope', { name: 'k', scopes: [''] }],
    ['51 scopes', { name: 'k', scopes: Array.from({ length: 51 }, (_, i) => `s${i}`) }],
    ['allowed IPs as a string', { name: 'k', allowedIps: '10.0.0.1' }],
    ['an address that is not one', { name: 'k', allowedIps: ['not-an-ip'] }],
    ['a CIDR with too many bits', { name: 'k', allowedIps: ['10.0.0.0/33'] }],
    ['an IPv6 CIDR with too many bits', { name: 'k', allowedIps: ['2001:db8::/129'] }],
    ['an expiry in the past', { name: 'k', expiresAt: new Date(Date.now() - DAY).toISOString() }],
    ['an expiry that is not a date', { name: 'k', expiresAt: 'next tuesday' }],
    ['an expiry as a number', { name: 'k', expiresAt: Date.now() + DAY }],
    ['a body that is an array', [{ name: 'k' }]],
    ['a prototype key', JSON.parse('{"name":"k","__proto__":{"isActive":false}}')],
  ];

  it.each(bad)('answers 400 INVALID_INPUT for %s and saves nothing', async (_what, body) => {
    const req = fx.api.post('/api-keys');
    const res = await (body === undefined ? req : req.send(body as object));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: expect.any(String),
      code: 'INVALID_INPUT',
      ...(res.body.details ? { details: expect.any(Array) } : {}),
    });
    await expect(fx.apiKeyStore.listKeys()).resolves.toEqual([]);
    expect(fx.eventsNamed(AuthEventNames.APIKEY_CREATED)).toEqual([]);
  });

  it('names the fields at fault', async () => {
    const res = await fx.api
      .post('/api-keys')
      .send({ name: 'k', allowedIps: ['10.0.0.1', '300.1.1.1'], expiresAt: '2001-01-01' });
    expect(res.status).toBe(400);
    const fields = (res.body.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(['allowedIps', 'expiresAt']);
  });

  it('answers 400 INVALID_JSON for a body that is not a JSON object or array', async () => {
    for (const text of ['{"name": ', '"name=k"', '42']) {
      const res = await fx.api.post('/api-keys').set('Content-Type', 'application/json').send(text);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_JSON');
    }
    await expect(fx.apiKeyStore.listKeys()).resolves.toEqual([]);
  });

  it('ignores fields an administrator may not set (hash, state, owner, id)', async () => {
    const res = await fx.api.post('/api-keys').send({
      name: 'plain',
      expiresAt: future,
      id: 'chosen-id',
      keyHash: 'f'.repeat(64),
      keyPrefix: 'ak_ffffffff',
      isActive: false,
      userId: 'someone-else',
      lastUsedAt: future,
    });
    expect(res.status).toBe(201);
    expect(res.body.apiKey).toMatchObject({
      name: 'plain',
      isActive: true,
      status: 'active',
      userId: null,
      lastUsedAt: null,
    });
    expect(res.body.apiKey.id).not.toBe('chosen-id');
    expect(res.body.apiKey.keyPrefix).toBe((res.body.rawKey as string).slice(0, 11));
    const stored = await fx.apiKeyStore.findById(res.body.apiKey.id as string);
    expect(stored!.keyHash).not.toBe('f'.repeat(64));
  });
});

describe('admin API: listing API keys', () => {
  const fx = createAdminFixture();

  beforeAll(async () => {
    // Created one after the other, so the newest-first order is known.
    for (let i = 0; i < 7; i++) {
      await fx.api
        .post('/api-keys')
        .send({ name: `key-${i}`, serviceId: i % 2 === 0 ? 'svc-even' : 'svc-odd' })
        .expect(201);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  });

  it('pages with limit and offset, newest first, and says when more follow', async () => {
    const first = await fx.api.get('/api-keys?limit=3');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ limit: 3, offset: 0, hasMore: true });
    const second = await fx.api.get('/api-keys?limit=3&offset=3');
    expect(second.body).toMatchObject({ limit: 3, offset: 3, hasMore: true });
    const third = await fx.api.get('/api-keys?limit=3&offset=6');
    expect(third.body).toMatchObject({ limit: 3, offset: 6, hasMore: false });
    const names = [first, second, third].flatMap((r) =>
      (r.body.apiKeys as Array<{ name: string }>).map((k) => k.name),
    );
    expect(names).toEqual(['key-6', 'key-5', 'key-4', 'key-3', 'key-2', 'key-1', 'key-0']);
    for (const page of [first, second, third]) {
      for (const key of page.body.apiKeys as object[]) {
        expect(Object.keys(key).sort()).toEqual(ADMIN_KEY_FIELDS);
      }
      expectNoHash(page.body, await storedHashes(fx.apiKeyStore));
    }
  });

  it('serves 20 a page by default and at most 100', async () => {
    expect((await fx.api.get('/api-keys')).body).toMatchObject({ limit: 20, hasMore: false });
    expect((await fx.api.get('/api-keys?limit=5000')).body.limit).toBe(100);
  });

  it('filters by name, service id or prefix in the store', async () => {
    const byService = await fx.api.get('/api-keys?filter=svc-odd');
    expect((byService.body.apiKeys as Array<{ name: string }>).map((k) => k.name)).toEqual([
      'key-5',
      'key-3',
      'key-1',
    ]);
    const byName = await fx.api.get('/api-keys?filter=KEY-4');
    expect(byName.body.apiKeys).toHaveLength(1);
    const prefix = byName.body.apiKeys[0].keyPrefix as string;
    const byPrefix = await fx.api.get(`/api-keys?filter=${prefix}`);
    expect((byPrefix.body.apiKeys as Array<{ name: string }>).map((k) => k.name)).toEqual([
      'key-4',
    ]);
    const none = await fx.api.get('/api-keys?filter=nothing-like-it');
    expect(none.body).toEqual({ apiKeys: [], limit: 20, offset: 0, hasMore: false });
  });
});

describe('admin API: API keys and the app', () => {
  it("hashes keys with the app's pepper when given the app's ApiKeyService", async () => {
    const appEvents: AuthEventPayload[] = [];
    const appBus = new AuthEventBus();
    appBus.onEvent('*', (e) => {
      appEvents.push(e);
    });
    const fx = createAdminFixture({
      apiKeyService: new ApiKeyService({ pepper: PEPPER, eventBus: appBus }),
    });
    const peppered = mountService(fx, { pepper: PEPPER });
    const unpeppered = express();
    unpeppered.get('/plain', createApiKeyMiddleware(fx.apiKeyStore), (_req, res) => {
      res.json({ ok: true });
    });

    const { body } = await fx.api.post('/api-keys').send({ name: 'peppered' }).expect(201);
    expect((await peppered(body.rawKey as string)).status).toBe(200);
    const refused = await request(unpeppered)
      .get('/plain')
      .set('X-Api-Key', body.rawKey as string);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('API_KEY_INVALID');
    // The service publishes on the bus it was built with, still naming the admin.
    expect(appEvents.map((e) => [e.event, e.data?.actor])).toEqual([
      [AuthEventNames.APIKEY_CREATED, 'admin-secret'],
    ]);
  });

  it('names the actor the authorize hook returned', async () => {
    const fx = createAdminFixture({ adminSecret: undefined, authorize: () => 'alice@ops' });
    const { body } = await fx.api.post('/api-keys').send({ name: 'by-alice' }).expect(201);
    await fx.api.delete(`/api-keys/${body.apiKey.id}/revoke`).expect(200);
    await fx.api.delete(`/api-keys/${body.apiKey.id}`).expect(200);
    const actors = fx.events
      .filter((e) => e.event.startsWith('identity.apikey.'))
      .map((e) => [e.event, e.data?.actor]);
    expect(actors).toEqual([
      [AuthEventNames.APIKEY_CREATED, 'alice@ops'],
      [AuthEventNames.APIKEY_REVOKED, 'alice@ops'],
      [AuthEventNames.APIKEY_DELETED, 'alice@ops'],
    ]);
  });

  it('refuses apiKeyService without apiKeyStore at setup', () => {
    expect(() =>
      createAdminRouter(new InMemoryUserStore(), {
        adminSecret: ADMIN_SECRET,
        apiKeyService: new ApiKeyService(),
      }),
    ).toThrow(AuthConfigError);
  });
});

describe('admin API: API key stores with fewer methods', () => {
  it('answers 404 FEATURE_NOT_ENABLED without an API key store', async () => {
    const fx = createAdminFixture({ apiKeyStore: undefined });
    expect((await fx.api.get('/ping')).body.features).toMatchObject({
      apiKeys: false,
      apiKeyUsage: false,
    });
    for (const res of [
      await fx.api.get('/api-keys'),
      await fx.api.post('/api-keys').send({ name: 'k' }),
      await fx.api.delete('/api-keys/x/revoke'),
      await fx.api.delete('/api-keys/x'),
      await fx.api.get('/api-keys/x/usage'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('FEATURE_NOT_ENABLED');
    }
  });

  it('revokes instead of deleting when the store has no delete, and says so', async () => {
    const inner = new InMemoryApiKeyStore();
    const fx = createAdminFixture({ apiKeyStore: minimalStore(inner) });
    const service = mountService({ ...fx, apiKeyStore: inner });
    const { body } = await fx.api.post('/api-keys').send({ name: 'kept' }).expect(201);
    expect((await service(body.rawKey as string)).status).toBe(200);

    const res = await fx.api.delete(`/api-keys/${body.apiKey.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, action: 'revoked' });
    await expect(inner.findById(body.apiKey.id as string)).resolves.toMatchObject({
      isActive: false,
    });
    const refused = await service(body.rawKey as string);
    expect(refused.body.code).toBe('API_KEY_REVOKED');
    expect(fx.eventsNamed(AuthEventNames.APIKEY_DELETED)).toEqual([]);
    expect(fx.eventsNamed(AuthEventNames.APIKEY_REVOKED)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ actor: 'admin-secret' }) }),
    ]);
  });

  it('creates and revokes but neither lists nor shows usage when the store cannot', async () => {
    const fx = createAdminFixture({ apiKeyStore: minimalStore(new InMemoryApiKeyStore()) });
    expect((await fx.api.get('/ping')).body.features).toMatchObject({
      apiKeys: false,
      apiKeyUsage: false,
    });
    const { body } = await fx.api.post('/api-keys').send({ name: 'unlisted' }).expect(201);
    for (const res of [
      await fx.api.get('/api-keys'),
      await fx.api.get(`/api-keys/${body.apiKey.id}/usage`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('FEATURE_NOT_ENABLED');
    }
    await fx.api.delete(`/api-keys/${body.apiKey.id}/revoke`).expect(200);
  });
});
