import express from 'express';
import request from 'supertest';
import { AuthConfigurator, InMemoryUserStore, type RouterOptions } from 'keyward';
import { cleanConfig, doctorLines, find, recordingLogger, type LogLine } from './helpers/doctor';

const opened: AuthConfigurator[] = [];
afterAll(() => Promise.all(opened.map((a) => a.close())));

/** An app the test shapes (`before` runs ahead of the auth router), the doctor's log lines. */
function build(
  before: (app: express.Express) => void = () => undefined,
  router: RouterOptions = {},
) {
  const { logger, lines } = recordingLogger();
  const auth = new AuthConfigurator(cleanConfig(logger), new InMemoryUserStore());
  opened.push(auth);
  const app = express();
  before(app);
  app.use('/auth', auth.router(router));
  return { app, auth, lines };
}

/** Waits until `lines` holds a doctor line with `code` (the probe finishes after the answer). */
async function logged(lines: LogLine[], code: string): Promise<LogLine> {
  for (let i = 0; i < 200; i++) {
    const line = doctorLines(lines).find((l) => l.message.startsWith(`doctor ${code}:`));
    if (line) return line;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`${code} was never logged`);
}

describe("first-request checks: 'trust proxy'", () => {
  it('warns once when requests carry X-Forwarded-For and trust proxy is not set', async () => {
    const { app, auth, lines } = build();
    for (const ip of ['203.0.113.1', '203.0.113.2']) {
      await request(app).get('/auth/health').set('X-Forwarded-For', ip).expect(200);
    }
    expect(doctorLines(lines)).toEqual([
      { level: 'warn', message: expect.stringMatching(/^doctor TRUST_PROXY_UNSET: /) },
    ]);
    expect(find(await auth.doctor(), 'TRUST_PROXY_UNSET')).toHaveLength(1);
  });

  it('is satisfied once the app sets trust proxy, even after mounting the router', async () => {
    const { app, auth, lines } = build();
    app.set('trust proxy', 1);
    await request(app).get('/auth/health').set('X-Forwarded-For', '203.0.113.1').expect(200);
    expect(doctorLines(lines)).toEqual([]);
    expect(find(await auth.doctor(), 'TRUST_PROXY_UNSET')).toEqual([]);
  });

  it('says nothing about requests that came without a proxy', async () => {
    const { app, auth, lines } = build();
    await request(app).get('/auth/health').expect(200);
    expect(doctorLines(lines)).toEqual([]);
    expect(find(await auth.doctor(), 'TRUST_PROXY_UNSET')).toEqual([]);
  });
});

describe("first-request checks: the app's body parser", () => {
  it('warns when a JSON parser mounted before the router has a smaller limit than its bodyLimit', async () => {
    const { app, auth, lines } = build((a) => a.use(express.json({ limit: '1kb' })));
    await request(app)
      .post('/auth/login')
      .send({ email: 'a@example.test', password: 'x' })
      .expect(401);
    const line = await logged(lines, 'BODY_LIMIT_SMALLER_THAN_ROUTER');
    expect(line).toMatchObject({ level: 'warn', message: expect.stringContaining('16kb') });
    expect(find(await auth.doctor(), 'BODY_LIMIT_SMALLER_THAN_ROUTER')).toHaveLength(1);
    // What it warns about: a body the router's 16kb limit accepts never reaches the router.
    const big = await request(app)
      .post('/auth/login')
      .send({ email: 'a@example.test', password: 'x'.repeat(4000) });
    expect(big.status).toBe(413);
    expect(big.body.code).toBeUndefined(); // the app's answer, not keyward's
  });

  it("compares with the router's own bodyLimit", async () => {
    const { app, auth } = build((a) => a.use(express.json({ limit: '100kb' })), {
      bodyLimit: '1mb',
    });
    await request(app).post('/auth/login').send({ email: 'a@example.test', password: 'x' });
    expect(find(await auth.doctor(), 'BODY_LIMIT_SMALLER_THAN_ROUTER')).toHaveLength(1);
  });

  it('says nothing when the app parser allows at least as much', async () => {
    const { app, auth, lines } = build((a) => a.use(express.json({ limit: '100kb' })));
    await request(app)
      .post('/auth/login')
      .send({ email: 'a@example.test', password: 'x' })
      .expect(401);
    // doctor() waits for the first-request checks still running.
    expect(find(await auth.doctor(), 'BODY_LIMIT_SMALLER_THAN_ROUTER')).toEqual([]);
    expect(doctorLines(lines)).toEqual([]);
  });

  it('says nothing when the app parses after the router, or not at all', async () => {
    const { app, auth } = build();
    app.use(express.json({ limit: '1kb' }));
    await request(app)
      .post('/auth/login')
      .send({ email: 'a@example.test', password: 'x' })
      .expect(401);
    expect(find(await auth.doctor(), 'BODY_LIMIT_SMALLER_THAN_ROUTER')).toEqual([]);
  });
});
