import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { prepareWorkflowTests } from './workflow-tests-setup';

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
  await prepareWorkflowTests();
}
