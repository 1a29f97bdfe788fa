/**
 * keyward/testing: a conformance kit for store implementations. Each `check…Store` function
 * runs named checks against a store and resolves to a report; it never throws for a failed
 * check, so it works with any test runner (assert on `report.failures`, or call
 * `assertConformant(report)`).
 */
export type { ConformanceFailure, ConformanceReport } from './report';
export { assertConformant, formatReport, type ConformanceOptions } from './runner';
export { checkUserStore } from './user-store-checks';
export { checkSessionStore } from './session-store-checks';
export { checkUserMetadataStore } from './metadata-store-checks';
export { checkRolesPermissionsStore } from './roles-permissions-store-checks';
export { checkTenantStore } from './tenant-store-checks';
export { checkSettingsStore } from './settings-store-checks';
export { checkLinkedAccountsStore } from './linked-accounts-store-checks';
export { checkPendingLinkStore } from './pending-link-store-checks';
export { checkRateLimitStore } from './rate-limit-store-checks';
export { checkTwoFactorStore } from './two-factor-store-checks';
export { checkRevocationFeed } from './revocation-feed-checks';
export { checkApiKeyStore } from './api-key-store-checks';
export { checkEventLog } from './event-log-checks';
export { checkWebhookStore } from './webhook-store-checks';
export { checkPendingPlanStore } from './pending-plan-store-checks';
