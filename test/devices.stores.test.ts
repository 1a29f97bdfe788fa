import { InMemoryUserStore, type ISessionStore } from 'keyward';
import { createRedisStores } from 'keyward/redis';
import type { SqlStores } from 'keyward/sql';
import { appFactory, type TestApp } from './helpers/app';
import { multiDeviceCases } from './helpers/device-cases';
import { describeWithService, uniquePrefix } from './helpers/services';
import { RedisFixture } from './redis/redis-support';
import { forEachDialect } from './sql/dialects';

/** An app whose sessions live in `store` (users in memory: the stores under test are sessions). */
function lazyApp(openApp: ReturnType<typeof appFactory>, store: () => ISessionStore) {
  let t: TestApp | undefined;
  return () =>
    (t ??= openApp({
      configurator: { sessionStore: store() },
      userStore: new InMemoryUserStore(),
    }));
}

forEachDialect('own devices on the SQL session store', (d) => {
  // Hooks run in the order they are declared: apps close before their tables go.
  const openApp = appFactory();
  const prefix = uniquePrefix('kwd');
  let stores: SqlStores;
  beforeAll(async () => {
    stores = d.open(prefix);
    await stores.migrate();
  });
  afterAll(async () => {
    await stores.dropTables();
    await stores.destroy();
  });
  multiDeviceCases(lazyApp(openApp, () => stores.sessionStore));
});

describeWithService('redis', 'own devices on the Redis session store', (url) => {
  const openApp = appFactory();
  const fixture = new RedisFixture(url);
  afterAll(() => fixture.closeAll());
  multiDeviceCases(
    lazyApp(
      openApp,
      () =>
        createRedisStores({ client: fixture.client(), keyPrefix: fixture.prefix() }).sessionStore,
    ),
  );
});
