// Setup file of the jest project that runs the endpoint suite on MariaDB (or MySQL) stores.
process.env.KEYWARD_TEST_STORE = 'mysql';
