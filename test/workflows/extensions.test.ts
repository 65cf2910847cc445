import { changeRequestedSignal } from '../../src/workflows/access-request/messages';
import { HOUR, between, people, requestSuite } from '../harness/requests';

/**
 * Extensions through Jira (example rules, AWS Production / Admin: high risk, the manager and the
 * owner dave both approve, 1 hour by default, at most 8 hours): a *Request Access Change* approved by
 * the authorized approvers moves the end, and the access then ends at the new time, not the old.
 * Decisions count only as Jira's changelog confirms them (the mocked `verifyDecision`), and the
 * change request only as Jira has it (the mocked `readRelatedRequest`).
 */
describe('extension by change request', () => {
  const suite = requestSuite('extensions');
  const awsAdmins = () => suite.world.directory.group('aws-prod-admin');
  const alice = people.alice.directoryUserId;

  async function grantedAwsAdmin() {
    const r = await suite.start({ application: 'AWS Production', accessType: 'Admin', duration: '1 hour' });
    await r.until((s) => s.state === 'AwaitingApproval', 'the wait for approval');
    await r.decide(people.bob, 'Approved');
    await r.decide(people.dave, 'Approved');
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    expect(active.approvals.map((a) => a.as)).toEqual(['manager', 'app-owner']);
    expect(between(active.grantedAt!, active.expiresAt!)).toBe(HOUR);
    return { r, active };
  }

  test('a change to 4 hours approved by the manager and the owner moves the end: the access outlives the old end and ends at the new one', async () => {
    const { r, active } = await grantedAwsAdmin();
    await suite.env.sleep('20 minutes');
    await r.requestChange('ACCESS-CHANGE-1', '4 hours');
    await suite.comment('Change request: extend to 4 hours from the grant. It needs 2 approval(s)', 'ACCESS-CHANGE-1');

    // Decisions that do not count: the requester's own, and one Jira has no record of.
    await r.decide(people.alice, 'Approved', { issueKey: 'ACCESS-CHANGE-1' });
    await r.decide(people.dave, 'Approved', { issueKey: 'ACCESS-CHANGE-1', recorded: false });
    // One approver is not enough for high risk.
    await r.decide(people.bob, 'Approved', { issueKey: 'ACCESS-CHANGE-1' });
    await suite.comment('Approved by bob@example.com; 1 more distinct approval(s) needed.', 'ACCESS-CHANGE-1');
    const halfway = await r.state();
    expect(halfway.expiresAt).toBe(active.expiresAt);
    expect(halfway.ignored.map((i) => i.reason)).toEqual([
      'the requester cannot approve their own request',
      'Jira has no record of it: Jira has no changelog entry on this issue',
    ]);

    await r.decide(people.dave, 'Approved', { issueKey: 'ACCESS-CHANGE-1' });
    const extended = await r.until((s) => s.extensions.length === 1, 'the extension');
    expect(between(active.grantedAt!, extended.expiresAt!)).toBe(4 * HOUR);
    expect(extended.extensions[0]).toMatchObject({
      issueKey: 'ACCESS-CHANGE-1',
      from: active.expiresAt,
      to: extended.expiresAt,
      capped: false,
      by: 'bob@example.com, dave@example.com',
    });
    expect(extended.extensions[0]!.approvals.map((a) => a.as)).toEqual(['manager', 'app-owner']);
    await suite.comment('Extension approved by bob@example.com and dave@example.com', 'ACCESS-CHANGE-1');
    // The change request's transition follows its comment in the write-back outbox.
    await r.until((s) => s.jiraWriteBack?.pending === 0, 'Jira caught up');
    expect(suite.world.jira.transitions.filter((t) => t.issueKey === 'ACCESS-CHANGE-1').at(-1)?.toStatus).toBe(
      'Access Granted',
    );

    await suite.env.sleep('1 hour'); // past the old end
    expect((await r.state()).state).toBe('Active');
    expect(awsAdmins().members.has(alice)).toBe(true);
    expect(awsAdmins().changes.map((c) => c.op)).toEqual(['add']);

    await suite.env.sleep('3 hours');
    const evidence = await r.evidence();
    expect(evidence).toMatchObject({
      outcome: 'Expired',
      expiresAt: extended.expiresAt,
      relatedIssues: ['ACCESS-CHANGE-1'],
      revocation: { reason: 'expired' },
    });
    const removed = awsAdmins().changes.at(-1)!;
    expect(removed.op).toBe('remove');
    expect(between(extended.expiresAt!, removed.at!)).toBeGreaterThanOrEqual(0);
    expect(between(extended.expiresAt!, removed.at!)).toBeLessThan(5_000);
    expect(awsAdmins().members.has(alice)).toBe(false);
  });

  test('a change request Jira does not have, or one nobody approves, leaves the end where it was', async () => {
    const { r, active } = await grantedAwsAdmin();
    // A signal claiming a change request that does not exist in Jira.
    await r.handle.signal(changeRequestedSignal, {
      eventId: 'forged-change',
      issueKey: 'ACCESS-CHANGE-404',
      actorAccountId: people.alice.accountId,
      duration: '8 hours',
      at: active.grantedAt!,
    });
    await r.until((s) => s.ignored.length === 1, 'the forged change judged');
    expect((await r.state()).ignored[0]!.reason).toBe('ACCESS-CHANGE-404 does not exist in Jira');

    await r.requestChange('ACCESS-CHANGE-2', '8 hours');
    await r.decide(people.bob, 'Approved', { issueKey: 'ACCESS-CHANGE-2' }); // only one of two
    await suite.comment('Approved by bob@example.com; 1 more distinct approval(s) needed.', 'ACCESS-CHANGE-2');

    await suite.env.sleep('61 minutes');
    const evidence = await r.evidence();
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.extensions).toEqual([]);
    expect(between(active.expiresAt!, awsAdmins().changes.at(-1)!.at!)).toBeLessThan(5_000);
  });
});
