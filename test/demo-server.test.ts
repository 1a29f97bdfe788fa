import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoApp } from '../examples/demo-server/app';
import { openDemoStores } from '../examples/demo-server/stores';

describe('demo server (npm start)', () => {
  const lines: string[] = [];
  const secrets = {
    accessTokenSecret: 'demo-test-access-secret-0123456789abcdefghij',
    refreshTokenSecret: 'demo-test-refresh-secret-0123456789abcdefghi',
  };
  const { app, auth } = createDemoApp('http://localhost:3999', secrets, undefined, (line) =>
    lines.push(line),
  );
  afterAll(() => auth.close());

  it('serves the page under a CSP without inline script, and its assets', async () => {
    const page = await request(app).get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/);
    expect((await request(app).get('/static/demo.js')).status).toBe(200);
    expect((await request(app).get('/static/demo.css')).status).toBe(200);
  });

  it('registers, signs in with cookies, calls the protected route and rotates with CSRF', async () => {
    const agent = request.agent(app);
    const reg = await agent
      .post('/auth/register')
      .send({ email: 'demo@example.test', password: 'demo password 1' });
    expect(reg.status).toBe(201);
    const login = await agent
      .post('/auth/login')
      .send({ email: 'demo@example.test', password: 'demo password 1' });
    expect(login.status).toBe(200);
    const setCookies = login.headers['set-cookie'] as unknown as string[];
    const csrf = decodeURIComponent(
      setCookies
        .find((c) => c.startsWith('csrf-token='))!
        .split(';')[0]!
        .slice(11),
    );
    const profile = await agent.get('/api/profile');
    expect(profile.status).toBe(200);
    expect(profile.body.message).toBe('Hello demo@example.test');
    expect((await agent.post('/auth/refresh')).status).toBe(403);
    expect((await agent.post('/auth/refresh').set('X-CSRF-Token', csrf)).status).toBe(200);
  });

  it('prints the reset link to the console instead of mailing it', async () => {
    await request(app)
      .post('/auth/register')
      .send({ email: 'reset@example.test', password: 'demo password 1' });
    await request(app).post('/auth/forgot-password').send({ email: 'reset@example.test' });
    await auth.idle();
    expect(
      lines.some((l) =>
        l.startsWith(
          '[mail] reset link for reset@example.test: http://localhost:3999/auth/reset-password?token=',
        ),
      ),
    ).toBe(true);
    expect((await request(app).get('/auth/reset-password?token=x')).status).toBe(200);
  });
});

describe('demo server on its SQLite file (npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-demo-'));
  const secrets = {
    accessTokenSecret: 'demo-test-access-secret-0123456789abcdefghij',
    refreshTokenSecret: 'demo-test-refresh-secret-0123456789abcdefghi',
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps accounts across a restart', async () => {
    const first = await openDemoStores(undefined, dir);
    const demo1 = createDemoApp('http://localhost:3999', secrets, first.stores, () => undefined);
    const account = { email: 'Persist@Example.test', password: 'demo password 1' };
    expect((await request(demo1.app).post('/auth/register').send(account)).status).toBe(201);
    await demo1.auth.close();
    await first.stores.destroy();

    const second = await openDemoStores(undefined, dir);
    const demo2 = createDemoApp('http://localhost:3999', secrets, second.stores, () => undefined);
    const login = await request(demo2.app)
      .post('/auth/login')
      .send({ email: 'persist@example.test', password: account.password });
    expect(login.status).toBe(200);
    expect(second.description).toContain('SQLite');
    await demo2.auth.close();
    await second.stores.destroy();
  });
});
