import type { SqlStores } from 'keyward/sql';
import {
  checkApiKeyStore,
  checkLinkedAccountsStore,
  checkPendingLinkStore,
  checkPendingPlanStore,
  checkRateLimitStore,
  checkRevocationFeed,
  checkRolesPermissionsStore,
  checkSessionStore,
  checkSettingsStore,
  checkTenantStore,
  checkTwoFactorStore,
  checkUserMetadataStore,
  checkUserStore,
  formatReport,
  type ConformanceOptions,
  type ConformanceReport,
} from 'keyward/testing';
import { uniquePrefix } from '../helpers/services';
import { forEachDialect } from './dialects';

/**
 * Every store the SQL adapter provides, with the kit's check for it. The SQL stores implement
 * every optional method, so a missing one counts as a failure rather than a skip.
 */
const KIT: Array<
  [string, (stores: SqlStores, options: ConformanceOptions) => Promise<ConformanceReport>]
> = [
  ['userStore', (s, o) => checkUserStore(s.userStore, o)],
  ['sessionStore', (s, o) => checkSessionStore(s.sessionStore, o)],
  ['metadataStore', (s, o) => checkUserMetadataStore(s.metadataStore, o)],
  ['rbacStore', (s, o) => checkRolesPermissionsStore(s.rbacStore, o)],
  ['tenantStore', (s, o) => checkTenantStore(s.tenantStore, o)],
  ['settingsStore', (s, o) => checkSettingsStore(s.settingsStore, o)],
  ['linkedAccountsStore', (s, o) => checkLinkedAccountsStore(s.linkedAccountsStore, o)],
  ['pendingLinkStore', (s, o) => checkPendingLinkStore(s.pendingLinkStore, o)],
  ['twoFactorStore', (s, o) => checkTwoFactorStore(s.twoFactorStore, o)],
  ['rateLimitStore', (s, o) => checkRateLimitStore(s.rateLimitStore, o)],
  ['revocationFeed', (s, o) => checkRevocationFeed(s.revocationFeed, o)],
  ['apiKeyStore', (s, o) => checkApiKeyStore(s.apiKeyStore, o)],
  ['pendingPlanStore', (s, o) => checkPendingPlanStore(s.pendingPlanStore, o)],
];

forEachDialect('SQL stores pass the conformance kit', (d) => {
  const prefix = uniquePrefix('kwc');
  let stores: SqlStores;

  beforeAll(async () => {
    stores = d.open(prefix);
    await stores.migrate();
  });
  afterAll(async () => {
    await stores.dropTables();
    await stores.destroy();
  });

  it.each(KIT)('%s passes every check, optional methods included', async (_name, check) => {
    const report = await check(stores, { optional: 'require' });
    console.log(`[${d.name}] ${formatReport(report)}`);
    expect(report.passed.length).toBeGreaterThan(0);
    expect(report.skipped ?? []).toEqual([]);
    expect(report.failures).toEqual([]);
  });
});
