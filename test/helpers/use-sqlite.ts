// Setup file of the jest project that runs the endpoint suite on SQLite stores.
process.env.KEYWARD_TEST_STORE = 'sqlite';
