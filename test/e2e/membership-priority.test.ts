import { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { accessRequestWorkflowId } from '../../src/workflows/ids';
import { MEMBERSHIP_PRIORITY_KEY } from '../../src/workflows/priorities';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';
import { runCli } from '../harness/cli';
import { Leasehold } from '../harness/leasehold';

async function priorityKey(client: Client, workflowId: string): Promise<number | undefined> {
  const described = await client.workflow.getHandle(workflowId).describe();
  return described.raw.workflowExecutionInfo?.priority?.priorityKey ?? undefined;
}

async function runningLeases(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({
    query: `WorkflowType = 'groupLeaseWorkflow' AND ExecutionStatus = 'Running'`,
  }))
    ids.push(wf.workflowId);
  return ids;
}

/**
 * Membership changes go first (src/workflows/priorities.ts): a lease's tasks are dispatched ahead of the
 * request runs' when both wait, so a wave of expiries reaches the directory at once.
 */
describe('membership priority', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  test('a lease runs ahead of requests; `leases prioritize` moves an older lease, once, and it still ends the grant', async () => {
    const key = await lh.request({ as: 'alice', app: 'Confluence', level: 'User', duration: '8 seconds', why: 'docs' });
    await lh.waitForState(key, 'Active');
    const [lease, ...others] = await runningLeases(lh.client);
    expect(others).toEqual([]);
    expect(await priorityKey(lh.client, lease!)).toBe(MEMBERSHIP_PRIORITY_KEY);
    expect(await priorityKey(lh.client, accessRequestWorkflowId(key))).not.toBe(MEMBERSHIP_PRIORITY_KEY);

    // A lease as started before the change: the default priority.
    await lh.client.workflowService.updateWorkflowExecutionOptions({
      namespace: lh.client.options.namespace,
      workflowExecution: { workflowId: lease },
      workflowExecutionOptions: { priority: { priorityKey: 3 } },
      updateMask: { paths: ['priority'] },
      identity: 'test: a lease from an older version',
    });
    expect(await priorityKey(lh.client, lease!)).toBe(3);

    const moved = await runCli(lh, ['leases', 'prioritize', '--as', 'dave']);
    expect(moved.exitCode).toBe(0);
    expect(moved.stdout).toContain(`prioritized ${lease}`);
    expect(moved.stdout).toContain('1 lease(s) prioritized, 0 already were');
    expect(await priorityKey(lh.client, lease!)).toBe(MEMBERSHIP_PRIORITY_KEY);
    const again = await runCli(lh, ['leases', 'prioritize']);
    expect(again.stdout.trim()).toBe('0 lease(s) prioritized, 1 already were');

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(lh.sandboxes.okta.groupMembers('confluence-users')).not.toContain('alice@example.com');
    // The options change is an event in the lease's history; a worker that replays it goes on as before.
    const history = await lh.client.workflow.getHandle(lease!).fetchHistory();
    expect(JSON.stringify(history)).toContain('leasehold leases prioritize (dave)');
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.LEASEHOLD_WORKFLOW_BUNDLE! } }, history);
  });
});
