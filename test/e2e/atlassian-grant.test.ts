import { createJiraClient } from '../../src/connectors/jira/jira-client';
import { Leasehold } from '../harness/leasehold';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';
import { sampleAtlassianGroups, sandboxCredentials } from '@leasehold/sandbox';

/**
 * Atlassian product access end to end: a Bitbucket request in the sandbox Jira, approved by the
 * application's owner, provisioned in the site group `bitbucket-users` through Jira's group API,
 * verified there, expired and removed by the worker.
 */
describe('an Atlassian site group grant, end to end through the sandbox Jira and the worker', () => {
  const BITBUCKET = sampleAtlassianGroups.find((g) => g.name === 'bitbucket-users')!.id;
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  /** The group's members' emails as the site's own API lists them (jira.js, the admin's token). */
  const membersOnSite = async (): Promise<string[]> => {
    const jira = createJiraClient({
      host: lh.sandboxes.jira.url,
      email: sandboxCredentials.jira.email,
      apiToken: sandboxCredentials.jira.apiToken,
    });
    const page = await jira.groups.getUsersFromGroup({ groupId: BITBUCKET });
    return (page.values ?? []).map((u) => u.emailAddress ?? u.accountId!).sort();
  };
  const changesOf = (email: string): string[] =>
    lh.sandboxes.jira
      .groups()
      .membershipChanges.filter((c) => c.account === email && c.group === 'bitbucket-users')
      .map((c) => c.op);

  test('alice asks for Bitbucket, dave (the owner) approves, she is in bitbucket-users until it expires', async () => {
    const key = await lh.request({ as: 'alice', app: 'Bitbucket', level: 'User', duration: '8 seconds', why: 'repo' });
    await lh.waitForState(key, 'AwaitingApproval');
    expect(await membersOnSite()).not.toContain('alice@example.com');

    await lh.move(key, 'Approved by Manager', 'dave');
    const active = await lh.waitForState(key, 'Active');
    expect(active.approvals).toEqual([expect.objectContaining({ email: 'dave@example.com', as: 'app-owner' })]);
    expect(await membersOnSite()).toEqual(['alice@example.com', 'carol@example.com']);
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Granted');
    expect(lh.jiraComments(key).find((c) => c.startsWith('Access granted'))).toContain('bitbucket-users');

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(evidence.groupChanges[0]).toEqual(
      expect.objectContaining({ idpAnswer: expect.objectContaining({ status: 201 }), verifiedAt: expect.any(String) }),
    );
    expect(await membersOnSite()).toEqual(['carol@example.com']);
    expect(changesOf('alice@example.com')).toEqual(['add', 'remove']);
    expect(lh.jiraIssue(key).status).toBe('Access Expired');
  });

  test('carol, a member before the grant, stays a member after it ends', async () => {
    const key = await lh.request({ as: 'carol', app: 'Bitbucket', level: 'User', duration: '5 seconds', why: 'again' });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'dave');

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.preExistingMembership).toBe(true);
    expect(evidence.groupChanges.map((c) => [c.action, c.preExisting])).toEqual([
      ['already-member', true],
      ['kept', true],
    ]);
    expect(await membersOnSite()).toContain('carol@example.com');
    expect(changesOf('carol@example.com')).toEqual([]);
  });

  test('a 429 on the add and on the removal is waited out (Retry-After), each change made once', async () => {
    const key = await lh.request({ as: 'erin', app: 'Bitbucket', level: 'User', duration: '8 seconds', why: 'ci' });
    await lh.waitForState(key, 'AwaitingApproval');
    lh.sandboxes.jira.groupWriteFaults.update({ throttleNext: 1, retryAfterSeconds: 1 });
    await lh.move(key, 'Approved by Manager', 'dave');

    await lh.waitForState(key, 'Active');
    // The throttled POST was answered (429) and changed nothing; its retry added erin once.
    expect(lh.sandboxes.jira.groupWriteFaults.current.throttleNext).toBe(0);
    expect(await membersOnSite()).toContain('erin@example.com');
    expect(changesOf('erin@example.com')).toEqual(['add']);

    lh.sandboxes.jira.groupWriteFaults.update({ throttleNext: 1, retryAfterSeconds: 1 });
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(lh.sandboxes.jira.groupWriteFaults.current.throttleNext).toBe(0);
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(await membersOnSite()).not.toContain('erin@example.com');
    expect(changesOf('erin@example.com')).toEqual(['add', 'remove']);
  });
});
