/**
 * One `npm test` runs five projects:
 * - memory: every test, with in-memory stores;
 * - sqlite: the auth endpoint suite again, on SQLite stores (users, sessions, second factors,
 *   rate limits, revocations: see test/helpers/store-backend.ts);
 * - postgres: the endpoint suite again, on PostgreSQL stores (needs KEYWARD_PG_URL; .ci/run sets it);
 * - mysql: the endpoint suite again, on MariaDB/MySQL stores (needs KEYWARD_MYSQL_URL);
 * - redis: the endpoint suite again, users in memory and every other store in Redis (needs
 *   KEYWARD_REDIS_URL).
 * The service projects create their tables (or keys) under a prefix unique to each test app and
 * remove them afterwards.
 */
/**
 * otplib 13 is ESM-first and its dependencies `@scure/base` and `@noble/hashes` (2.x), like
 * oauth4webapi 3, (and request-filtering-agent 3) ship only ES modules, which jest, running the tests as CommonJS, cannot require. Those files are compiled to CommonJS by
 * ts-jest (allowJs) like the tests; every other package is loaded untransformed. Switching
 * jest to ESM mode would change every suite, and downgrading to otplib 12 (CommonJS) would hold
 * a security library back a major version to suit the test runner. The build does not need this: tsup bundles the
 * same packages into both outputs (tsup.config.ts, noExternal).
 */
/**
 * The sandbox engine's WebAssembly builds are CommonJS but load their Emscripten glue with a
 * dynamic `import()`, which jest refuses without its ESM mode; compiled by ts-jest as CommonJS,
 * that `import()` becomes a `require`. Node itself runs the original as it is.
 */
const DYNAMIC_IMPORT = ['@jitl/quickjs-wasmfile-release-sync', '@jitl/quickjs-wasmfile-debug-sync'];

const ESM_ONLY = [
  ...DYNAMIC_IMPORT,
  'otplib',
  '@otplib',
  '@scure/base',
  '@noble/hashes',
  'oauth4webapi',
  'request-filtering-agent',
  // swagger-parser (a test-only OpenAPI validator) loads its ESM-only $ref resolver.
  '@apidevtools/json-schema-ref-parser',
]
  .map((p) => p.replace('/', '\\/'))
  .join('|');

const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Checks the answers of the watched apps against their OpenAPI document, and makes a test
  // that asserts nothing fail.
  setupFilesAfterEnv: [
    '<rootDir>/test/helpers/openapi-setup.ts',
    '<rootDir>/test/helpers/has-assertions.ts',
  ],
  transformIgnorePatterns: [`node_modules/(?!(?:${ESM_ONLY})/)`],
  transform: {
    [`node_modules/(?:${ESM_ONLY})/.+\\.[cm]?js$`]: [
      'ts-jest',
      {
        tsconfig: { module: 'commonjs', allowJs: true, isolatedModules: true },
        diagnostics: false,
      },
    ],
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          ignoreDeprecations: '6.0',
          esModuleInterop: true,
          isolatedModules: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
        },
      },
    ],
  },
  // Tests import the package by its public name, exactly as users do.
  moduleNameMapper: {
    '^keyward$': '<rootDir>/src/index.ts',
    '^keyward/(sql|redis)$': '<rootDir>/src/adapters/$1/index.ts',
    '^keyward/testing$': '<rootDir>/src/testing/index.ts',
  },
};

/** The HTTP suites of the auth endpoints; they build their apps with test/helpers/app.ts. */
const ENDPOINT_SUITES = [
  'smoke',
  'login',
  'register',
  'middleware',
  'cookies',
  'cookies.secure',
  'csrf',
  'csrf.origin',
  'cors',
  'refresh',
  'refresh.grace',
  'sessions',
  'devices',
  'password-reset',
  'change-password',
  'email-verification',
  'change-email',
  'account-deletion',
  'events',
  'rate-limiter',
  'bad-input',
  'mailer',
  'totp.setup',
  'totp.login',
  'totp.replay',
  'totp.recovery',
  'totp.policy',
  'totp.enrolment',
  'totp.migration',
  'magic-link',
  'sms',
  'passwords.hashing',
  'passwords.policy',
  'compat.cookies',
  'compat.tokens',
  'compat.passwords',
  'compat.errors',
  'compat.site-urls',
].map((name) => `<rootDir>/test/${name}.test.ts`);

const onStore = (name) => ({
  ...base,
  displayName: name,
  testMatch: ENDPOINT_SUITES,
  setupFiles: [`<rootDir>/test/helpers/use-${name}.ts`],
  setupFilesAfterEnv: [...base.setupFilesAfterEnv, '<rootDir>/test/helpers/backend-cleanup.ts'],
});

const projects = [
  { ...base, displayName: 'memory', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  onStore('sqlite'),
];
const SERVICE_PROJECTS = [
  ['postgres', 'KEYWARD_PG_URL', 'PostgreSQL'],
  ['mysql', 'KEYWARD_MYSQL_URL', 'MariaDB'],
  ['redis', 'KEYWARD_REDIS_URL', 'Redis'],
];
for (const [name, variable, label] of SERVICE_PROJECTS) {
  if (process.env[variable]) projects.push(onStore(name));
  else console.warn(`\n!!! ${variable} is not set: SKIPPING the endpoint suite on ${label}.\n`);
}

/** @type {import('jest').Config} */
module.exports = { projects, testTimeout: 30000 };
