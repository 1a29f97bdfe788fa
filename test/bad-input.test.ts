import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { AuthConfigurator, InMemoryUserStore, type IUserStore } from 'keyward';
import { ACCESS_SECRET, PASSWORD, REFRESH_SECRET, createTestApp } from './helpers/app';

const config = {
  accessTokenSecret: ACCESS_SECRET,
  refreshTokenSecret: REFRESH_SECRET,
  bcryptSaltRounds: 4,
};

describe('bad input', () => {
  const t = createTestApp();
  afterAll(() => t.close());

  const cases: Array<[string, string, string | object, number, string]> = [
    ['malformed JSON', '/auth/login', '{"email": "a@b.c",', 400, 'INVALID_JSON'],
    ['a JSON array', '/auth/login', [1, 2], 400, 'VALIDATION_ERROR'],
    [
      'a number where a string belongs',
      '/auth/login',
      { email: 5, password: 'x' },
      400,
      'VALIDATION_ERROR',
    ],
    ['a missing field', '/auth/login', { email: 'a@example.test' }, 400, 'VALIDATION_ERROR'],
    [
      'a nested object as email',
      '/auth/login',
      { email: { $ne: null }, password: 'x' },
      400,
      'VALIDATION_ERROR',
    ],
    [
      'an oversized email',
      '/auth/forgot-password',
      { email: `${'a'.repeat(300)}@example.test` },
      400,
      'VALIDATION_ERROR',
    ],
    [
      'a token that is not a string',
      '/auth/reset-password',
      { token: ['x'], newPassword: PASSWORD },
      400,
      'VALIDATION_ERROR',
    ],
    [
      'a refresh token that is not a string',
      '/auth/refresh',
      { refreshToken: 42 },
      400,
      'VALIDATION_ERROR',
    ],
  ];

  it.each(cases)(
    'answers %s with a 4xx JSON error and no stack',
    async (_name, path, body, status, code) => {
      const req = request(t.app).post(path).set('Content-Type', 'application/json');
      const res = await req.send(typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ code });
      expect(typeof res.body.error).toBe('string');
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    },
  );

  it('names the offending field in validation errors', async () => {
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: 'not-an-email', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'email' })]);
  });

  it('refuses a body over the size limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: 'a@example.test', password: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('treats a body without a JSON content type as missing fields', async () => {
    const res = await request(t.app)
      .post('/auth/login')
      .set('Content-Type', 'text/plain')
      .send('email=a');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });

  it('answers an unexpected store failure with a generic 500 and logs it', async () => {
    const logged: unknown[] = [];
    // A user's store whose database fails in an unforeseen way.
    const down = () => Promise.reject(new Error('database exploded at db.ts:12'));
    const store: IUserStore = {
      findByEmail: down,
      findById: down,
      create: down,
      updateRefreshToken: down,
      updateResetToken: down,
      updatePassword: down,
    };
    const auth = new AuthConfigurator(
      { ...config, logger: { error: (m, d) => logged.push([m, d]), warn: () => undefined } },
      store,
    );
    const app = express().use('/auth', auth.router());
    const res = await request(app)
      .post('/auth/login')
      .send({ email: 'a@example.test', password: PASSWORD });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'Internal server error', code: 'INTERNAL_ERROR' });
    expect(logged).toHaveLength(1);
    await auth.close();
  });
});

describe('body parsing wherever the router is mounted', () => {
  const store = new InMemoryUserStore();
  const auth = new AuthConfigurator(config, store);
  beforeAll(async () => {
    await store.create({
      email: 'mounted@example.test',
      password: await auth.passwordService.hash(PASSWORD),
    });
  });
  afterAll(() => auth.close());
  const login = { email: 'mounted@example.test', password: PASSWORD };

  it('works after the app has already parsed the body with express.json()', async () => {
    const app = express().use(express.json()).use('/auth', auth.router());
    const res = await request(app).post('/auth/login').set('X-Auth-Strategy', 'bearer').send(login);
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toEqual(expect.any(String));
  });

  it('works without any body parser in the app', async () => {
    const app = express().use('/auth', auth.router());
    expect((await request(app).post('/auth/login').send(login)).status).toBe(200);
  });

  it('works called directly with Node request and response objects, as in a Next.js API route', async () => {
    const router = auth.router();
    const server: Server = createServer((req, res) => {
      req.url = req.url!.replace(/^\/api\/auth/, '') || '/';
      router(req as express.Request, res as express.Response, () => {
        res.statusCode = 404;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(login),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toContain('accessToken=');
      const missing = await fetch(`http://127.0.0.1:${port}/api/auth/nope`);
      expect(missing.status).toBe(404);
    } finally {
      server.close();
    }
  });
});
