import { createRedisStores, type RedisStores } from 'keyward/redis';
import {
  checkApiKeyStore,
  checkPendingLinkStore,
  checkPendingPlanStore,
  checkRateLimitStore,
  checkRevocationFeed,
  checkSessionStore,
  checkTwoFactorStore,
  formatReport,
  type ConformanceReport,
} from 'keyward/testing';
import { describeWithService } from '../helpers/services';
import { RedisFixture } from './redis-support';

describeWithService('redis', 'the Redis stores against the conformance kit', (url) => {
  const fixture = new RedisFixture(url);
  let stores: RedisStores;

  beforeAll(() => {
    stores = createRedisStores({ client: fixture.client(), keyPrefix: fixture.prefix() });
  });
  afterAll(() => fixture.closeAll());

  function expectConformant(report: ConformanceReport) {
    console.log(formatReport(report));
    expect(report.failures).toEqual([]);
    expect(report.passed.length).toBeGreaterThan(0);
  }

  it('the session store passes every session store check', async () => {
    expectConformant(await checkSessionStore(stores.sessionStore));
  });

  it('the pending-link store passes every pending-link store check', async () => {
    expectConformant(await checkPendingLinkStore(stores.pendingLinkStore));
  });

  it('the pending-plan store passes every pending-plan store check', async () => {
    expectConformant(await checkPendingPlanStore(stores.pendingPlanStore));
  });

  it('the rate-limit store passes every rate-limit store check', async () => {
    // peek is optional in the interface; this store has it, so its checks must run.
    expectConformant(await checkRateLimitStore(stores.rateLimitStore, { optional: 'require' }));
  });

  it('the revocation feed passes every revocation feed check', async () => {
    expectConformant(await checkRevocationFeed(stores.revocationFeed));
  });

  it('the two-factor store passes every two-factor store check', async () => {
    expectConformant(await checkTwoFactorStore(stores.twoFactorStore));
  });

  it('the API key store passes every API key store check, optional methods included', async () => {
    expectConformant(await checkApiKeyStore(stores.apiKeyStore, { optional: 'require' }));
  });
});
