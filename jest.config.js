const ESM_ONLY =
  '(@octokit|universal-user-agent|universal-github-app-jwt|before-after-hook|json-with-bigint|content-type)';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The sandbox workspace package from its sources, as tsconfig.json's `paths` (no build needed).
  moduleNameMapper: { '^@leasehold/sandbox$': '<rootDir>/packages/sandbox/src/index.ts' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // ESM-only dependencies (@octokit/rest and what it imports): compiled to CommonJS for Jest's module
    // registry, as Node (>= 20.19) loads them with require(esm) outside Jest.
    [`/node_modules/${ESM_ONLY}/.+\\.js$`]: ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY}/)`],
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  setupFiles: ['<rootDir>/test/harness/setup-runtime.ts'],
  testTimeout: 120_000,
  // Two cores: three test files at a time. Most files wait on real timers and on Temporal more than they
  // compute (a whole run uses ~1.6 cores), so a third overlaps those waits (620 tests: 274 s, against
  // 358 s at two); four was faster still, but leaves the Temporal server less room on a busy machine.
  maxWorkers: 3,
};
