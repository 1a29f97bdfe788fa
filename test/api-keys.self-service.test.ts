import { createHash, createHmac } from 'node:crypto';
import request from 'supertest';
import { InMemoryApiKeyStore, createAdminRouter } from 'keyward';
import { PASSWORD, appFactory, bearerLogin, cookieValue, type TestApp } from './helpers/app';
import { advanceClock, fakeDateOnly } from './helpers/clock';

const app = appFactory();
const PEPPER = 'pepper-for-tests-0123456789abcdef0123456789';

/** A test app with self-service keys, and /api/machine guarded by the configurator's middleware. */
function keysApp(options: { maxKeysPerUser?: number; reauthWindow?: string } = {}) {
  const apiKeyStore = new InMemoryApiKeyStore();
  const t = app({
    config: options.reauthWindow ? { reauthWindow: options.reauthWindow } : {},
    configurator: { apiKeyStore, apiKeys: { pepper: PEPPER } },
    router: {
      apiKeys: {
        selfService: true,
        allowedScopes: ['reports:read', 'reports:write'],
        ...(options.maxKeysPerUser && { maxKeysPerUser: options.maxKeysPerUser }),
      },
    },
  });
  t.app.get('/api/machine', t.auth.apiKeyMiddleware(), (req, res) => {
    res.json({ apiKey: req.apiKey });
  });
  return { t, apiKeyStore };
}

async function signedIn(t: TestApp) {
  const user = await t.createUser();
  const { accessToken } = await bearerLogin(t.app, user.email);
  return { user, auth: `Bearer ${accessToken}` };
}

