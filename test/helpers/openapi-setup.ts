import { forgetAll, verifyAll, watchEveryMount } from './openapi-check';

/**
 * After every test, the answers of every router an app mounts at a path (the shared fixtures'
 * and those a test file builds itself) are checked against the OpenAPI document the router
 * serves: an undocumented status or body fails the test.
 */
watchEveryMount();
afterEach(() => verifyAll());
afterAll(() => forgetAll());
