// Inputs the fuzzer (test/fuzz.test.ts) once answered with a 500, each checked on its own.
import request from 'supertest';
import {
  AuthError,
  GenericOAuthStrategy,
  InMemoryLinkedAccountsStore,
  InMemoryUserMetadataStore,
  InMemoryUserStore,
  createAdminRouter,
  type BaseUser,
} from 'keyward';
import { createTestApp } from './helpers/app';

/** A provider whose endpoints are never called: the flow cookie check stops first. */
class Provider extends GenericOAuthStrategy<BaseUser> {
  constructor() {
    super({
      name: 'acme',
      clientId: 'id',
      clientSecret: 'secret',
      callbackUrl: 'http://127.0.0.1/auth/oauth/acme/callback',
      authorizationUrl: 'http://127.0.0.1:9/authorize',
      tokenUrl: 'http://127.0.0.1:9/token',
      userInfoUrl: 'http://127.0.0.1:9/me',
    });
  }
  findOrCreateUser(): Promise<BaseUser> {
    return Promise.reject(new AuthError('not used', 'OAUTH_PROFILE_FAILED', 400));
  }
}

const logger = () => {
  const errors: unknown[] = [];
  return { errors, logger: { error: (m: string) => errors.push(m), warn: () => undefined } };
};

describe('inputs the fuzzer found', () => {
  const log = logger();
  const t = createTestApp({ config: { logger: log.logger } });
  afterAll(() => t.close());
  afterEach(() => {
    expect(log.errors).toEqual([]);
  });

  it.each(['gzip', 'deflate', 'br'])(
    'answers a body sent with Content-Encoding %s that does not inflate with 400 VALIDATION_ERROR',
    async (encoding) => {
      const res = await request(t.app)
        .post('/auth/login')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send('{"email":"a@example.test"}');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'Malformed request body', code: 'VALIDATION_ERROR' });
    },
  );
});

describe('a path parameter that does not decode', () => {
  const log = logger();
  const secret = 'admin-secret-for-the-tests-0123456789';
  const app = createAdminRouter(new InMemoryUserStore(), {
    adminSecret: secret,
    logger: log.logger,
  });

  it.each(['%', '%E0%A4%A', '%zz'])(
    'answers /admin/api/users/%s with 400 VALIDATION_ERROR, not a 500',
    async (id) => {
      const res = await request(app)
        .get(`/api/users/${id}`)
        .set('Authorization', `Bearer ${secret}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'Malformed URL', code: 'VALIDATION_ERROR' });
      expect(log.errors).toEqual([]);
    },
  );

  it('answers DELETE /auth/linked-accounts/%E0%A4%A/x with 400 VALIDATION_ERROR, not a 500', async () => {
    const t = createTestApp({
      config: { logger: log.logger },
      router: { linkedAccountsStore: new InMemoryLinkedAccountsStore() },
    });
    const res = await request(t.app).delete('/auth/linked-accounts/%E0%A4%A/x');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'Malformed URL', code: 'VALIDATION_ERROR' });
    expect(log.errors).toEqual([]);
    await t.close();
  });
});

describe('deeply nested JSON', () => {
  const log = logger();
  const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  it('answers PUT /admin/api/users/:id/metadata nested 10,000 deep with 400 INVALID_INPUT', async () => {
    const users = new InMemoryUserStore();
    const user = await users.create({ email: 'deep@example.test' });
    const secret = 'admin-secret-for-the-tests-0123456789';
    const app = createAdminRouter(users, {
      adminSecret: secret,
      userMetadataStore: new InMemoryUserMetadataStore(),
      logger: log.logger,
    });
    const put = (body: string) =>
      request(app)
        .put(`/api/users/${user.id}/metadata`)
        .set('Authorization', `Bearer ${secret}`)
        .set('Content-Type', 'application/json')
        .send(body);
    const res = await put(deep(10_000));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_INPUT', error: expect.any(String) });
    expect((await put(deep(32))).status).toBe(200);
    expect(log.errors).toEqual([]);
  });

  it('answers a JSON body nested 3,000 deep at POST /auth/oauth/:name/callback with the error page, logging nothing', async () => {
    const t = createTestApp({
      config: { logger: log.logger },
      router: { oauthStrategies: [new Provider()] },
    });
    const res = await request(t.app)
      .post('/auth/oauth/acme/callback')
      .set('Content-Type', 'application/json')
      .send(`${'['.repeat(3000)}${']'.repeat(3000)}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toContain('code=OAUTH_PROVIDER_ERROR');
    expect(log.errors).toEqual([]);
    await t.close();
  });
});

describe('a huge query string on the panel redirect', () => {
  it('redirects GET /admin?<12,000 characters> to /admin/ without echoing the query', async () => {
    const express = (await import('express')).default;
    const app = express();
    app.use('/admin', createAdminRouter(new InMemoryUserStore(), { adminSecret: 'a'.repeat(32) }));
    const res = await request(app).get(`/admin?returnTo=${'x'.repeat(12_000)}`);
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe('/admin/');
  });
});
