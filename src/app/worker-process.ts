import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, pickActivities } from '../activities';
import { DEFAULT_WORKFLOW_CACHE, type Env } from '../config/env';
import { ConnectorRegistry } from '../connectors/registry';
import { logger } from '../logging';
import { RulesStore } from '../temporal/rules-store';
import { connectClient, connectWorker, type TemporalTarget } from '../temporal/connection';
import { createLeaseholdWorker } from '../worker/create-worker';
import { DirectoryWorkers } from '../worker/directory-workers';
import { heapBudgetWarning } from '../worker/heap-budget';
import { keepAliveInterceptors } from '../worker/keep-alive';
import { recordWorkflowStackTraces } from '../worker/stack-traces';
import { jiraTaskQueue, policyTaskQueue } from '../workflows/task-queues';
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
  /** Request and lease runs kept in memory (default 250; see MAIN_WORKER_OPTIONS). */
  workflowCacheSize?: number;
  /** How often the directory workers follow the rules' connections (default 30 s). */
  followRulesEveryMs?: number;
  /** Stack traces of workflow promises for the UI's "Stack Trace" tab (default: the SDK's, on). */
  workflowStackTraces?: boolean;
}

/** The worker's settings an operator sets in the environment. */
export function workerOptionsFrom(
  env: Pick<Env, 'LEASEHOLD_WORKER_CACHE' | 'LEASEHOLD_WORKFLOW_STACK_TRACES'>,
): RunWorkerOptions {
  return {
    workflowCacheSize: env.LEASEHOLD_WORKER_CACHE,
    workflowStackTraces: env.LEASEHOLD_WORKFLOW_STACK_TRACES === 'on',
  };
}

/**
 * The request and lease workflows' worker. Most runs sleep for days: a bounded cache keeps memory flat
 * with 10,000 live grants (a run not in the cache is replayed from its history when it wakes). The bound
 * trades memory for storms, as measured (bench figures 5 and 6): 1,000 grants ending in the same minute
 * wake 2,000 runs several times each while the directory's budget paces them, and with 250 cached most
 * wake-ups replay. Since lease runs go first (src/workflows/priorities.ts) the Okta storm no longer
 * waits on those replays: 1.09× its floor at 250, with the worker at 354 MiB with 10,000 grants
 * (2,500 cached, before the priority and with stack traces on: 1.11× for 1,705 MiB). The default keeps memory;
 * `LEASEHOLD_WORKER_CACHE` raises it where storms matter more. Workflow tasks are short,
 * activities mostly wait on HTTP.
 */
const MAIN_WORKER_OPTIONS: Partial<WorkerOptions> = {
  maxCachedWorkflows: DEFAULT_WORKFLOW_CACHE,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentActivityTaskExecutions: 100,
};

/** Connects to Temporal and runs the Leasehold workers (one per kind of work) until stopped. */
export async function runWorker(
  target: TemporalTarget,
  taskQueue: string,
  options: RunWorkerOptions = {},
): Promise<RunningWorker> {
  if (options.workflowStackTraces !== undefined) recordWorkflowStackTraces(options.workflowStackTraces);
  const client = await connectClient(target);
  const connection: NativeConnection = await connectWorker(target);
  const metrics = new WorkerMetrics(() => client);
  const rules = new RulesStore(client, taskQueue, options.rulesCacheMs ?? 1_000);
  let directories: DirectoryWorkers | undefined;
  const activities = createActivities({
    client: () => client,
    taskQueue,
    rules,
    connectors: new ConnectorRegistry(),
    metrics,
    queuesByKind: true,
    // A request pins its connection's queue: make sure it is served now, not at the next follow-up.
    rulesRead: (read) => void directories?.sync(async () => read),
  });
  const bundle = {
    workflowBundlePath: options.workflowBundlePath,
    workflowStackTraces: options.workflowStackTraces ?? false,
  };
  const cachedRuns = options.workflowCacheSize ?? DEFAULT_WORKFLOW_CACHE;
  const tooBig = heapBudgetWarning({ cachedRuns, stackTraces: bundle.workflowStackTraces });
  if (tooBig) logger.warn(tooBig);
  const common = { connection, namespace: target.namespace, activities, ...bundle };
  // Work by kind (see src/workflows/task-queues.ts): requests and leases, the policy, Jira write-back,
  // and one rate-limited queue per directory connection.
  const worker = await createLeaseholdWorker({
    ...common,
    taskQueue,
    overrides: { ...MAIN_WORKER_OPTIONS, maxCachedWorkflows: cachedRuns },
  });
  const policyWorker = await createLeaseholdWorker({
    ...common,
    taskQueue: policyTaskQueue(taskQueue),
    overrides: { maxCachedWorkflows: 10, workflowThreadPoolSize: 1 },
  });
  const jiraWorker = await Worker.create({
    connection,
    namespace: target.namespace,
    taskQueue: jiraTaskQueue(taskQueue),
    activities: pickActivities(activities, [
      'commentOnIssue',
      'transitionIssue',
      'attachEvidence',
      'raiseReclaimNotice',
      'openCampaignIssue',
      'openReviewItem',
      'attachCampaignEvidence',
      'postApprovalRequests',
      'updateApprovalMessages',
      'remindApprovers',
    ]),
    interceptors: keepAliveInterceptors,
    maxConcurrentActivityTaskExecutions: 50,
  });
  directories = new DirectoryWorkers({
    connection,
    namespace: target.namespace,
    baseTaskQueue: taskQueue,
    activities,
  });
  const workers = [worker, policyWorker, jiraWorker];
  const running = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  running.catch((err: unknown) => logger.fatal({ err }, 'worker stopped with an error'));
  // Reading the rules is a query of the policy workflow, which the policy worker (running now) answers.
  // A read still in flight at stop is cancelled: a call left on a closing connection would be retried
  // on it (the client's retry then throws "Channel has been shut down" from a timer). One controller per
  // read: the client never removes the listener it adds to the signal.
  let reading: AbortController | undefined;
  let stopped = false;
  const followRules = () =>
    directories!.sync(async () => {
      if (stopped) return undefined;
      const read = (reading = new AbortController());
      try {
        return await client.connection.withAbortSignal(read.signal, async () => (await rules.current())?.rules);
      } finally {
        if (reading === read) reading = undefined;
      }
    });
  void followRules();
  const following = setInterval(() => void followRules(), options.followRulesEveryMs ?? 30_000);
  following.unref();
  logger.info({ address: target.address, namespace: target.namespace, taskQueue }, 'worker running');
  return {
    worker,
    client,
    metrics,
    async stop() {
      clearInterval(following);
      stopped = true;
      reading?.abort();
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all([running.catch(() => undefined), directories!.stop()]);
      await connection.close();
      await client.connection.close();
    },
  };
}
