import type { Config } from 'jest';

// Every suite runs twice: against Express 5 (the `express` dev dependency) and
// against Express 4 (the `express4` alias), so both supported majors stay green.
const shared: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', {}] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

const config: Config = {
  globalSetup: '<rootDir>/test/helpers/redis-global-setup.ts',
  projects: [
    { ...shared, displayName: 'express5' },
    {
      ...shared,
      displayName: 'express4',
      // The Redis Cluster suites test the store against a cluster each starts
      // (six redis-server processes), not Express: once, under Express 5, is enough.
      // The `.express5.test.ts` suites type-check against @types/express 5, the only
      // one installed, whichever Express runs: they too run under Express 5 only.
      testPathIgnorePatterns: [
        '/node_modules/',
        '\\.cluster(-[a-z]+)?\\.test\\.ts$',
        '\\.express5\\.test\\.ts$',
      ],
      moduleNameMapper: { ...shared.moduleNameMapper, '^express$': 'express4' },
    },
  ],
};

export default config;
