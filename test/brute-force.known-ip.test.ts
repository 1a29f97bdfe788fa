import express from 'express';
import request from 'supertest';
import { Pool } from 'pg';
import { InMemoryRateLimitStore, type IRateLimitStore } from 'keyward';
import { createRedisStores } from 'keyward/redis';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import {
  PASSWORD,
  createTestApp,
  setCookies,
  type TestApp,
  type TestAppOptions,
} from './helpers/app';
import { describeWithService, uniquePrefix } from './helpers/services';
import { codeForStep, enrol } from './helpers/totp';
import { RedisFixture } from './redis/redis-support';

const WRONG = 'not the password at all';
const OWNER_IP = '198.51.100.20';
const ATTACKER_IP = '203.0.113.66';

/**
 * A test app behind a proxy the app trusts, so each request picks its client address with
 * X-Forwarded-For; every app is closed after the file.
 */
const opened: TestApp[] = [];
afterAll(() => Promise.all(opened.map((t) => t.close())));
function proxied(opts: TestAppOptions = {}) {
  const t = createTestApp(opts);
  opened.push(t);
  const app = express();
  app.set('trust proxy', true);
  app.use(t.app);
  return { t, app };
}

/** POST /auth/login in bearer mode (a mobile app or CLI: no cookies) from `ip`. */
const bearerLogin = (app: express.Express, ip: string, email: string, password = PASSWORD) =>
  request(app)
    .post('/auth/login')
    .set('X-Forwarded-For', ip)
    .set('X-Auth-Strategy', 'bearer')
    .send({ email, password });

/** A stranger at `ip` failing on purpose until the account is locked (some answers are 429). */
async function lockOut(app: express.Express, ip: string, email: string): Promise<void> {
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push((await bearerLogin(app, ip, email, WRONG)).status);
  expect(statuses.slice(10)).toEqual([429, 429]);
}

/** Signs in successfully from `ip`, in bearer mode; no cookie of any kind is handed out. */
async function signIn(app: express.Express, ip: string, email: string): Promise<void> {
  const res = await bearerLogin(app, ip, email);
  expect(res.status).toBe(200);
  expect(res.body.accessToken).toEqual(expect.any(String));
  expect(setCookies(res)).toEqual([]);
}

describe('known IP addresses: bearer clients are not locked out by a stranger', () => {
  it('the owner signs in again from a known IP while an attacker elsewhere has locked the account', async () => {
    const { t, app } = proxied();
    const user = await t.createUser();
    await signIn(app, OWNER_IP, user.email);

    await lockOut(app, ATTACKER_IP, user.email);
    // The attacker holding the password gets nothing from the lock's far side.
    expect((await bearerLogin(app, ATTACKER_IP, user.email)).status).toBe(429);
    await signIn(app, OWNER_IP, user.email);
  });

  it('an address never seen with the account is still locked', async () => {
    const { t, app } = proxied();
    const user = await t.createUser();
    await signIn(app, OWNER_IP, user.email);
    await lockOut(app, ATTACKER_IP, user.email);
    const res = await bearerLogin(app, '192.0.2.77', user.email);
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
  });

  it('an address is bound to its account: it does not unlock another one', async () => {
    const { t, app } = proxied();
    const [owner, other] = [await t.createUser(), await t.createUser()];
    await signIn(app, OWNER_IP, owner.email);
    await lockOut(app, ATTACKER_IP, other.email);
    expect((await bearerLogin(app, OWNER_IP, other.email)).status).toBe(429);
  });

  it('a success from a new address makes it known too', async () => {
    const { t, app } = proxied();
    const user = await t.createUser();
    await signIn(app, OWNER_IP, user.email);
    await signIn(app, '192.0.2.8', user.email);
    await lockOut(app, ATTACKER_IP, user.email);
    await signIn(app, '192.0.2.8', user.email);
    await signIn(app, OWNER_IP, user.email);
  });

  it('an IPv6 address in the /64 of a known one is known; another /64 is not', async () => {
    const { t, app } = proxied();
    const user = await t.createUser();
    await signIn(app, '2001:db8:5:6::1', user.email);
    await lockOut(app, ATTACKER_IP, user.email);
    // A fresh address of the same /64 (privacy extensions change it all the time).
    await signIn(app, '2001:db8:5:6:abcd:ef01:2345:6789', user.email);
    expect((await bearerLogin(app, '2001:db8:5:7::1', user.email)).status).toBe(429);
  });

  it("a known address's own failures lock it, and leave the account-wide counter alone", async () => {
    const { t, app } = proxied();
    const user = await t.createUser();
    await signIn(app, OWNER_IP, user.email);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await bearerLogin(app, OWNER_IP, user.email, WRONG)).status);
    }
    expect(statuses.slice(0, 10)).not.toContain(429);
    expect(statuses[10]).toBe(429);
    expect((await bearerLogin(app, OWNER_IP, user.email)).status).toBe(429);
    // The known address counted on its own: elsewhere the account is not locked.
    await signIn(app, '192.0.2.9', user.email);
  });

  it('the per-IP limit still binds a known address', async () => {
    const { t, app } = proxied();
    const user = await t.createUser();
    await signIn(app, OWNER_IP, user.email);
    // Someone behind the owner's address (the same NAT) trying many accounts.
    for (let i = 0; i < 49; i++) {
      await bearerLogin(app, OWNER_IP, `victim-${i}@example.test`, WRONG);
    }
    const res = await bearerLogin(app, OWNER_IP, user.email);
    expect(res.status).toBe(429);
  });

  it('a second-factor challenge does not make the address known; completing it does', async () => {
    const { t, app } = proxied();
    const { user, secret, step } = await enrol(t);
    const first = await bearerLogin(app, OWNER_IP, user.email);
    expect(first.body.requiresTwoFactor).toBe(true);
    await lockOut(app, ATTACKER_IP, user.email);
    // The right password alone from this address: it is not known yet.
    expect((await bearerLogin(app, OWNER_IP, user.email)).status).toBe(429);

    const verified = await request(app)
      .post('/auth/2fa/verify')
      .set('X-Forwarded-For', OWNER_IP)
      .set('X-Auth-Strategy', 'bearer')
      .send({ tempToken: first.body.tempToken, totpCode: codeForStep(secret, step) });
    expect(verified.status).toBe(200);
    expect(verified.body.accessToken).toEqual(expect.any(String));
    const again = await bearerLogin(app, OWNER_IP, user.email);
    expect(again.status).toBe(200);
    expect(again.body.requiresTwoFactor).toBe(true);
  });

  it('rateLimit.knownIps: false turns it off', async () => {
    const { t, app } = proxied({ router: { rateLimit: { knownIps: false } } });
    const user = await t.createUser();
    await signIn(app, OWNER_IP, user.email);
    await lockOut(app, ATTACKER_IP, user.email);
    expect((await bearerLogin(app, OWNER_IP, user.email)).status).toBe(429);
  });

  it('a store without peek does not get the feature, and counts as before', async () => {
    const memory = new InMemoryRateLimitStore();
    const hitAndResetOnly: IRateLimitStore = {
      hit: (key, windowMs) => memory.hit(key, windowMs),
      reset: (key) => memory.reset(key),
    };
    const { t, app } = proxied({ configurator: { rateLimitStore: hitAndResetOnly } });
    const user = await t.createUser();
    await signIn(app, OWNER_IP, user.email);
    await lockOut(app, ATTACKER_IP, user.email);
    expect((await bearerLogin(app, OWNER_IP, user.email)).status).toBe(429);
  });
});

