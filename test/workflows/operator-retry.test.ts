import { retryProvisioningUpdate } from '../../src/workflows/access-request/messages';
import { refusal } from '../harness/fakes';
import { DAY, HOUR, MINUTE, between, people, requestSuite } from '../harness/requests';

/**
 * Provisioning the directory refuses (a permanent answer: the token lacks the permission) waits
 * 7 days for an operator's retry: a retry grants, no retry closes the request as failed.
 */
describe('operator retry window after provisioning failed', () => {
  const suite = requestSuite('operator-retry');
  const confluenceUsers = () => suite.world.directory.group('confluence-users');
  const alice = people.alice.directoryUserId;

  /** A Confluence User request (auto-approved) whose provisioning the directory refuses. */
  async function refusedRequest() {
    confluenceUsers().addFailure = refusal;
    const r = await suite.start({ application: 'Confluence', accessType: 'User', duration: '2 days' });
    // Jira hears it through the write-back outbox, after the state changes: wait until it has.
    const failed = await r.until(
      (s) => s.state === 'ProvisioningFailed' && s.jiraWriteBack?.pending === 0,
      'the failed provisioning, said in Jira',
    );
    expect(failed.problem?.message).toBe('confluence-users: addMember: 403 Forbidden');
    expect(await r.stateAttribute()).toBe('ProvisioningFailed');
    expect(confluenceUsers().members.has(alice)).toBe(false);
    expect(confluenceUsers().attempts.addMember).toBe(1); // a permanent refusal is not retried by itself
    expect(
      suite.world.jira.commentsStarting(
        'Provisioning failed: confluence-users: addMember: 403 Forbidden. No access was granted.',
      ),
    ).toHaveLength(1);
    expect(suite.world.jira.transitions.map((t) => t.toStatus)).toEqual(['Access Failed']);
    return { r, failedAt: await suite.env.currentTimeMs() };
  }

  test('an operator retry 3 days later (once the cause is fixed) grants the full duration from then, as a visible override', async () => {
    const { r } = await refusedRequest();
    await suite.env.sleep('3 days');
    expect((await r.state()).state).toBe('ProvisioningFailed');

    // A retry needs who and why; a rejected one changes nothing.
    await expect(
      r.handle.executeUpdate(retryProvisioningUpdate, { args: [{ operator: 'dave', reason: ' ' }] }),
    ).rejects.toMatchObject({ cause: { message: 'a reason is required' } });
    confluenceUsers().addFailure = undefined; // the token got its permission back
    const retriedAt = await suite.env.currentTimeMs();
    await r.handle.executeUpdate(retryProvisioningUpdate, {
      args: [{ operator: 'dave', reason: 'Okta token scope fixed' }],
    });
    const active = await r.until((s) => s.state === 'Active', 'the grant after the retry');
    expect(confluenceUsers().members.has(alice)).toBe(true);
    expect(active.problem).toBeUndefined();
    expect(between(retriedAt, active.grantedAt!)).toBeLessThan(MINUTE);
    expect(between(active.grantedAt!, active.expiresAt!)).toBe(2 * DAY);
    expect(
      suite.world.jira.commentsStarting('OVERRIDE: operator dave retries provisioning: Okta token scope fixed.'),
    ).toHaveLength(1);

    await suite.env.sleep('2 days');
    const evidence = await r.evidence();
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.overrides).toEqual([
      expect.objectContaining({ action: 'retry', operator: 'dave', reason: 'Okta token scope fixed' }),
    ]);
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(confluenceUsers().members.has(alice)).toBe(false);
    expect(suite.world.jira.transitions.map((t) => t.toStatus)).toEqual([
      'Access Failed',
      'Access Granted',
      'Access Expired',
    ]);
  });

  test('without a retry the request closes Failed after 7 days, nothing granted', async () => {
    const { r, failedAt } = await refusedRequest();
    await suite.env.sleep('167 hours'); // 6 days 23 hours: still open for a retry
    expect((await r.state()).state).toBe('ProvisioningFailed');

    await suite.env.sleep('2 hours');
    const evidence = await r.evidence();
    expect(evidence.outcome).toBe('Failed');
    expect(evidence.grantedAt).toBeUndefined();
    expect(evidence.groupChanges).toEqual([]);
    expect(evidence.overrides).toEqual([]);
    expect(between(failedAt, evidence.endedAt!)).toBeGreaterThan(7 * DAY - MINUTE);
    expect(between(failedAt, evidence.endedAt!)).toBeLessThan(7 * DAY + HOUR);
    expect(
      suite.world.jira.commentsStarting('Closed: provisioning was not retried within 7 days.', r.issueKey),
    ).toHaveLength(1);
    expect(confluenceUsers().members.has(alice)).toBe(false);
    expect(confluenceUsers().attempts.addMember).toBe(1);
    await expect(
      r.handle.executeUpdate(retryProvisioningUpdate, { args: [{ operator: 'dave', reason: 'too late' }] }),
    ).rejects.toThrow();
  });
});
