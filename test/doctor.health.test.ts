import express from 'express';
import request from 'supertest';
import {
  AuthConfigurator,
  InMemorySessionStore,
  InMemoryUserStore,
  type AuthConfiguratorOptions,
  type RouterOptions,
} from 'keyward';
import { advanceClock, fakeDateOnly } from './helpers/clock';
import { cleanConfig, recordingLogger } from './helpers/doctor';

const opened: AuthConfigurator[] = [];
afterAll(() => Promise.all(opened.map((a) => a.close())));

/** The kind of message a database driver fails with: it must never reach the answer. */
const DRIVER_ERROR =
  'connect ECONNREFUSED 10.20.30.40:5432 (password authentication for keyward_app)';

/** A user store of the application's whose database can be switched off. */
class SwitchableUserStore extends InMemoryUserStore {
  down = false;
  override async findById(id: string) {
    if (this.down) throw new Error(DRIVER_ERROR);
    return super.findById(id);
  }
}

/** A user store that counts the reads reaching it. */
class CountingUserStore extends InMemoryUserStore {
  reads = 0;
  override async findById(id: string) {
    this.reads += 1;
    return super.findById(id);
  }
}

/** A session store whose reads reject. */
class DownSessionStore extends InMemorySessionStore {
  override async getSession(): Promise<never> {
    throw new Error(DRIVER_ERROR);
  }
}

/** A user store whose reads never answer. */
class HangingUserStore extends InMemoryUserStore {
  override findById(): Promise<never> {
    return new Promise(() => undefined);
  }
}

function app(
  users = new InMemoryUserStore(),
  options: AuthConfiguratorOptions = {},
  router: RouterOptions = {},
) {
  const { logger, lines } = recordingLogger();
  const auth = new AuthConfigurator(cleanConfig(logger), users, options);
  opened.push(auth);
  const a = express();
  a.use('/auth', auth.router({ doctor: false, ...router }));
  return { app: a, lines };
}

describe('GET /auth/health', () => {
  it('answers 200 { status: ok } while the stores answer, uncached', async () => {
    const res = await request(app().app).get('/auth/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 503 STORE_UNAVAILABLE naming the user store when it fails, without its error', async () => {
    const users = new SwitchableUserStore();
    users.down = true;
    const { app: a, lines } = app(users);
    const res = await request(a).get('/auth/health');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error: 'A store is not answering',
      code: 'STORE_UNAVAILABLE',
      status: 'unavailable',
      store: 'user',
    });
    expect(res.text).not.toContain('10.20.30.40');
    expect(res.text).not.toContain('ECONNREFUSED');
    expect(res.text).not.toMatch(/\bat .*\.ts:\d+/);
    // The operator learns the cause from the logs instead.
    expect(lines).toEqual([{ level: 'error', message: 'health: the user store did not answer' }]);
  });

  it('logs an outage once, and answers 200 again when the store is back', async () => {
    const users = new SwitchableUserStore();
    const { app: a, lines } = app(users, {}, { health: { cacheMs: 0 } });
    users.down = true;
    await request(a).get('/auth/health').expect(503);
    await request(a).get('/auth/health').expect(503);
    expect(lines).toHaveLength(1);
    users.down = false;
    const res = await request(a).get('/auth/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers 503 naming the session store when its reads reject', async () => {
    const { app: a } = app(new InMemoryUserStore(), { sessionStore: new DownSessionStore() });
    const res = await request(a).get('/auth/health');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error: 'A store is not answering',
      code: 'STORE_UNAVAILABLE',
      status: 'unavailable',
      store: 'session',
    });
    expect(res.text).not.toContain('10.20.30.40');
  });

  it('checks the session store given to the router as well', async () => {
    const { app: a } = app(new InMemoryUserStore(), {}, { sessionStore: new DownSessionStore() });
    expect((await request(a).get('/auth/health')).body.store).toBe('session');
  });

  it('answers 503 when a store does not answer within health.timeoutMs', async () => {
    const { app: a } = app(new HangingUserStore(), {}, { health: { timeoutMs: 100 } });
    const started = Date.now();
    const res = await request(a).get('/auth/health');
    expect(res.status).toBe(503);
    expect(res.body.store).toBe('user');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  describe('a flood of requests', () => {
    beforeEach(() => fakeDateOnly());
    afterEach(() => jest.useRealTimers());

    it('reaches the stores once a second, however many requests arrive', async () => {
      const users = new CountingUserStore();
      const { app: a } = app(users);
      for (let i = 0; i < 50; i += 1) await request(a).get('/auth/health').expect(200);
      expect(users.reads).toBe(1);
      advanceClock(999);
      await request(a).get('/auth/health').expect(200);
      expect(users.reads).toBe(1);
      advanceClock(1);
      await request(a).get('/auth/health').expect(200);
      expect(users.reads).toBe(2);
    });

    it('answers an outage from the cache too, and sees the recovery after a second', async () => {
      const users = new SwitchableUserStore();
      const { app: a } = app(users);
      users.down = true;
      await request(a).get('/auth/health').expect(503);
      users.down = false;
      // The cached answer still says down: nobody can turn one failure into a read per request.
      expect((await request(a).get('/auth/health')).status).toBe(503);
      advanceClock(1000);
      expect((await request(a).get('/auth/health')).body).toEqual({ status: 'ok' });
    });

    it('probes on every request with cacheMs: 0', async () => {
      const users = new CountingUserStore();
      const { app: a } = app(users, {}, { health: { cacheMs: 0 } });
      for (let i = 0; i < 3; i += 1) await request(a).get('/auth/health').expect(200);
      expect(users.reads).toBe(3);
    });
  });

  it('is not mounted with health: false', async () => {
    const res = await request(app(undefined, {}, { health: false }).app).get('/auth/health');
    expect(res.status).toBe(404);
  });
});
