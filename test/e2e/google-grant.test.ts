import { createDirectoryClient } from '../../src/connectors/google/google-client';
import { DEFAULT_RATE_LIMIT_WAIT_MS } from '../../src/connectors/google/google-errors';
import { Leasehold } from '../harness/leasehold';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';
import { sandboxCredentials } from '@leasehold/sandbox';

/**
 * Google Workspace groups end to end: an on-call request in the sandbox Jira, approved by the
 * requester's manager (from the Google user's `relations`), provisioned in eng-oncall@example.com
 * through the Directory API, verified there, expired and removed by the worker.
 */
describe('a Google Workspace group grant, end to end through the sandbox Jira and the worker', () => {
  const ONCALL = 'eng-oncall@example.com';
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  /** The group's direct members as the Directory API lists them (the official client, the sandbox's key). */
  const membersInGoogle = async (): Promise<string[]> => {
    const admin = createDirectoryClient({
      key: lh.sandboxes.google.serviceAccountKey,
      subject: sandboxCredentials.google.subject,
      rootUrl: lh.sandboxes.google.url,
    });
    const { data } = await admin.members.list({ groupKey: ONCALL });
    return (data.members ?? []).map((m) => m.email!).sort();
  };
  const changesOf = (email: string): string[] =>
    lh.sandboxes.google
      .membershipChanges()
      .filter((c) => c.email === email && c.group === ONCALL)
      .map((c) => c.op);

  test('alice asks for on-call, bob (her manager in Google) approves, she is in the group until it expires', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'Google Groups',
      level: 'On-call',
      duration: '8 seconds',
      why: 'rota',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    expect(await membersInGoogle()).toEqual(['carol@example.com']);

    await lh.move(key, 'Approved by Manager', 'bob');
    const active = await lh.waitForState(key, 'Active');
    expect(active.approvals).toEqual([expect.objectContaining({ email: 'bob@example.com', as: 'manager' })]);
    expect(await membersInGoogle()).toEqual(['alice@example.com', 'carol@example.com']);
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Granted');
    expect(lh.jiraComments(key).find((c) => c.startsWith('Access granted'))).toContain(ONCALL);

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(evidence.groupChanges[0]).toEqual(
      expect.objectContaining({ idpAnswer: expect.objectContaining({ status: 200 }), verifiedAt: expect.any(String) }),
    );
    expect(await membersInGoogle()).toEqual(['carol@example.com']);
    expect(changesOf('alice@example.com')).toEqual(['add', 'remove']);
    expect(lh.jiraIssue(key).status).toBe('Access Expired');
  });

  test('carol, a member before the grant, stays a member after it ends', async () => {
    const key = await lh.request({
      as: 'carol',
      app: 'Google Groups',
      level: 'On-call',
      duration: '5 seconds',
      why: 'again',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'dave');

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.preExistingMembership).toBe(true);
    expect(evidence.groupChanges.map((c) => [c.action, c.preExisting])).toEqual([
      ['already-member', true],
      ['kept', true],
    ]);
    expect(await membersInGoogle()).toContain('carol@example.com');
    expect(changesOf('carol@example.com')).toEqual([]);
  });

  test('a 403 userRateLimitExceeded on the add and on the removal is waited out, each change made once', async () => {
    const key = await lh.request({
      as: 'erin',
      app: 'Google Groups',
      level: 'On-call',
      duration: '8 seconds',
      why: 'cover',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    lh.sandboxes.google.writeFaults.update({ throttleNext: 1 });
    const approvedAt = Date.now();
    await lh.move(key, 'Approved by Manager', 'bob');

    await lh.waitForState(key, 'Active', 90_000);
    // The throttled insert was answered (403) and changed nothing; its retry, after the back-off, added erin once.
    expect(lh.sandboxes.google.writeFaults.current.throttleNext).toBe(0);
    expect(Date.now() - approvedAt).toBeGreaterThanOrEqual(DEFAULT_RATE_LIMIT_WAIT_MS - 1_000);
    expect(await membersInGoogle()).toContain('erin@example.com');
    expect(changesOf('erin@example.com')).toEqual(['add']);

    lh.sandboxes.google.writeFaults.update({ throttleNext: 1 });
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(lh.sandboxes.google.writeFaults.current.throttleNext).toBe(0);
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(await membersInGoogle()).not.toContain('erin@example.com');
    expect(changesOf('erin@example.com')).toEqual(['add', 'remove']);
  });
});
