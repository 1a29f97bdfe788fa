// Inputs the fuzzer (test/fuzz.test.ts) once answered with a 500, each checked on its own.
import request from 'supertest';
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
