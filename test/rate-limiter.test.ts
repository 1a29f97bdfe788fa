import type { RequestHandler } from 'express';
import request from 'supertest';
import { createTestApp } from './helpers/app';

/** A tiny limiter of the kind apps pass in: counts every request it sees, blocks past `max`. */
function countingLimiter(max: number) {
  const seen: string[] = [];
  const limiter: RequestHandler = (req, res, next) => {
    seen.push(`${req.method} ${req.path}`);
    if (seen.length > max) {
      res.status(429).json({ error: 'Too many requests', code: 'RATE_LIMITED' });
      return;
    }
    next();
  };
  return { limiter, seen };
}

describe('rateLimiter router option', () => {
  it('guards login, refresh and the password and email flows', async () => {
    const { limiter, seen } = countingLimiter(1000);
    const t = createTestApp({ router: { rateLimiter: limiter } });
    const sensitive: Array<[string, string]> = [
      ['post', '/auth/login'],
      ['post', '/auth/refresh'],
      ['post', '/auth/forgot-password'],
      ['post', '/auth/reset-password'],
      ['post', '/auth/change-password'],
      ['post', '/auth/send-verification-email'],
      ['get', '/auth/verify-email'],
      ['post', '/auth/change-email/request'],
      ['post', '/auth/change-email/confirm'],
      ['delete', '/auth/account'],
    ];
    for (const [method, path] of sensitive) {
      if (method === 'get') await request(t.app).get(path);
      else if (method === 'delete') await request(t.app).delete(path);
      else await request(t.app).post(path).send({});
    }
    expect(seen).toEqual(sensitive.map(([m, p]) => `${m.toUpperCase()} ${p.replace('/auth', '')}`));
    await t.close();
  });

  it('answers with the limiter once it blocks, before any credential is checked', async () => {
    const { limiter } = countingLimiter(2);
    const t = createTestApp({ router: { rateLimiter: limiter } });
    const user = await t.createUser();
    const attempts = [];
    for (let i = 0; i < 4; i++) {
      attempts.push(
        (
          await request(t.app)
            .post('/auth/login')
            .send({ email: user.email, password: 'wrong password' })
        ).status,
      );
    }
    expect(attempts).toEqual([401, 401, 429, 429]);
    await t.close();
  });

  it('leaves GET /me and logout unthrottled', async () => {
    const { limiter, seen } = countingLimiter(0);
    const t = createTestApp({ router: { rateLimiter: limiter } });
    expect((await request(t.app).get('/auth/me')).status).toBe(401);
    expect((await request(t.app).post('/auth/logout')).status).toBe(200);
    expect(seen).toEqual([]);
    await t.close();
  });
});