describe('self-service API keys (apiKeys.selfService)', () => {
  const { t, apiKeyStore } = keysApp();

  it('needs a signed-in user', async () => {
    expect((await request(t.app).get('/auth/api-keys')).status).toBe(401);
    const res = await request(t.app).post('/auth/api-keys').send({ name: 'x' });
    expect(res.status).toBe(401);
  });

  it('creates a key owned by the user, shown once, hashed with the pepper, usable at once', async () => {
    const { user, auth } = await signedIn(t);
    const created = await request(t.app)
      .post('/auth/api-keys')
      .set('Authorization', auth)
      .send({ name: 'my script', scopes: ['reports:read'] });
    expect(created.status).toBe(201);
    const { rawKey, apiKey } = created.body as { rawKey: string; apiKey: Record<string, unknown> };
    expect(rawKey).toMatch(/^ak_[0-9a-f]{48}$/);
    expect(apiKey).toMatchObject({ name: 'my script', userId: user.id, scopes: ['reports:read'] });
    expect(apiKey).not.toHaveProperty('keyHash');
    expect(created.headers['cache-control']).toMatch(/no-store/);

    const stored = await apiKeyStore.findById(apiKey.id as string);
    expect(stored!.keyHash).toBe(createHmac('sha256', PEPPER).update(rawKey).digest('hex'));
    expect(stored!.keyHash).not.toBe(createHash('sha256').update(rawKey).digest('hex'));

    const used = await request(t.app).get('/api/machine').set('X-Api-Key', rawKey);
    expect(used.status).toBe(200);
    expect(used.body.apiKey).toMatchObject({ keyId: apiKey.id, userId: user.id });

    const listed = await request(t.app).get('/auth/api-keys').set('Authorization', auth);
    expect(listed.status).toBe(200);
    expect(listed.body.apiKeys).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(rawKey.slice(11));
    expect(listed.body.apiKeys[0]).not.toHaveProperty('keyHash');
  });

  it('refuses scopes outside allowedScopes, a service id, and bad fields with 400', async () => {
    const { auth } = await signedIn(t);
    const post = (body: object) =>
      request(t.app).post('/auth/api-keys').set('Authorization', auth).send(body);
    const scope = await post({ name: 'x', scopes: ['admin'] });
    expect(scope.status).toBe(400);
    expect(scope.body.code).toBe('VALIDATION_ERROR');
    for (const body of [
      {},
      { name: '' },
      { name: 'x', allowedIps: ['not-an-ip'] },
      { name: 'x', expiresAt: '2001-01-01T00:00:00Z' },
      { name: 'x', expiresAt: 'soon' },
      { name: ['x'] },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(
        expect.objectContaining({ code: expect.any(String), error: expect.any(String) }),
      );
    }
    const withService = await post({ name: 'x', serviceId: 'svc-billing' });
    expect(withService.status).toBe(201);
    expect(withService.body.apiKey.serviceId).toBeNull();
  });

  it("lists only the user's own keys; another user's key is 404 to revoke", async () => {
    const alice = await signedIn(t);
    const bob = await signedIn(t);
    const bobs = await request(t.app)
      .post('/auth/api-keys')
      .set('Authorization', bob.auth)
      .send({ name: 'bob key' });
    const listed = await request(t.app).get('/auth/api-keys').set('Authorization', alice.auth);
    const names = (listed.body as { apiKeys: Array<{ name: string }> }).apiKeys.map((k) => k.name);
    expect(names).not.toContain('bob key');
    const steal = await request(t.app)
      .delete(`/auth/api-keys/${bobs.body.apiKey.id}`)
      .set('Authorization', alice.auth);
    expect(steal.status).toBe(404);
    expect(steal.body.code).toBe('API_KEY_NOT_FOUND');
    expect(
      (await request(t.app).get('/api/machine').set('X-Api-Key', bobs.body.rawKey)).status,
    ).toBe(200);
  });

  it('revokes the user’s key: refused on the next request', async () => {
    const { auth } = await signedIn(t);
    const created = await request(t.app)
      .post('/auth/api-keys')
      .set('Authorization', auth)
      .send({ name: 'k' });
    const revoked = await request(t.app)
      .delete(`/auth/api-keys/${created.body.apiKey.id}`)
      .set('Authorization', auth);
    expect(revoked.status).toBe(200);
    expect(revoked.body.apiKey.isActive).toBe(false);
    const res = await request(t.app).get('/api/machine').set('X-Api-Key', created.body.rawKey);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('API_KEY_REVOKED');
  });

  it('revokes every key of a deleted account', async () => {
    const { auth } = await signedIn(t);
    const created = await request(t.app)
      .post('/auth/api-keys')
      .set('Authorization', auth)
      .send({ name: 'k' });
    const deleted = await request(t.app).delete('/auth/account').set('Authorization', auth);
    expect(deleted.status).toBe(200);
    const res = await request(t.app).get('/api/machine').set('X-Api-Key', created.body.rawKey);
    expect(res.body.code).toBe('API_KEY_REVOKED');
  });

  it('revokes every key of a user an administrator deletes', async () => {
    const adminSecret = 'admin-secret-for-api-key-tests-0123';
    t.app.use(
      '/admin',
      createAdminRouter(t.store, {
        adminSecret,
        apiKeyStore,
        apiKeyService: t.auth.apiKeyService,
        panel: false,
      }),
    );
    const { user, auth } = await signedIn(t);
    const created = await request(t.app)
      .post('/auth/api-keys')
      .set('Authorization', auth)
      .send({ name: 'k' });
    const deleted = await request(t.app)
      .delete(`/admin/api/users/${user.id}`)
      .set('Authorization', `Bearer ${adminSecret}`);
    expect(deleted.status).toBe(200);
    const res = await request(t.app).get('/api/machine').set('X-Api-Key', created.body.rawKey);
    expect(res.body.code).toBe('API_KEY_REVOKED');
    const revokedEvent = t.events.find(
      (e) => e.event === 'identity.apikey.revoked' && e.data?.keyId === created.body.apiKey.id,
    );
    expect(revokedEvent).toMatchObject({ userId: user.id, data: { actor: 'admin-secret' } });
  });

  it('announces creation and revocation with the owner, the actor and the client address', async () => {
    const { user, auth } = await signedIn(t);
    const created = await request(t.app)
      .post('/auth/api-keys')
      .set('Authorization', auth)
      .send({ name: 'k' });
    await request(t.app)
      .delete(`/auth/api-keys/${created.body.apiKey.id}`)
      .set('Authorization', auth);
    const mine = t.events.filter((e) => e.data?.keyId === created.body.apiKey.id);
    expect(mine.map((e) => e.event)).toEqual([
      'identity.apikey.created',
      'identity.apikey.revoked',
    ]);
    for (const e of mine) {
      expect(e).toMatchObject({
        userId: user.id,
        ip: expect.any(String),
        data: { actor: user.id },
      });
    }
  });

  it('refuses a cookie-authenticated creation from a foreign origin (CSRF)', async () => {
    const user = await t.createUser();
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    const access = cookieValue(login, 'accessToken')!;
    const res = await request(t.app)
      .post('/auth/api-keys')
      .set('Cookie', `accessToken=${access}`)
      .set('Origin', 'https://evil.test')
      .send({ name: 'stolen' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CSRF_ORIGIN_MISMATCH');
    expect(await apiKeyStore.listKeys({ userId: user.id })).toEqual([]);
  });
});

describe('self-service API key limits', () => {
  afterEach(() => jest.useRealTimers());
  it('holds at most maxKeysPerUser active keys (409 API_KEY_LIMIT_REACHED)', async () => {
    const { t } = keysApp({ maxKeysPerUser: 2 });
    const { auth } = await signedIn(t);
    const post = () =>
      request(t.app).post('/auth/api-keys').set('Authorization', auth).send({ name: 'k' });
    expect((await post()).status).toBe(201);
    const second = await post();
    expect(second.status).toBe(201);
    const third = await post();
    expect(third.status).toBe(409);
    expect(third.body.code).toBe('API_KEY_LIMIT_REACHED');
    await request(t.app)
      .delete(`/auth/api-keys/${second.body.apiKey.id}`)
      .set('Authorization', auth);
    expect((await post()).status).toBe(201);
  });

  it('asks for a recent sign-in to create a key (a key outlives every session)', async () => {
    const { t } = keysApp({ reauthWindow: '1s' });
    const { auth } = await signedIn(t);
    // Past the one-second window on a moved clock, without waiting.
    fakeDateOnly();
    advanceClock(1_100);
    const stale = await request(t.app)
      .post('/auth/api-keys')
      .set('Authorization', auth)
      .send({ name: 'k' });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('REAUTHENTICATION_REQUIRED');
    const proven = await request(t.app)
      .post('/auth/api-keys')
      .set('Authorization', auth)
      .send({ name: 'k', currentPassword: PASSWORD });
    expect(proven.status).toBe(201);
  });
});
