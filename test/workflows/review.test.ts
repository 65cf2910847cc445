import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { LeaseholdActivities, VerifiedDecision } from '../../src/activities/contract';
import { reviewItemWorkflowId } from '../../src/workflows/ids';
import type { reviewCampaignWorkflow } from '../../src/workflows/review/campaign';
import { reviewStatusChangedSignal } from '../../src/workflows/review/messages';
import type {
  CampaignRecord,
  CampaignScope,
  ReviewItemDraft,
  ReviewStatusChange,
} from '../../src/workflows/review/types';
import { directoryCallsTo, FakeDirectoryGroup, leaseHandOff, refusal } from '../harness/fakes';
import { mockedTemporal } from '../harness/time-skipping';

const DAY = 86_400_000;
const okta = {
  type: 'okta',
  orgUrl: 'http://okta.invalid',
  token: { env: 'OKTA_API_TOKEN' },
  maxSdkRetries: 0,
} as const;
/** Jira accounts of the people in these tests, by email. */
const accounts: Record<string, string> = {
  'acc-dave': 'dave@example.com',
  'acc-bob': 'bob@example.com',
  'acc-erin': 'erin@example.com',
};

/** What the mocked Jira confirms: the claim as made, by the account's person, with the justification given. */
const justifications = new Map<string, string>();
const verified = (claim: ReviewStatusChange): VerifiedDecision & { justification?: string } => ({
  match: {
    confirmed: true,
    source: { changelogId: claim.eventId, accountId: claim.actorAccountId, at: claim.at, status: claim.status },
  },
  actor: { accountId: claim.actorAccountId, email: accounts[claim.actorAccountId], approverGroups: [] },
  ...(justifications.has(claim.eventId) ? { justification: justifications.get(claim.eventId)! } : {}),
});

/**
 * A campaign over its real durations (14 days, reminders every 3 days) on the time-skipping server:
 * items wait for their reviewer, a revoke is enforced when decided (not at the end) through the group
 * lease against a fake directory group, and undecided items get the default exactly at the end.
 */
