import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { LeaseholdActivities } from '../../src/activities/contract';
import type { ReclaimInput, ReclaimRecord } from '../../src/workflows/reclaim/types';
import type { reclaimWorkflow } from '../../src/workflows/reclaim/workflow';
import { directoryCallsTo, FakeDirectoryGroup, leaseHandOff } from '../harness/fakes';
import { mockedTemporal } from '../harness/time-skipping';

const DAY = 86_400_000;

/**
 * One inactivity reclaim over its real durations (a 7-day grace after 30 days without a sign-in), on the
 * time-skipping server, with the group lease doing the removal against a fake directory group.
 */
describe('inactivity reclaim workflow', () => {
  let env: TestWorkflowEnvironment;
  let temporal: Awaited<ReturnType<typeof mockedTemporal>>;
  const taskQueue = 'reclaim-test';
  let group: FakeDirectoryGroup;
  let lastSignIn: string | undefined;
  const notices: string[] = [];
  const comments: string[] = [];

  beforeAll(async () => {
    const activities = (e: TestWorkflowEnvironment): Partial<LeaseholdActivities> => ({
      ...group0(),
      lastSignIn: async () => lastSignIn,
      raiseReclaimNotice: async ({ record }) => {
        notices.push(`${record.person}: until ${record.graceEnds}`);
        return `ACCESS-${notices.length}`;
      },
      commentOnIssue: async ({ issueKey, text }) => void comments.push(`${issueKey}: ${text}`),
      attachEvidence: async () => ({ as: 'attachment' as const }),
      sendLeaseOperation: leaseHandOff(e.client, taskQueue),
    });
    temporal = await mockedTemporal(taskQueue, activities);
    env = temporal.env;
  });
  afterAll(async () => {
    await temporal?.stop();
  });
  // The directory calls go to whichever group the current test uses.
  const group0 = () => directoryCallsTo(() => group);

  let n = 0;
  beforeEach(() => {
    group = new FakeDirectoryGroup();
    group.members.add('u-erin'); // a member since before Leasehold: no lease holds it
    notices.length = 0;
    comments.length = 0;
  });
  const start = async (): Promise<{ result: () => Promise<ReclaimRecord> }> => {
    const now = await env.currentTimeMs();
    const input: ReclaimInput = {
      group: {
        application: 'Jira Software',
        level: 'User',
        connectionName: 'okta',
        connection: { type: 'okta', orgUrl: 'http://okta.invalid', token: { env: 'OKTA_API_TOKEN' }, maxSdkRetries: 0 },
        groupId: `g-${++n}`,
        groupName: 'jira-software-users',
        inactiveForMs: 30 * DAY,
        graceMs: 7 * DAY,
      },
      member: { userId: 'u-erin', login: 'erin@example.com', lastActivity: new Date(now - 31 * DAY).toISOString() },
      jira: { connectionName: 'jira', connection: { type: 'jira' } as never },
      foundAt: new Date(now).toISOString(),
    };
    lastSignIn = input.member.lastActivity;
    const handle = await env.client.workflow.start<typeof reclaimWorkflow>('reclaimWorkflow', {
      workflowId: `reclaim-${n}`,
      taskQueue,
      args: [input],
    });
    return { result: () => handle.result() };
  };

  test('still inactive at the end of a 7-day grace: removed through the lease (a pre-existing membership too), not a day before', async () => {
    const reclaim = await start();
    await env.sleep('6 days');
    expect(notices).toHaveLength(1);
    expect(group.members.has('u-erin')).toBe(true);
    await env.sleep('2 days');
    const record = await reclaim.result();
    expect(record).toEqual(
      expect.objectContaining({
        outcome: 'removed',
        notice: 'ACCESS-1',
        removal: expect.objectContaining({ idpAnswer: expect.objectContaining({ status: 204 }) }),
      }),
    );
    expect(Date.parse(record.removal!.at) - Date.parse(record.noticeAt)).toBeGreaterThanOrEqual(7 * DAY);
    expect(group.members.has('u-erin')).toBe(false);
    expect(comments.join('\n')).toContain(
      'ACCESS-1: Access removed: erin@example.com is no longer in jira-software-users',
    );
  });

  test('signed in during the grace: kept, nothing removed', async () => {
    const reclaim = await start();
    await env.sleep('3 days');
    lastSignIn = new Date(await env.currentTimeMs()).toISOString();
    await env.sleep('5 days');
    const record = await reclaim.result();
    expect(record).toEqual(expect.objectContaining({ outcome: 'kept', reason: expect.stringContaining(lastSignIn) }));
    expect(group.members.has('u-erin')).toBe(true);
    expect(group.changes).toEqual([]);
  });
});
