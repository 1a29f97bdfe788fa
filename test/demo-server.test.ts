import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoApp } from '../examples/demo-server/app';
import { openDemoStores } from '../examples/demo-server/stores';
import { awayFromStepEdge, codeForStep, stepAt } from './helpers/totp';

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
          '[mail] reset link for reset@example.test: http://localhost:3999/reset-password?token=',
        ),
      ),
    ).toBe(true);
    expect((await request(app).get('/reset-password?token=x')).status).toBe(200);
  });

  it('prints SMS codes and magic links, and keeps them in its demo-only outbox', async () => {
    const account = { email: 'outbox@example.test', password: 'demo password 1' };
    const reg = await request(app)
      .post('/auth/register')
      .send({ ...account, phoneNumber: '+1 555 000 0003' });
    expect(reg.status).toBe(201);
    expect((await request(app).post('/auth/sms/send').send({ email: account.email })).status).toBe(
      200,
    );
    await request(app).post('/auth/magic-link/send').send({ email: account.email });
    // Both answers go out before the message is sent: wait for the two console lines.
    const smsLine = () => lines.find((l) => l.startsWith('[sms] to +1 555 000 0003: '));
    const linkLine = () =>
      lines.find((l) => l.startsWith(`[mail] sign-in link for ${account.email}`));
    for (let i = 0; !(smsLine() && linkLine()) && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(smsLine()).toMatch(/^\[sms\] to \+1 555 000 0003: Your sign-in code is \d{6}\. /);
    const code = /(\d{6})/.exec(smsLine()!)?.[1];
    expect(code).toBeDefined();

    const outbox = await request(app).get('/demo/outbox');
    expect(outbox.status).toBe(200);
    expect(outbox.headers['cache-control']).toBe('no-store');
    expect(outbox.body.demoOnly).toBe(true);
    const messages = outbox.body.messages as { channel: string; text: string; link?: string }[];
    expect(messages.find((m) => m.channel === 'sms')?.text).toContain(code);
    const link = messages.find((m) => m.text === `sign-in link for ${account.email}`)?.link;
    expect(link).toMatch(/^http:\/\/localhost:3999\/magic-link\?token=/);
    // The link opens the page, which posts the token; a GET spends nothing.
    const landing = await request(app).get(new URL(link!).pathname + new URL(link!).search);
    expect(landing.status).toBe(200);
    expect(landing.headers['content-security-policy']).toContain("script-src 'self'");
    const token = new URL(link!).searchParams.get('token');
    expect((await request(app).post('/auth/magic-link/verify').send({ token })).status).toBe(200);

    const signIn = await request(app).post('/auth/sms/verify').send({ email: account.email, code });
    expect(signIn.status).toBe(200);
  });

  it('refuses a phone number that is not one at registration', async () => {
    const reg = await request(app)
      .post('/auth/register')
      .send({ email: 'phone@example.test', password: 'demo password 1', phoneNumber: 'call me' });
    expect(reg.status).toBe(400);
    expect(reg.body.code).toBe('VALIDATION_ERROR');
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

  it('keeps TOTP and its recovery codes across a restart', async () => {
    const account = { email: 'totp-persist@example.test', password: 'demo password 1' };
    const first = await openDemoStores(undefined, dir);
    const demo1 = createDemoApp('http://localhost:3999', secrets, first.stores, () => undefined);
    await request(demo1.app).post('/auth/register').send(account);
    const login = await request(demo1.app)
      .post('/auth/login')
      .set('X-Auth-Strategy', 'bearer')
      .send(account);
    const bearer = { Authorization: `Bearer ${login.body.accessToken as string}` };
    const setup = await request(demo1.app).post('/auth/2fa/setup').set(bearer);
    await awayFromStepEdge();
    const confirm = await request(demo1.app)
      .post('/auth/2fa/verify-setup')
      .set(bearer)
      .send({ token: codeForStep(setup.body.secret, stepAt()), secret: setup.body.secret });
    expect(confirm.status).toBe(200);
    const recoveryCode = (confirm.body.recoveryCodes as string[])[0];
    await demo1.auth.close();
    await first.stores.destroy();

    const second = await openDemoStores(undefined, dir);
    const demo2 = createDemoApp('http://localhost:3999', secrets, second.stores, () => undefined);
    const challenge = await request(demo2.app).post('/auth/login').send(account);
    expect(challenge.body.requiresTwoFactor).toBe(true);
    const verified = await request(demo2.app)
      .post('/auth/2fa/verify')
      .send({ tempToken: challenge.body.tempToken, recoveryCode });
    expect(verified.status).toBe(200);
    await demo2.auth.close();
    await second.stores.destroy();
  });
});
