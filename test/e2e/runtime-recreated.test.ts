import net from 'node:net';
import { Runtime } from '@temporalio/worker';
import { connectWorker } from '../../src/temporal/connection';
import { temporalMetricsUrl } from '../../src/temporal/runtime';

/**
 * Core shuts the Temporal runtime down when its last worker and connection close, and creates it again
 * (with the options it had) for the next one. A worker restarted in the same process (as the worker
 * process does after an outage) must not fail because another process took the metrics port meanwhile.
 */
test('a worker connecting after the runtime shut down gets a metrics endpoint even when its old port is taken', async () => {
  const target = { address: process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS!, namespace: 'default' };
  // test/harness/setup-runtime.ts installed the runtime with metrics, as `leasehold worker` does.
  const first = new URL(temporalMetricsUrl()!);
  await (await connectWorker(target)).close();
  expect(Runtime._instance).toBeUndefined(); // the last connection closed: core shut the runtime down

  const squatter = net.createServer();
  await new Promise<void>((listening) => squatter.listen(Number(first.port), first.hostname, listening));
  try {
    const again = await connectWorker(target);
    const second = new URL(temporalMetricsUrl()!);
    expect(second.port).not.toBe(first.port);
    expect((await fetch(second)).status).toBe(200);
    await again.close();
  } finally {
    squatter.close();
  }
});
