import { buildAuthOpenApiSpec } from 'keyward';
import { forgetAll, verifyAll, type SpecDocument } from './openapi-check';

/**
 * After every test, the answers of the watched routers (test/helpers/app.ts) are checked
 * against their OpenAPI document: an undocumented status or body fails the test. A router
 * that serves no spec (`swagger: false`) is checked against the spec of every feature.
 */
const everything = () =>
  buildAuthOpenApiSpec({
    register: true,
    magicLink: true,
    totp: true,
    sms: true,
    oauth: true,
    deleteAccount: true,
    sessionCleanup: true,
    linkedAccounts: true,
    linkRequests: true,
    apiKeys: true,
    docs: true,
  }) as SpecDocument;

afterEach(() => verifyAll(everything));
afterAll(() => forgetAll());
