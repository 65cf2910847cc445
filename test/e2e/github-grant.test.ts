import { Octokit } from '@octokit/rest';
import { sandboxCredentials } from '@leasehold/sandbox';
import { Leasehold } from '../harness/leasehold';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';

/** GitHub team grants end to end: portal request → webhook → approval → team membership → expiry. */
describe('a time-bound GitHub team grant, through the sandbox Jira and GitHub', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });
  beforeEach(() => lh.sandboxes.github.reset());

  /** The team membership as GitHub's API answers it (state), or undefined for 404. */
  async function membership(login: string): Promise<string | undefined> {
    const gh = new Octokit({
      auth: sandboxCredentials.github.token,
      baseUrl: lh.sandboxes.github.url,
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    try {
      const answer = await gh.rest.teams.getMembershipForUserInOrg({
        org: 'example-org',
        team_slug: 'platform',
        username: login,
      });
      return answer.data.state;
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  }

  test('alice asks, dave (the owner) approves, she is in the platform team until it expires', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'GitHub Teams',
      level: 'Member',
      duration: '8 seconds',
      why: 'infra on-call',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    expect(await membership('alice-anders')).toBeUndefined();

    await lh.move(key, 'Approved by Manager', 'dave');
    const active = await lh.waitForState(key, 'Active');
    expect(active.approvals).toEqual([expect.objectContaining({ email: 'dave@example.com', as: 'app-owner' })]);
    expect(await membership('alice-anders')).toBe('active');

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(await membership('alice-anders')).toBeUndefined();
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(evidence.groupChanges[0]!.idpAnswer).toMatchObject({
      status: 200,
      note: 'team membership active (role member)',
    });
    expect(lh.sandboxes.github.membershipChanges().map((c) => `${c.op} ${c.login}`)).toEqual([
      'add alice-anders',
      'remove alice-anders',
    ]);
    expect(lh.jiraIssue(key).status).toBe('Access Expired');
  });

  test('bob, already in the team, stays in it after his grant ends', async () => {
    const key = await lh.request({
      as: 'bob',
      app: 'GitHub Teams',
      level: 'Member',
      duration: '5 seconds',
      why: 'review',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'dave');
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['already-member', 'kept']);
    expect(await membership('bob-baker')).toBe('active');
    expect(lh.sandboxes.github.membershipChanges()).toEqual([]);
  });

  test("erin, not in the organisation (mapped by the rules' logins), is granted a pending membership; the evidence says so", async () => {
    const key = await lh.request({
      as: 'erin',
      app: 'GitHub Teams',
      level: 'Member',
      duration: '5 seconds',
      why: 'contract',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'dave');
    await lh.waitForState(key, 'Active');
    expect(await membership('erin-evans')).toBe('pending');
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.groupChanges[0]!.idpAnswer?.note).toBe('pending: invitation to the organisation not yet accepted');
    expect(await membership('erin-evans')).toBeUndefined();
  });

  test('a secondary rate limit (429 + retry-after) after the approval is waited out, with one change', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'GitHub Teams',
      level: 'Member',
      duration: '5 seconds',
      why: 'again',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    lh.sandboxes.github.faults.update({ throttleNext: 2, retryAfterSeconds: 2 });
    const approvedAt = Date.now();
    await lh.move(key, 'Approved by Manager', 'dave');
    await lh.waitForState(key, 'Active');
    // Two throttled attempts, each waited for the 2 s GitHub asked (nextRetryDelay), before the grant.
    expect(Date.now() - approvedAt).toBeGreaterThanOrEqual(4_000);
    expect(lh.sandboxes.github.faults.current.throttleNext).toBe(0);
    expect(await membership('alice-anders')).toBe('active');
    expect(lh.sandboxes.github.membershipChanges().map((c) => `${c.op} ${c.login}`)).toEqual(['add alice-anders']);
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(lh.sandboxes.github.membershipChanges()).toHaveLength(2);
  });
});
