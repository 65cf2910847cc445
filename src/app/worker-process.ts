import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { ConnectorRegistry } from '../connectors/registry';
import { logger } from '../logging';
import { RulesStore } from '../temporal/rules-store';
import { connectClient, connectWorker, type TemporalTarget } from '../temporal/connection';
import { createLeaseholdWorker } from '../worker/create-worker';
import { WorkerMetrics } from './worker-metrics';

export interface RunningWorker {
  worker: Worker;
  client: Client;
  /** What the health server's `/metrics` serves. */
  metrics: WorkerMetrics;
  stop(): Promise<void>;
}

export interface RunWorkerOptions {
  /** A pre-built workflow bundle (tests bundle once per run). */
  workflowBundlePath?: string;
  /** How long the activities may reuse a read of the rules in force (default 1 s). */
  rulesCacheMs?: number;
}

/** Connects to Temporal and runs the Leasehold worker until stopped. */
export async function runWorker(
  target: TemporalTarget,
  taskQueue: string,
  options: RunWorkerOptions = {},
): Promise<RunningWorker> {
  const client = await connectClient(target);
  const connection: NativeConnection = await connectWorker(target);
  const metrics = new WorkerMetrics(() => client);
  const activities = createActivities({
    client: () => client,
    taskQueue,
    rules: new RulesStore(client, taskQueue, options.rulesCacheMs ?? 1_000),
    connectors: new ConnectorRegistry(),
    metrics,
  });
  const worker = await createLeaseholdWorker({
    connection,
    namespace: target.namespace,
    taskQueue,
    activities,
    workflowBundlePath: options.workflowBundlePath,
  });
  const running = worker.run();
  running.catch((err: unknown) => logger.fatal({ err }, 'worker stopped with an error'));
  logger.info({ address: target.address, namespace: target.namespace, taskQueue }, 'worker running');
  return {
    worker,
    client,
    metrics,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await client.connection.close();
    },
  };
}
