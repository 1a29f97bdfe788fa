// Inputs the fuzzer (test/fuzz.test.ts) once answered with a 500, each checked on its own.
import request from 'supertest';
import { createAdminRouter, InMemoryLinkedAccountsStore, InMemoryUserStore } from 'keyward';
import { createTestApp } from './helpers/app';

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