describe('access review campaign workflow', () => {
  let env: TestWorkflowEnvironment;
  let temporal: Awaited<ReturnType<typeof mockedTemporal>>;
  const taskQueue = 'review-test';
  let group: FakeDirectoryGroup;
  const comments: string[] = [];
  let evidence: CampaignRecord | undefined;
  let groupId = '';

  const person = (login: string, userId: string, manager: string, lastActivity: string): ReviewItemDraft => ({
    group: {
      application: 'Jira Software',
      level: 'User',
      owner: 'carol@example.com',
      connectionName: 'okta',
      connection: okta,
      groupId,
      groupName: 'jira-software-users',
    },
    person: { userId, login, email: login, manager: { email: manager }, lastActivity },
    obtained: { kind: 'outside', grants: [], text: 'outside Leasehold' },
    recommendation: { decision: 'keep', reason: 'signed in lately' },
    reviewers: { users: [manager], groups: [], described: [`manager ${manager}`] },
  });

  beforeAll(async () => {
    const activities = (e: TestWorkflowEnvironment): Partial<LeaseholdActivities> => ({
      ...directoryCallsTo(() => group),
      campaignScope: async (): Promise<CampaignScope> => ({
        jira: { connectionName: 'jira', connection: { type: 'jira' } as never },
        statuses: { waiting: 'Waiting for review', keep: ['Keep'], revoke: ['Revoke'] },
        policy: {
          name: 'quarterly',
          lengthMs: 14 * DAY,
          remindEveryMs: 3 * DAY,
          undecided: 'revoke',
          recommendRevokeAfterMs: 90 * DAY,
          reviewers: ['manager'],
        },
        groups: [person('x', 'x', 'x', '').group],
        unresolved: [],
      }),
      reviewMembers: async () => {
        const now = new Date(await e.currentTimeMs()).toISOString();
        return [
          person('erin@example.com', 'u-erin', 'bob@example.com', now),
          person('bob@example.com', 'u-bob', 'dave@example.com', now),
        ];
      },
      openCampaignIssue: async () => 'ACCESS-100',
      openReviewItem: async ({ item }) => keyOf(item.person.login),
      verifyReviewDecision: async ({ claim }) => {
        if (claim.actorAccountId === 'acc-ghost') throw refusal('read the changelog');
        return verified(claim);
      },
      commentOnIssue: async ({ issueKey, text }) => void comments.push(`${issueKey}: ${text}`),
      transitionIssue: async () => ({ changed: true }),
      attachCampaignEvidence: async ({ record }) => void (evidence = record),
      sendLeaseOperation: leaseHandOff(e.client, taskQueue),
    });
    temporal = await mockedTemporal(taskQueue, activities);
    env = temporal.env;
  });
  afterAll(async () => {
    await temporal?.stop();
  });

  let n = 0;
  /** Each test's items have keys of their own (items are opened in parallel, so not numbered in order). */
  const keyOf = (login: string) => `ACCESS-${n}${login.startsWith('erin') ? 1 : 2}`;
  beforeEach(() => {
    group = new FakeDirectoryGroup();
    group.members.add('u-erin');
    group.members.add('u-bob');
    groupId = `g-${++n}`;
    comments.length = 0;
    evidence = undefined;
  });
  const start = async () => {
    const handle = await env.client.workflow.start<typeof reviewCampaignWorkflow>('reviewCampaignWorkflow', {
      workflowId: `review-quarterly-${n}`,
      taskQueue,
      args: [{ campaign: 'quarterly', startedBy: 'test' }],
    });
    return handle;
  };
  /** Someone moves an item in Jira (the item confirms it with the mocked source). */
  const move = async (issueKey: string, status: 'Keep' | 'Revoke', accountId: string, why?: string) => {
    const change: ReviewStatusChange = {
      eventId: `${issueKey}-${status}-${accountId}-${await env.currentTimeMs()}`,
      issueKey,
      decision: status === 'Keep' ? 'keep' : 'revoke',
      status,
      actorAccountId: accountId,
      at: new Date(await env.currentTimeMs()).toISOString(),
    };
    if (why) justifications.set(change.eventId, why);
    await env.client.workflow.getHandle(reviewItemWorkflowId(issueKey)).signal(reviewStatusChangedSignal, change);
  };

  test('14 days with reminders every 3: the reviewer keeps one on day 5; the undecided one is revoked by the default on day 14, not before', async () => {
    const campaign = await start();
    await env.sleep('5 days');
    await move(keyOf('bob'), 'Keep', 'acc-dave'); // Bob's manager keeps Bob
    await env.sleep('8 days'); // day 13: Erin undecided, still a member
    expect(group.members.has('u-erin')).toBe(true);
    await env.sleep('2 days');
    const record = await campaign.result();
    const erin = record.items.find((i) => i.person === 'erin@example.com')!;
    const bob = record.items.find((i) => i.person === 'bob@example.com')!;
    expect(bob).toEqual(
      expect.objectContaining({ decision: 'keep', decidedBy: 'reviewer', reviewer: 'dave@example.com' }),
    );
    expect(erin).toEqual(
      expect.objectContaining({ decision: 'revoke', decidedBy: 'default', reviewer: 'default (revoke)' }),
    );
    expect(erin.enforcement).toEqual(expect.objectContaining({ outcome: 'removed' }));
    expect(Date.parse(erin.enforcement!.at) - Date.parse(record.startedAt)).toBeGreaterThanOrEqual(14 * DAY);
    expect(group.members.has('u-erin')).toBe(false);
    expect(group.members.has('u-bob')).toBe(true);
    // Reminders on days 3, 6, 9 and 12 for Erin's item; Bob's only before his manager decided.
    expect(comments.filter((c) => c.startsWith(`${keyOf('erin')}: Reminder`))).toHaveLength(4);
    expect(comments.filter((c) => c.startsWith(`${keyOf('bob')}: Reminder`))).toHaveLength(1);
    expect(evidence?.items).toHaveLength(2);
  });

  test('the person under review keeping their own access does not count; the reviewer revoke on day 2 is enforced then', async () => {
    const campaign = await start();
    await env.sleep('1 day');
    await move(keyOf('erin'), 'Keep', 'acc-erin'); // Erin, under review
    await env.sleep('1 day');
    await move(keyOf('erin'), 'Revoke', 'acc-bob'); // no justification: does not count
    await env.sleep('1 hour');
    await move(keyOf('erin'), 'Revoke', 'acc-bob', 'left the project');
    await env.sleep('13 days');
    const record = await campaign.result();
    const erin = record.items.find((i) => i.person === 'erin@example.com')!;
    expect(erin).toEqual(
      expect.objectContaining({
        decision: 'revoke',
        decidedBy: 'reviewer',
        reviewer: 'bob@example.com',
        justification: 'left the project',
      }),
    );
    expect(erin.ignored.map((i) => i.reason)).toEqual([
      'erin@example.com is the person under review',
      expect.stringContaining('a revoke needs a justification'),
    ]);
    expect(Date.parse(erin.enforcement!.at) - Date.parse(record.startedAt)).toBeLessThan(3 * DAY);
    // Bob's item, undecided, got the default at the end.
    expect(record.items.find((i) => i.person === 'bob@example.com')).toEqual(
      expect.objectContaining({ decidedBy: 'default' }),
    );
  });

  test('a decision Jira cannot confirm for good is recorded and changes nothing; the item still waits', async () => {
    const campaign = await start();
    await env.sleep('1 day');
    await move(keyOf('erin'), 'Revoke', 'acc-ghost', 'forged');
    await env.sleep('14 days');
    const erin = (await campaign.result()).items.find((i) => i.person === 'erin@example.com')!;
    expect(erin.ignored).toEqual([
      expect.objectContaining({
        accountId: 'acc-ghost',
        reason: expect.stringContaining('could not be verified in Jira'),
      }),
    ]);
    expect(erin).toEqual(expect.objectContaining({ decidedBy: 'default' }));
  });
});
