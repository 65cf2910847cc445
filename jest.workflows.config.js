const base = require('./jest.config');

/**
 * The fast workflow tests alone (`npm run test:workflows`): the time-skipping test server with mocked
 * activities, so no dev server is started. `npm test` runs them with everything else.
 */
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/workflows'],
  globalSetup: '<rootDir>/test/harness/workflow-tests-setup.ts',
  globalTeardown: undefined,
  // These tests wait on the test server's round trips far more than they compute: three files at a time
  // keep two cores busy (each file has its own test server and worker); four contend.
  maxWorkers: 3,
};
