import express, { type Express } from 'express';
import { Pool } from 'pg';
import request from 'supertest';
import {
  AuthConfigurator,
  InMemoryUserStore,
  type IRevocationFeed,
  type ISessionStore,
  type IUserStore,
} from 'keyward';
import { createRedisStores } from 'keyward/redis';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { ACCESS_SECRET, PASSWORD, REFRESH_SECRET, bearerLogin, sleep } from './helpers/app';
import { describeWithService, uniquePrefix } from './helpers/services';
import { RedisFixture } from './redis/redis-support';

/** One app instance: its own configurator and stores objects, over the shared services. */
interface Instance {
  app: Express;
  auth: AuthConfigurator;
}

function instance(
  users: IUserStore,
  sessionStore: ISessionStore,
  revocationFeed: IRevocationFeed,
): Instance {
  const auth = new AuthConfigurator(
    {
      accessTokenSecret: ACCESS_SECRET,
      refreshTokenSecret: REFRESH_SECRET,
      passwordHashing: { argon2: { memoryCost: 64, timeCost: 1 } },
    },
    users,
    { sessionStore, revocationFeed },
  );
  const app = express();
  app.use('/auth', auth.router());
  app.get('/api/private', auth.middleware(), (req, res) => {
    res.json({ user: req.user });
  });
  return { app, auth };
}

const statusOf = async (i: Instance, token: string) =>
  (await request(i.app).get('/api/private').set('Authorization', `Bearer ${token}`)).status;

/** Milliseconds until `i` refuses `token` (fails past `limitMs`). */
async function msUntilRefused(i: Instance, token: string, limitMs: number): Promise<number> {
  const start = Date.now();
  while ((await statusOf(i, token)) !== 401) {
    if (Date.now() - start > limitMs) throw new Error(`still accepted after ${limitMs} ms`);
    await sleep(20);
  }
  return Date.now() - start;
}

async function signedInUser(users: IUserStore, a: Instance) {
  const user = await users.create({
    email: `rev-${Math.random().toString(36).slice(2)}@example.test`,
    password: await a.auth.passwordService.hash(PASSWORD),
    loginProvider: 'local',
  });
  return { user, pair: await bearerLogin(a.app, user.email) };
}

async function logout(i: Instance, accessToken: string) {
  await request(i.app)
    .post('/auth/logout')
    .set('Authorization', `Bearer ${accessToken}`)
    .expect(200);
}

describeWithService('postgres', 'two instances over PostgreSQL', (url) => {
  const prefix = uniquePrefix('kwrev');
  const opened: SqlStores[] = [];
  const instances: Instance[] = [];
  const open = () => {
    const stores = createSqlStores({
      dialect: 'postgres',
      pool: new Pool({ connectionString: url }),
      tablePrefix: prefix,
    });
    opened.push(stores);
    const i = instance(stores.userStore, stores.sessionStore, stores.revocationFeed);
    instances.push(i);
    return { stores, i };
  };
  let a: Instance;
  let b: Instance;
  let users: IUserStore;

  beforeAll(async () => {
    const first = open();
    await first.stores.migrate();
    a = first.i;
    users = first.stores.userStore;
    b = open().i;
    await Promise.all([a.auth.ready(), b.auth.ready()]);
  });
  afterAll(async () => {
    for (const i of instances) await i.auth.close();
    await opened[0]?.dropTables();
    for (const s of opened) await s.destroy();
  });

  it('a logout on one instance is refused on the other within 2 s', async () => {
    const { pair } = await signedInUser(users, a);
    expect(await statusOf(b, pair.accessToken)).toBe(200);
    await logout(a, pair.accessToken);
    expect(await statusOf(a, pair.accessToken)).toBe(401);
    expect(await msUntilRefused(b, pair.accessToken, 2_000)).toBeLessThanOrEqual(2_000);
  });

  it("ending all of a user's sessions on one instance is refused on the other within 2 s", async () => {
    const { user, pair } = await signedInUser(users, a);
    await a.auth.revoke({ kind: 'user', userId: user.id, at: new Date() });
    expect(await msUntilRefused(b, pair.accessToken, 2_000)).toBeLessThanOrEqual(2_000);
  });

  it('an instance started after the revocation refuses the token from its first request', async () => {
    const { pair } = await signedInUser(users, a);
    await logout(a, pair.accessToken);
    const late = open().i;
    expect(await statusOf(late, pair.accessToken)).toBe(401);
  });
});

describeWithService('redis', 'two instances over Redis', (url) => {
  const fixture = new RedisFixture(url);
  const prefix = fixture.prefix();
  const users = new InMemoryUserStore(); // the shared user database of both instances
  const instances: Instance[] = [];
  const open = () => {
    const stores = createRedisStores({ client: fixture.client(), keyPrefix: prefix });
    const i = instance(users, stores.sessionStore, stores.revocationFeed);
    instances.push(i);
    return i;
  };
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    a = open();
    b = open();
    await Promise.all([a.auth.ready(), b.auth.ready()]);
  });
  afterAll(async () => {
    for (const i of instances) await i.auth.close();
    await fixture.closeAll();
  });

  it('a logout on one instance is refused on the other almost at once', async () => {
    const { pair } = await signedInUser(users, a);
    expect(await statusOf(b, pair.accessToken)).toBe(200);
    await logout(a, pair.accessToken);
    expect(await msUntilRefused(b, pair.accessToken, 500)).toBeLessThan(500);
  });

  it('an instance started after the revocation refuses the token from its first request', async () => {
    const { pair } = await signedInUser(users, a);
    await logout(a, pair.accessToken);
    expect(await statusOf(open(), pair.accessToken)).toBe(401);
  });
});