/**
 * The store, and a wait for every call made through it so far: the limiter records a known
 * address while the success goes out, so over a network store the record may land a little
 * after the client has its answer.
 */
function settling(store: IRateLimitStore) {
  const pending = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    pending.add(work);
    const done = () => pending.delete(work);
    work.then(done, done);
    return work;
  };
  const peek = store.peek?.bind(store);
  if (!peek) throw new Error('the store under test has no peek');
  const wrapped: IRateLimitStore = {
    hit: (key, windowMs) => track(store.hit(key, windowMs)),
    reset: (key) => track(store.reset(key)),
    peek: (key) => track(peek(key)),
  };
  return {
    store: wrapped,
    settled: async (): Promise<void> => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

function sharedStoreTest(open: () => IRateLimitStore) {
  it('the owner signs in from a known IP while the account is locked; an unknown IP stays locked', async () => {
    const { store, settled } = settling(open());
    const { t, app } = proxied({ configurator: { rateLimitStore: store } });
    const user = await t.createUser();
    await signIn(app, OWNER_IP, user.email);
    await settled();
    await lockOut(app, ATTACKER_IP, user.email);
    expect((await bearerLogin(app, '192.0.2.77', user.email)).status).toBe(429);
    await signIn(app, OWNER_IP, user.email);
    // The success's own writes land before the tables and keys are removed.
    await settled();
  });
}

describeWithService('redis', 'known IP addresses with the Redis rate-limit store', (url) => {
  const fixture = new RedisFixture(url);
  const keyPrefix = fixture.prefix();
  afterAll(() => fixture.closeAll());
  sharedStoreTest(() => createRedisStores({ client: fixture.client(), keyPrefix }).rateLimitStore);
});

describeWithService(
  'postgres',
  'known IP addresses with the PostgreSQL rate-limit store',
  (url) => {
    let stores: SqlStores | undefined;
    const open = () => {
      stores ??= createSqlStores({
        dialect: 'postgres',
        pool: new Pool({ connectionString: url, max: 4 }),
        tablePrefix: uniquePrefix('kwk'),
      });
      return stores;
    };
    beforeAll(() => open().migrate());
    afterAll(async () => {
      await stores?.dropTables();
      await stores?.destroy();
    });
    sharedStoreTest(() => open().rateLimitStore);
  },
);
