import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    sql: 'src/adapters/sql/index.ts',
    redis: 'src/adapters/redis/index.ts',
    testing: 'src/testing/index.ts',
  },
  // Database drivers are optional peers: never bundled, only loaded by the subpath that uses them.
  // @node-rs/argon2 is an optional native package, loaded at run time only when installed.
  // swagger-ui-dist, an optional peer, is only located on disk (its files are served, never run).
  external: ['pg', 'mysql2', 'better-sqlite3', 'ioredis', '@node-rs/argon2', 'swagger-ui-dist'],
  // otplib 13 with its dependencies, and oauth4webapi, are bundled into both builds: `@scure/base`
  // and oauth4webapi ship only ES modules, so the CommonJS build would otherwise need `require(esm)` (Node 20.19+, 22.12+),
  // and with the whole tree bundled dist/ never requires a package keyward does not declare.
  noExternal: [
    'otplib',
    /^@otplib\//,
    '@scure/base',
    /^@noble\/hashes(\/|$)/,
    'oauth4webapi',
    'request-filtering-agent',
  ],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  // Shared modules (errors, store types) exist once, so an AuthError thrown by keyward/sql is the
  // same class the router checks, in both builds.
  splitting: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  // The password hasher resolves bcryptjs with `require.resolve` to hand its path to worker
  // threads; the ESM build gets a real `require` so both builds share one source.
  banner: ({ format }) =>
    format === 'esm'
      ? {
          js: "import { createRequire as __kwCreateRequire } from 'node:module';\nconst require = __kwCreateRequire(import.meta.url);",
        }
      : {},
});
