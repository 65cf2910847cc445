import { quietLogger } from '../../src/worker/workflow-bundle';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { ensureNamespace } from '../../src/temporal/namespace';
import { ms, percentile, sleep, type PerfContext, type Row } from './common';
import { goSignal, type rawBaselineWorkflow } from './raw-workflow';

/**
 * Figure 1, the raw baseline on the same server in the same run: a tiny workflow waits for a signal
 * and then runs one no-op activity (or four, chained); measured from sending the signal to the (last)
 * activity starting. Its own namespace, task queue, bundle and Worker, in this process like the stack's.
 * It runs first, before any stack sets LEASEHOLD_WORKFLOW_STACK_TRACES: a Worker as the SDK makes it.
 */
export async function rawBaseline(ctx: PerfContext): Promise<Row[]> {
  const address = process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS!;
  const namespace = `perf-raw-${randomUUID().slice(0, 8)}`;
  const connection = await Connection.connect({ address });
  await ensureNamespace(connection, namespace, 1);
  const client = new Client({ connection, namespace });
  const taskQueue = `perf-raw-${randomUUID().slice(0, 8)}`;
  const waiting = new Map<string, (at: number) => void>();
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./raw-workflow'),
    logger: quietLogger,
  });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflowBundle,
    activities: {
      noop: async (step: number): Promise<void> => {
        const at = performance.now();
        const info = Context.current().info;
        waiting.get(`${info.workflowExecution?.workflowId ?? ''}#${step}`)?.(at);
      },
    },
  });
  const running = worker.run();
  const measure = async (steps: number, n: number): Promise<number[]> => {
    const latencies: number[] = [];
    for (let i = 0; i < n + 2; i++) {
      const workflowId = `raw-${steps}-${i}-${randomUUID().slice(0, 6)}`;
      const handle = await client.workflow.start<typeof rawBaselineWorkflow>('rawBaselineWorkflow', {
        workflowId,
        taskQueue,
        args: [steps],
      });
      await sleep(150); // the first workflow task has run: the workflow is blocked on its signal
      const started = new Promise<number>((resolve) => waiting.set(`${workflowId}#${steps - 1}`, resolve));
      const t0 = performance.now();
      await handle.signal(goSignal);
      const at = await Promise.race([started, sleep(30_000).then(() => NaN)]);
      if (Number.isNaN(at)) ctx.broken.push(`raw baseline ${workflowId}: the activity never started`);
      else if (i >= 2) latencies.push(at - t0); // the first two warm the worker's caches up
      await handle.result();
    }
    return latencies;
  };
  try {
    const n = ctx.size(50, 20);
    const one = await measure(1, n);
    const four = await measure(4, n);
    const p50One = percentile(one, 50);
    const p50Four = percentile(four, 50);
    ctx.baselineMs = p50One;
    return [
      {
        figure: '1. raw: signal → no-op activity starts, p50',
        measured: `${ms(p50One)} (p99 ${ms(percentile(one, 99))}, n=${one.length})`,
        target: 'reference 26 ms',
        ratio: 1,
      },
      {
        figure: '1. raw: signal → 4th of 4 chained no-op activities starts, p50',
        measured: `${ms(p50Four)} (p99 ${ms(percentile(four, 99))}, n=${four.length})`,
        target: 'reference 130 ms',
        ratio: p50Four / p50One,
      },
    ];
  } finally {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
  }
}
