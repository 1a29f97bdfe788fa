// Setup file of the jest project that runs the endpoint suite with users in memory and every
// other store (sessions, second factors, rate limits, revocations) in Redis.
process.env.KEYWARD_TEST_STORE = 'redis';
