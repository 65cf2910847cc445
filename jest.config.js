/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The sandbox workspace package from its sources, as tsconfig.json's `paths` (no build needed).
  moduleNameMapper: { '^@leasehold/sandbox$': '<rootDir>/packages/sandbox/src/index.ts' },
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  setupFiles: ['<rootDir>/test/harness/setup-runtime.ts'],
  testTimeout: 120_000,
  // Two cores: one test file at a time per core keeps the Temporal server responsive.
  maxWorkers: 2,
};
