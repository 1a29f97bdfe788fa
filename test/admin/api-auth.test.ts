import express from 'express';
import request from 'supertest';
import {
  AuthConfigError,
  AuthEventNames,
  createAdminRouter,
  InMemoryRateLimitStore,
  InMemoryUserStore,
  type AdminRouterOptions,
} from 'keyward';
import { WITHOUT_OPTIONAL_STORES } from './admin-stores';
import { ADMIN_SECRET, createAdminFixture } from './api-setup';

describe('admin API: authentication', () => {
  it('refuses a request without credentials with 401 ADMIN_UNAUTHORIZED', async () => {
    const { app } = createAdminFixture();
    const res = await request(app).get('/admin/api/ping');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: expect.any(String), code: 'ADMIN_UNAUTHORIZED' });
  });

  it('refuses a wrong secret, one differing only in its last character, and another scheme', async () => {
    const { app } = createAdminFixture();
    const almost = `${ADMIN_SECRET.slice(0, -1)}x`;
    for (const header of [
      'Bearer wrong-secret',
      `Bearer ${almost}`,
      `Bearer ${ADMIN_SECRET}extra`,
      `Basic ${ADMIN_SECRET}`,
      ADMIN_SECRET,
    ]) {
      const res = await request(app).get('/admin/api/users').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('ADMIN_UNAUTHORIZED');
    }
  });

  it('guards every endpoint, including unknown ones, before anything else', async () => {
    const { app } = createAdminFixture();
    const calls = [
      request(app).get('/admin/api/users'),
      request(app).delete('/admin/api/users/some-id'),
      request(app).put('/admin/api/settings').send({ require2FA: true }),
      request(app).post('/admin/api/roles').send({ name: 'x' }),
      request(app).get('/admin/api/no-such-endpoint'),
    ];
    for (const res of await Promise.all(calls)) expect(res.status).toBe(401);
  });

  it('answers ping with the secret: ok and the feature flags of the configured stores', async () => {
    const full = createAdminFixture();
    const res = await full.api.get('/ping');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      features: {
        users: true,
        deleteUser: true,
        sessions: true,
        roles: true,
        tenants: true,
        metadata: true,
        settings: true,
        linkedAccounts: true,
        apiKeys: true,
        apiKeyUsage: true,
        webhooks: true,
        webhookDeliveries: true,
        events: true,
        webhookActions: true,
      },
    });

    const bare = createAdminFixture(WITHOUT_OPTIONAL_STORES);
    const features = (await bare.api.get('/ping')).body.features;
    expect(Object.entries(features).filter(([, on]) => on)).toEqual([
      ['users', true],
      ['deleteUser', true],
    ]);
  });

  it('marks answers no-store and nosniff, hides x-powered-by and answers unknown paths with a JSON 404', async () => {
    const { api } = createAdminFixture();
    const res = await api.get('/ping');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // The host app's own header is the host's business; the router adds none of its own.
    const standalone = createAdminRouter(new InMemoryUserStore(), { adminSecret: ADMIN_SECRET });
    const own = await request(standalone)
      .get('/api/ping')
      .set('Authorization', `Bearer ${ADMIN_SECRET}`);
    expect(own.status).toBe(200);
    expect(own.headers['x-powered-by']).toBeUndefined();
    const missing = await api.get('/no-such-endpoint');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('serves the panel page without a secret beside the guarded API, unless panel is false', async () => {
    const { app } = createAdminFixture();
    const page = await request(app).get('/admin/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect((await request(app).get('/admin/api/ping')).status).toBe(401);

    const apiOnly = createAdminFixture({ panel: false });
    expect((await request(apiOnly.app).get('/admin/')).status).toBe(404);
    expect((await apiOnly.api.get('/ping')).status).toBe(200);
  });

  it('publishes admin.auth.failed with the client IP for a refused request', async () => {
    const fx = createAdminFixture();
    await request(fx.app).get('/admin/api/users').set('Authorization', 'Bearer nope');
    const [failed] = fx.eventsNamed(AuthEventNames.ADMIN_AUTH_FAILED);
    expect(failed).toMatchObject({ ip: expect.any(String), data: { hadCredentials: true } });
    expect(JSON.stringify(failed)).not.toContain('nope');
  });
});

describe('admin API: the authorize hook', () => {
  function withHook(authorize: AdminRouterOptions['authorize']) {
    return createAdminFixture({ adminSecret: undefined, authorize });
  }

  it('lets the hook decide instead of the secret', async () => {
    const { app } = withHook((req) => req.get('x-staff') === 'yes');
    expect((await request(app).get('/admin/api/ping').set('x-staff', 'yes')).status).toBe(200);
    expect((await request(app).get('/admin/api/ping').set('x-staff', 'no')).status).toBe(401);
    // The shared secret means nothing once a hook is in charge.
    const withSecret = await request(app)
      .get('/admin/api/ping')
      .set('Authorization', `Bearer ${ADMIN_SECRET}`);
    expect(withSecret.status).toBe(401);
  });

  it('awaits an async hook and records the actor it names in events', async () => {
    const fx = withHook(async (req) => {
      await new Promise((r) => setTimeout(r, 5));
      return req.get('x-admin-user') ?? false;
    });
    await fx.users.create({ id: 'u1', email: 'target@example.test' });
    const res = await request(fx.app)
      .delete('/admin/api/users/u1')
      .set('x-admin-user', 'alice@corp.test');
    expect(res.status).toBe(200);
    expect(fx.eventsNamed(AuthEventNames.ADMIN_USER_DELETED)[0]?.data?.actor).toBe(
      'alice@corp.test',
    );
    expect((await request(fx.app).get('/admin/api/ping')).status).toBe(401);
  });

  it('names the actor authorize-hook when the hook answers true', async () => {
    const fx = withHook(() => true);
    await request(fx.app).put('/admin/api/settings').send({ require2FA: true });
    expect(fx.eventsNamed(AuthEventNames.ADMIN_SETTINGS_UPDATED)[0]?.data?.actor).toBe(
      'authorize-hook',
    );
  });

  it('treats an empty actor name as a refusal', async () => {
    const { app } = withHook(() => '  ');
    expect((await request(app).get('/admin/api/ping')).status).toBe(401);
  });
});

describe('admin API: configuration', () => {
  const users = new InMemoryUserStore();
  const problemsOf = (options: AdminRouterOptions) => {
    try {
      createAdminRouter(users, options);
    } catch (err) {
      if (err instanceof AuthConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('refuses at setup: no secret and no hook, both, a short secret, bad rate-limit numbers', () => {
    expect(problemsOf({})).toEqual([expect.stringContaining('adminSecret')]);
    expect(problemsOf({ adminSecret: ADMIN_SECRET, authorize: () => true })).toEqual([
      expect.stringContaining('not both'),
    ]);
    expect(problemsOf({ adminSecret: 'short' })).toEqual([
      expect.stringContaining('at least 16 characters'),
    ]);
    expect(
      problemsOf({ adminSecret: ADMIN_SECRET, rateLimit: { maxFailures: 0, windowMs: 1.5 } }),
    ).toHaveLength(2);
    expect(problemsOf({ adminSecret: ADMIN_SECRET })).toEqual([]);
  });
});

describe('admin API: failed-login rate limit', () => {
  function limited(maxFailures = 3) {
    const store = new InMemoryRateLimitStore();
    const fx = createAdminFixture({ rateLimit: { maxFailures, windowMs: 60_000, store } });
    const wrong = () => request(fx.app).get('/admin/api/ping').set('Authorization', 'Bearer bad');
    return { ...fx, store, wrong };
  }

  it('answers 429 RATE_LIMITED with Retry-After after too many failures, even to the right secret', async () => {
    const { api, wrong } = limited(3);
    for (let i = 0; i < 3; i++) expect((await wrong()).status).toBe(401);
    const blocked = await wrong();
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({ error: expect.any(String), code: 'RATE_LIMITED' });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A correct guess while locked out must not get through, or the limit would stop nothing.
    expect((await api.get('/ping')).status).toBe(429);
  });

  it('clears the count when the right secret is presented before the limit', async () => {
    const { api, wrong } = limited(3);
    await wrong();
    await wrong();
    expect((await api.get('/ping')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await wrong()).status).toBe(401);
    expect((await wrong()).status).toBe(429);
  });

  it('does not count successful requests: a busy admin is never throttled', async () => {
    const { api } = limited(2);
    for (let i = 0; i < 10; i++) expect((await api.get('/ping')).status).toBe(200);
  });

  it('counts per client IP (honouring the host app trust proxy setting)', async () => {
    const store = new InMemoryRateLimitStore();
    const app = express();
    app.set('trust proxy', true);
    app.use(
      '/admin',
      createAdminRouter(new InMemoryUserStore(), {
        adminSecret: ADMIN_SECRET,
        rateLimit: { maxFailures: 1, store },
      }),
    );
    const from = (ip: string) =>
      request(app).get('/admin/api/ping').set('X-Forwarded-For', ip).set('Authorization', 'x');
    expect((await from('203.0.113.1')).status).toBe(401);
    expect((await from('203.0.113.1')).status).toBe(429);
    expect((await from('203.0.113.2')).status).toBe(401);
  });

  it('can be switched off', async () => {
    const fx = createAdminFixture({ rateLimit: false });
    for (let i = 0; i < 15; i++) {
      const res = await request(fx.app).get('/admin/api/ping').set('Authorization', 'Bearer x');
      expect(res.status).toBe(401);
    }
  });
});
