import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { AuthConfigurator, InMemoryUserStore } from 'keyward';
import {
  ACCESS_SECRET,
  PASSWORD,
  REFRESH_SECRET,
  appFactory,
  cookieValue,
  createTestApp,
  type TestAppOptions,
} from './helpers/app';

const WRONG = 'not the password at all';

/** Posts /auth/login (cookie mode) and returns the response. */
const login = (app: express.Express, email: string, password: string, cookie?: string) => {
  const req = request(app).post('/auth/login');
  if (cookie) req.set('Cookie', cookie);
  return req.send({ email, password });
};

/** Statuses of `n` wrong-password logins for `email`, one after another. */
async function failures(app: express.Express, email: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await login(app, email, WRONG)).status);
  return statuses;
}

describe('brute-force protection, default configuration', () => {
  const make = appFactory();

  it('stops 40 wrong passwords for one account well before 40, with Retry-After', async () => {
    const t = make();
    const user = await t.createUser();
    const statuses = await failures(t.app, user.email, 40);
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThan(0);
    expect(first429).toBeLessThanOrEqual(10);
    expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
    const res = await login(t.app, user.email, PASSWORD);
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ error: expect.any(String), code: 'RATE_LIMITED' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('limits an unknown email exactly like a known one, with an identical answer', async () => {
    const t = make();
    const user = await t.createUser();
    const known = await failures(t.app, user.email, 15);
    const unknown = await failures(t.app, 'nobody-at-all@example.test', 15);
    expect(unknown).toEqual(known);
    const a = await login(t.app, user.email, WRONG);
    const b = await login(t.app, 'nobody-at-all@example.test', WRONG);
    expect(b.status).toBe(429);
    expect(b.body).toEqual(a.body);
    expect(Object.keys(b.headers).sort()).toEqual(Object.keys(a.headers).sort());
  });

  it('counts one account however its email is typed (case, spaces)', async () => {
    const t = make();
    const user = await t.createUser();
    const variants = [user.email, user.email.toUpperCase(), `  ${user.email} `];
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await login(t.app, variants[i % 3]!, WRONG)).status);
    }
    // The padded form may be refused as invalid input (400); it is counted all the same.
    expect(statuses.slice(0, 10)).not.toContain(429);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('lets parallel guesses through no further than the limit', async () => {
    const t = make();
    const user = await t.createUser();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => login(t.app, user.email, WRONG)),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(20);
  });

  it('a success clears the account counter', async () => {
    const t = make();
    const user = await t.createUser();
    expect(await failures(t.app, user.email, 9)).not.toContain(429);
    expect((await login(t.app, user.email, PASSWORD)).status).toBe(200);
    expect(await failures(t.app, user.email, 10)).not.toContain(429);
  });

  it('limits one IP trying many accounts (credential stuffing)', async () => {
    const t = make();
    const statuses: number[] = [];
    for (let i = 0; i < 55; i++) {
      statuses.push((await login(t.app, `victim-${i}@example.test`, WRONG)).status);
    }
    expect(statuses.slice(0, 50).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(50).every((s) => s === 429)).toBe(true);
  });

  it("lets the owner's known device sign in while the account is under attack", async () => {
    const t = make();
    const user = await t.createUser();
    const earlier = await login(t.app, user.email, PASSWORD);
    expect(earlier.status).toBe(200);
    const device = cookieValue(earlier, 'keywardDevice');
    expect(device).toBeDefined();

    expect(await failures(t.app, user.email, 12)).toContain(429);
    expect((await login(t.app, user.email, PASSWORD)).status).toBe(429);
    const owner = await login(t.app, user.email, PASSWORD, `keywardDevice=${device}`);
    expect(owner.status).toBe(200);
    // The device cookie is bound to its account: it does not unlock another one.
    const other = await t.createUser();
    await failures(t.app, other.email, 11);
    const stranger = await login(t.app, other.email, PASSWORD, `keywardDevice=${device}`);
    expect(stranger.status).toBe(429);
  });

  it('a completed password reset clears the lock', async () => {
    const t = make();
    const user = await t.createUser();
    expect(await failures(t.app, user.email, 12)).toContain(429);
    const mail = t.nextMail();
    await request(t.app).post('/auth/forgot-password').send({ email: user.email }).expect(200);
    const { token } = await mail;
    await request(t.app)
      .post('/auth/reset-password')
      .send({ token, newPassword: 'a fresh passphrase here' })
      .expect(200);
    expect((await login(t.app, user.email, 'a fresh passphrase here')).status).toBe(200);
  });

  it('a second reset request within the throttle sends nothing and the first link still works', async () => {
    const t = make();
    const user = await t.createUser();
    const first = t.nextMail();
    const a = await request(t.app).post('/auth/forgot-password').send({ email: user.email });
    const { token } = await first;
    const b = await request(t.app).post('/auth/forgot-password').send({ email: user.email });
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    await t.auth.idle();
    expect(t.mails.filter((m) => m.to === user.email)).toHaveLength(1);
    await request(t.app)
      .post('/auth/reset-password')
      .send({ token, newPassword: 'a fresh passphrase here' })
      .expect(200);
  });

  it('a second magic link within the throttle is not sent and the first still signs in', async () => {
    const t = make({ captureMagicLinks: true });
    const user = await t.createUser();
    const first = t.nextMail();
    await request(t.app).post('/auth/magic-link/send').send({ email: user.email }).expect(200);
    const { token } = await first;
    await request(t.app).post('/auth/magic-link/send').send({ email: user.email }).expect(200);
    await t.auth.idle();
    expect(t.mails.filter((m) => m.kind === 'magic')).toHaveLength(1);
    const res = await request(t.app).post('/auth/magic-link/verify').send({ token });
    expect(res.status).toBe(200);
  });

  it('answers 429 per IP on a sending endpoint, past its limit', async () => {
    const t = make();
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      const res = await request(t.app)
        .post('/auth/forgot-password')
        .send({ email: `someone-${i}@example.test` });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });

  it('limits TOTP codes per account (the temporary token names it)', async () => {
    const t = make();
    const user = await t.createUser();
    // Any temporary token of the user: the limiter reads its subject, the route refuses it.
    const tempToken = t.auth.tokenService.signTempToken(user.id, ['totp']);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await request(t.app)
        .post('/auth/2fa/verify')
        .send({ tempToken, totpCode: '000000' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10)).not.toContain(429);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});

describe('client IP: trust proxy decides, IPv6 grouped by /64', () => {
  function proxiedApp(opts: TestAppOptions = {}) {
    const t = createTestApp(opts);
    const app = express();
    app.set('trust proxy', true);
    app.use(t.app);
    return { t, app };
  }
  const opened: Array<{ close(): Promise<void> }> = [];
  afterAll(() => Promise.all(opened.map((t) => t.close())));

  const stuff = (app: express.Express, ip: string, i: number) =>
    request(app)
      .post('/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email: `v${i}-${ip}@example.test`, password: WRONG });

  it('addresses of one IPv6 /64 share a counter; another /64 has its own', async () => {
    const { t, app } = proxiedApp();
    opened.push(t);
    const statuses: number[] = [];
    for (let i = 0; i < 52; i++) {
      // A fresh address of the same /64 for every attempt.
      statuses.push((await stuff(app, `2001:db8:1:2:${(i + 1).toString(16)}::7`, i)).status);
    }
    expect(statuses.slice(0, 50)).not.toContain(429);
    expect(statuses.slice(50)).toEqual([429, 429]);
    expect((await stuff(app, '2001:db8:1:3::7', 99)).status).toBe(401);
  });

  it('an IPv4-mapped IPv6 address counts as its IPv4 address', async () => {
    const { t, app } = proxiedApp();
    opened.push(t);
    for (let i = 0; i < 25; i++) await stuff(app, '203.0.113.9', i);
    const statuses: number[] = [];
    for (let i = 25; i < 52; i++) statuses.push((await stuff(app, '::ffff:203.0.113.9', i)).status);
    expect(statuses.slice(0, 25)).not.toContain(429);
    expect(statuses.slice(25)).toEqual([429, 429]);
  });
});

describe('configuration', () => {
  const make = appFactory();

  it('rateLimit: false switches it off', async () => {
    const t = make({ router: { rateLimit: false } });
    const user = await t.createUser();
    expect(await failures(t.app, user.email, 30)).not.toContain(429);
    expect(cookieValue(await login(t.app, user.email, PASSWORD), 'keywardDevice')).toBeUndefined();
  });

  it('a per-route override replaces that route only', async () => {
    const t = make({
      router: { rateLimit: { routes: { login: { account: [{ max: 2, windowMs: 60_000 }] } } } },
    });
    const user = await t.createUser();
    expect(await failures(t.app, user.email, 4)).toEqual([401, 401, 429, 429]);
    const other = await t.createUser();
    expect((await login(t.app, other.email, WRONG)).status).toBe(401);
  });

  it('a route set to false is not limited', async () => {
    const t = make({ router: { rateLimit: { routes: { login: false } } } });
    const user = await t.createUser();
    expect(await failures(t.app, user.email, 25)).not.toContain(429);
  });

  it('the rateLimiter hook still runs beside it', async () => {
    const seen: string[] = [];
    const hook: RequestHandler = (req, _res, next) => {
      seen.push(req.path);
      next();
    };
    const t = make({ router: { rateLimiter: hook } });
    const user = await t.createUser();
    const statuses = await failures(t.app, user.email, 12);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(seen).toHaveLength(12);
  });

  it('refuses a bad configuration at setup, naming every problem', () => {
    const auth = new AuthConfigurator(
      { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET },
      new InMemoryUserStore(),
    );
    expect(() =>
      auth.router({
        rateLimit: {
          routes: {
            login: { account: [{ max: 0, windowMs: 10 }] },
            // @ts-expect-error an unknown route is refused
            logn: false,
          },
        },
      }),
    ).toThrow(/logn[\s\S]*max must be[\s\S]*windowMs must be/);
  });

  it('routers of one AuthConfigurator share the counters', async () => {
    const t = make();
    const user = await t.createUser();
    const second = express();
    second.use('/auth', t.auth.router());
    expect(await failures(t.app, user.email, 10)).not.toContain(429);
    expect((await login(second, user.email, WRONG)).status).toBe(429);
  });
});
