import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { LeaseholdActivities } from '../activities/contract';
import { keepAliveInterceptors } from './keep-alive';
import { workflowBundleOption } from './workflow-bundle';
import { logger } from '../logging';
import type { RequestSnapshot } from '../workflows/access-request/types';

export interface LeaseholdWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: LeaseholdActivities;
  /** A pre-built bundle (tests bundle once per run); otherwise src/workflows is bundled at start. */
  workflowBundlePath?: string;
  /** Workflow stack traces on: the bundle with the full source map (see workflow-bundle.ts). */
  workflowStackTraces?: boolean;
  /** Extra worker options (tests lower concurrency or add interceptors). */
  overrides?: Partial<WorkerOptions>;
}

/** The Leasehold worker: every workflow type and activity, on one task queue. */
export async function createLeaseholdWorker(options: LeaseholdWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    interceptors: keepAliveInterceptors,
    ...(await workflowBundleOption({
      bundlePath: options.workflowBundlePath,
      stackTraces: options.workflowStackTraces,
    })),
    sinks: {
      // The audit stream: one structured line per request state change (not repeated on replay).
      audit: {
        stateChanged: {
          fn: (info, snapshot: RequestSnapshot) =>
            logger.info(
              {
                audit: true,
                workflowId: info.workflowId,
                issueKey: snapshot.issueKey,
                state: snapshot.state,
                requester: snapshot.requester?.email,
                expiresAt: snapshot.expiresAt,
              },
              `${snapshot.issueKey} is ${snapshot.state}`,
            ),
          callDuringReplay: false,
        },
      },
    },
    ...options.overrides,
  });
}
