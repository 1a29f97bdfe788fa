/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          ignoreDeprecations: '6.0',
          esModuleInterop: true,
          isolatedModules: true,
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
  testTimeout: 30000,
};
