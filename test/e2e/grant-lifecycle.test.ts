import { Leasehold } from '../harness/leasehold';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';

/** The product's main path, end to end: portal request → webhook → approval → IdP group → expiry. */
describe('a time-bound grant, end to end through the sandbox Jira, Okta and Entra ID', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  test('Okta: alice asks, bob (her manager) approves, she is in jira-software-users until it expires', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'Jira Software',
      level: 'User',
      duration: '8 seconds',
      why: 'release week',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).not.toContain('alice@example.com');

    await lh.move(key, 'Approved by Manager', 'bob');
    const active = await lh.waitForState(key, 'Active');
    expect(active.approvals).toEqual([expect.objectContaining({ email: 'bob@example.com', as: 'manager' })]);
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).toContain('alice@example.com');
    // The issue is updated right after the grant (Jira write-back follows the state change).
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Granted');
    const granted = lh.jiraComments(key).find((c) => c.startsWith('Access granted'));
    expect(granted).toContain('approved by bob@example.com (manager)');
    expect(granted).toContain('jira-software-users');
    expect(granted).toContain(active.expiresAt!);

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).not.toContain('alice@example.com');
    expect(lh.jiraIssue(key).status).toBe('Access Expired');
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(Date.parse(evidence.revocation!.completedAt!)).toBeGreaterThanOrEqual(Date.parse(evidence.expiresAt!));
    expect(lh.sandboxes.jira.attachments(key).map((a) => a.filename)).toContain(`leasehold-evidence-${key}.json`);
  });

  test('Entra ID: the same for Salesforce users (SF-User through Microsoft Graph)', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'Salesforce',
      level: 'User',
      duration: '8 seconds',
      why: 'quarter close',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'bob');
    await lh.waitForState(key, 'Active');
    expect(lh.sandboxes.entra.isMember('SF-User', 'alice@example.com')).toBe(true);
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Granted');

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(lh.sandboxes.entra.isMember('SF-User', 'alice@example.com')).toBe(false);
    expect(lh.jiraIssue(key).status).toBe('Access Expired');
  });
});
