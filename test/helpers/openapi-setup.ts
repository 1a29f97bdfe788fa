import { forgetAll, verifyAll } from './openapi-check';

/**
 * After every test, the answers of the watched routers (test/helpers/app.ts, the admin API
 * fixture) are checked against their OpenAPI document: an undocumented status or body fails
 * the test.
 */
afterEach(() => verifyAll());
afterAll(() => forgetAll());
