import { Worker, type NativeConnection } from '@temporalio/worker';
import type { LeaseholdActivities } from '../activities/contract';
import { pickActivities } from '../activities';
import { keepAliveInterceptors } from './keep-alive';
import { logger } from '../logging';
import type { Connection, RulesDocument } from '../policy/schema';
import { directoryTaskQueue } from '../workflows/task-queues';

/**
 * One activity worker per directory connection of the rules in force, on the connection's own task
 * queue, with the connection's request budget as the queue's activity rate: Temporal's matching service
 * hands out that connection's membership calls no faster than the directory takes them, across every
 * worker process, so 1,000 expiries in a minute queue in Temporal (visible, durable) rather than fail
 * as 429s. The set follows the rules: a new connection gets a worker, a changed budget a new one.
 */

/** Budgets (requests per minute) when a connection sets none: the vendors' documented floors. */
export const DEFAULT_REQUESTS_PER_MINUTE: Record<Exclude<Connection['type'], 'jira'>, number> = {
  okta: 600, // groups endpoints: 500–1,000/min depending on the plan
  entra: 1_200, // Graph directory writes are throttled per tenant and app, well above this
  github: 150, // secondary limit: 900 points/min, a write costs 5 (one add or remove plus its read back)
  atlassian: 600,
  google: 2_400, // Directory API: 2,400 queries/min per user per project
  aws: 1_200, // Identity Store: 20 requests/s per account for membership calls
};

/** The budget of a directory connection (undefined for Jira, which has no membership calls). */
export function requestsPerMinute(connection: Connection): number | undefined {
  if (connection.type === 'jira') return undefined;
  return connection.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE[connection.type];
}

/**
 * Calls against the connection's budget that one membership change makes: since 'lease-ensure' a change
 * is one activity, its write and its read-back. Okta counts the read-back (`/api/v1/users/{id}/groups`)
 * against its users limit, not the groups one the budget is for; every other directory counts both.
 */
export const BUDGETED_CALLS_PER_CHANGE: Record<Exclude<Connection['type'], 'jira'>, number> = {
  okta: 1,
  entra: 2,
  github: 2,
  atlassian: 2,
  google: 2,
  aws: 2,
};

/**
 * The connection queue's activity rate: its budget spread over the calls of one change. An activity of
 * runs from before 'lease-ensure' makes one call, so those are paced conservatively, never too fast.
 */
export function activitiesPerSecond(connection: Connection): number | undefined {
  const perMinute = requestsPerMinute(connection);
  if (perMinute === undefined || connection.type === 'jira') return undefined;
  return perMinute / 60 / BUDGETED_CALLS_PER_CHANGE[connection.type];
}

const DIRECTORY_ACTIVITIES = [
  'isMember',
  'addMember',
  'removeMember',
  'verifyMembership',
  'ensureMember',
  'ensureRemoved',
] as const;

interface Running {
  perMinute: number;
  perSecond: number;
  worker: Worker;
  done: Promise<void>;
}

export class DirectoryWorkers {
  private readonly running = new Map<string, Running>();
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly deps: {
      connection: NativeConnection;
      namespace: string;
      baseTaskQueue: string;
      activities: LeaseholdActivities;
      /** Membership calls one worker runs at once (the rate limit paces them; this bounds the sockets). */
      maxConcurrent?: number;
    },
  ) {}

  /**
   * Brings the set of workers in line with the connections of the rules `load` reads (serialised: calls
   * queue up). A read that fails changes nothing: the workers keep serving, and the next call tries again.
   */
  sync(load: () => Promise<RulesDocument | undefined>): Promise<void> {
    this.syncing = this.syncing
      .then(async () => this.apply(await load()))
      .catch((err: unknown) => {
        if (!this.stopped) logger.warn({ err }, 'directory workers: could not read the rules; trying again later');
      });
    return this.syncing;
  }

  /** The connections served and their budgets (for logs and metrics). */
  budgets(): Record<string, number> {
    return Object.fromEntries([...this.running].map(([name, r]) => [name, r.perMinute]));
  }

  /**
   * Stops every directory worker. A follow-up still reading the rules is not waited for (the policy
   * worker may already be gone, and the read would wait for it); whatever it would start is stopped.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.running.keys()].map((name) => this.retire(name)));
  }

  /**
   * A connection that leaves the rules keeps its worker (leases pinned to it may still need to release);
   * a changed budget replaces the worker (a queue's rate is set by its pollers).
   */
  private async apply(rules: RulesDocument | undefined): Promise<void> {
    if (this.stopped) return;
    for (const [name, connection] of Object.entries(rules?.connections ?? {})) {
      const perMinute = requestsPerMinute(connection);
      const perSecond = activitiesPerSecond(connection);
      if (perMinute === undefined || perSecond === undefined) continue;
      const running = this.running.get(name);
      if (running?.perSecond === perSecond) continue;
      if (running) await this.retire(name);
      await this.start(name, perMinute, perSecond);
    }
  }

  private async start(name: string, perMinute: number, perSecond: number): Promise<void> {
    const taskQueue = directoryTaskQueue(this.deps.baseTaskQueue, name);
    const activities = pickActivities(this.deps.activities, DIRECTORY_ACTIVITIES);
    const worker = await Worker.create({
      connection: this.deps.connection,
      namespace: this.deps.namespace,
      taskQueue,
      activities,
      interceptors: keepAliveInterceptors,
      maxTaskQueueActivitiesPerSecond: perSecond,
      maxConcurrentActivityTaskExecutions: this.deps.maxConcurrent ?? 50,
    });
    const done = worker.run().catch((err: unknown) => logger.error({ err, taskQueue }, 'directory worker stopped'));
    this.running.set(name, { perMinute, perSecond, worker, done });
    if (this.stopped) return this.retire(name); // stopped while it was being created
    logger.info({ connection: name, taskQueue, perMinute, activitiesPerSecond: perSecond }, 'directory worker running');
  }

  private async retire(name: string): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    this.running.delete(name);
    if (running.worker.getState() === 'RUNNING') running.worker.shutdown();
    await running.done;
  }
}
