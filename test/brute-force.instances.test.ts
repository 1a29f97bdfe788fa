import express from 'express';
import request from 'supertest';
import { Pool } from 'pg';
import { AuthConfigurator, InMemoryUserStore, type IRateLimitStore } from 'keyward';
import { createRedisStores } from 'keyward/redis';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { ACCESS_SECRET, PASSWORD, REFRESH_SECRET } from './helpers/app';
import { describeWithService, uniquePrefix } from './helpers/services';
import { RedisFixture } from './redis/redis-support';

/**
 * Two app instances: separate configurators, routers and in-process state, sharing only the
 * user store and the rate-limit store, as two servers behind a load balancer would.
 */
function twoInstances(open: () => IRateLimitStore) {
  const users = new InMemoryUserStore();
  const config = {
    accessTokenSecret: ACCESS_SECRET,
    refreshTokenSecret: REFRESH_SECRET,
    bcryptSaltRounds: 4,
  };
  const auths = [0, 1].map(() => new AuthConfigurator(config, users, { rateLimitStore: open() }));
  const apps = auths.map((auth) => {
    const app = express();
    app.use('/auth', auth.router());
    return app;
  });
  return {
    apps: apps as [express.Express, express.Express],
    async createUser() {
      const email = `user-${uniquePrefix()}@example.test`;
      return users.create({ email, password: await auths[0]!.passwordService.hash(PASSWORD) });
    },
    close: () => Promise.all(auths.map((a) => a.close())),
  };
}

/** Wrong passwords alternating between the two instances; their statuses in order. */
async function alternatingFailures(apps: express.Express[], email: string, n: number) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await request(apps[i % apps.length]!)
      .post('/auth/login')
      .send({ email, password: 'not the password' });
    statuses.push(res.status);
  }
  return statuses;
}

function sharedLimitTests(open: () => IRateLimitStore) {
  it('two instances enforce one account limit between them', async () => {
    const instances = twoInstances(open);
    try {
      const user = await instances.createUser();
      const statuses = await alternatingFailures(instances.apps, user.email, 14);
      // Ten failures in a minute over both instances together, not ten on each.
      expect(statuses.slice(0, 10)).not.toContain(429);
      expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
      const [a, b] = instances.apps;
      for (const app of [a, b]) {
        const res = await request(app)
          .post('/auth/login')
          .send({ email: user.email, password: PASSWORD });
        expect(res.status).toBe(429);
      }
    } finally {
      await instances.close();
    }
  });

  it('parallel guesses spread over both instances get no more than the limit', async () => {
    const instances = twoInstances(open);
    try {
      const user = await instances.createUser();
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          request(instances.apps[i % 2]!)
            .post('/auth/login')
            .send({ email: user.email, password: 'not the password' }),
        ),
      );
      expect(results.filter((r) => r.status === 401)).toHaveLength(10);
      expect(results.filter((r) => r.status === 429)).toHaveLength(14);
    } finally {
      await instances.close();
    }
  });
}

describeWithService('redis', 'brute-force protection across instances sharing Redis', (url) => {
  const fixture = new RedisFixture(url);
  const keyPrefix = fixture.prefix();
  afterAll(() => fixture.closeAll());
  // Each instance gets its own connection, as separate processes would.
  sharedLimitTests(() => createRedisStores({ client: fixture.client(), keyPrefix }).rateLimitStore);
});

describeWithService(
  'postgres',
  'brute-force protection across instances sharing PostgreSQL',
  (url) => {
    const prefix = uniquePrefix('kwb');
    const opened: SqlStores[] = [];
    const open = () => {
      const stores = createSqlStores({
        dialect: 'postgres',
        pool: new Pool({ connectionString: url, max: 4 }),
        tablePrefix: prefix,
      });
      opened.push(stores);
      return stores;
    };
    beforeAll(() => open().migrate());
    afterAll(async () => {
      await opened[0]?.dropTables();
      await Promise.all(opened.map((s) => s.destroy()));
    });
    // Each instance gets its own pool, as separate processes would.
    sharedLimitTests(() => open().rateLimitStore);
  },
);
