// Setup file of the jest project that runs the endpoint suite on PostgreSQL stores.
process.env.KEYWARD_TEST_STORE = 'postgres';
