import { temporal } from '@temporalio/proto';
import { Leasehold } from '../harness/leasehold';
import { POLICY_WORKFLOW_ID, accessRequestWorkflowId } from '../../src/workflows/ids';

/**
 * Work separated by kind (src/workflows/task-queues.ts): the policy workflow, Jira write-back and each
 * directory connection's membership calls run on task queues of their own, so a backlog of one cannot
 * starve the others, and a connection's queue carries its rate limit.
 */
describe('task queues by kind of work', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  /** Each activity a run scheduled, with the task queue it was scheduled on. */
  async function scheduled(workflowId: string): Promise<Array<{ activity: string; taskQueue: string }>> {
    const history = await lh.client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && a
        ? [{ activity: a.activityType?.name ?? '', taskQueue: a.taskQueue?.name ?? '' }]
        : [];
    });
  }

  test('a grant writes back to Jira on the Jira queue and changes Okta on the Okta connection queue', async () => {
    const key = await lh.request({ as: 'alice', app: 'Jira Software', level: 'User', duration: '5 seconds' });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'bob');
    await lh.result(key);

    const request = await scheduled(accessRequestWorkflowId(key));
    const writes = request.filter((s) => ['commentOnIssue', 'transitionIssue', 'attachEvidence'].includes(s.activity));
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes.map((w) => w.taskQueue))).toEqual(new Set([`${lh.taskQueue}-jira`]));
    const lookups = request.filter((s) => ['loadPolicy', 'verifyDecision'].includes(s.activity));
    expect(new Set(lookups.map((l) => l.taskQueue))).toEqual(new Set([lh.taskQueue]));

    const leases = lh.client.workflow.list({ query: `WorkflowType = 'groupLeaseWorkflow'` });
    const calls: Array<{ activity: string; taskQueue: string }> = [];
    for await (const lease of leases) calls.push(...(await scheduled(lease.workflowId)));
    // A change and its read-back are one activity each way.
    expect(calls.map((c) => c.activity)).toEqual(expect.arrayContaining(['ensureMember', 'ensureRemoved']));
    expect(calls.map((c) => c.activity)).not.toContain('verifyMembership');
    // The acquire's "already a member?" read runs in the lease's own workflow task (a local activity): it
    // goes to the connection's queue only when that one attempt fails.
    expect(calls.map((c) => c.activity)).not.toContain('isMember');
    expect(new Set(calls.map((c) => c.taskQueue))).toEqual(new Set([`${lh.taskQueue}-directory-okta`]));
  });

  test('the policy workflow runs on its own queue', async () => {
    const described = await lh.client.workflow.getHandle(POLICY_WORKFLOW_ID).describe();
    expect(described.taskQueue).toBe(`${lh.taskQueue}-policy`);
  });
});
