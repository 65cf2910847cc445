import { revokeNowUpdate } from '../../src/workflows/access-request/messages';
import { DAY, HOUR, MINUTE, between, people, requestSuite } from '../harness/requests';

/**
 * Waiting for approval over days (example rules, Jira Software / User: the manager approves within
 * 3 days, a reminder every day): the reminders come on time, and the deadline closes the request.
 */
describe('approval deadline and reminders', () => {
  const suite = requestSuite('approval-deadline');
  const jiraSoftwareUsers = () => suite.world.directory.group('jira-software-users');
  const jiraSoftwareUser = { application: 'Jira Software', accessType: 'User', duration: '7 days' };

  test('nobody approves: a reminder each day, then ApprovalExpired at 3 days with the issue rejected, nothing provisioned', async () => {
    const r = await suite.start(jiraSoftwareUser);
    const waiting = await r.until((s) => s.state === 'AwaitingApproval', 'the wait for approval');
    const requested = Date.parse(r.input.requestedAt);
    // Who may still approve and until when: in the state (request show) and the run's current details.
    // 3 days from the request, by the workflow's clock (a moment after the starter's requestedAt).
    const deadline = waiting.awaiting!.deadline!;
    expect(between(requested, Date.parse(deadline))).toBeGreaterThanOrEqual(3 * DAY);
    expect(between(requested, Date.parse(deadline))).toBeLessThan(3 * DAY + MINUTE);
    expect(waiting.awaiting).toEqual({
      for: 'grant',
      required: 1,
      have: 0,
      approvers: ['manager bob@example.com'],
      deadline,
    });
    const metadata = await r.handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain(
      'waiting for approval: 0 of 1; may still approve: manager bob@example.com',
    );
    expect(metadata.currentDetails).toContain(`approval deadline: ${deadline}`);

    // Half way, the requester approves her own request (Jira did record it): it counts for nothing and moves no clock.
    await suite.env.sleep('36 hours');
    await r.decide(people.alice, 'Approved');
    const judged = await r.until((s) => s.ignored.length === 1, 'the self-approval judged');
    expect(judged.ignored[0]).toMatchObject({
      accountId: people.alice.accountId,
      reason: 'the requester cannot approve their own request',
    });
    expect(judged.approvals).toEqual([]);

    await suite.env.sleep('35 hours'); // 71 hours in: still waiting
    expect((await r.state()).state).toBe('AwaitingApproval');

    await suite.env.sleep('2 hours');
    const evidence = await r.evidence();
    expect(evidence).toMatchObject({
      outcome: 'ApprovalExpired',
      approvals: [],
      groupChanges: [],
      autoApproved: false,
    });
    expect(evidence.grantedAt).toBeUndefined();
    expect(between(requested, evidence.endedAt!)).toBeGreaterThanOrEqual(3 * DAY);
    // The history says what each timer and activity was for (the Temporal UI shows these summaries).
    const summaries = (await r.handle.fetchHistory()).events!.flatMap((e) => {
      const data = e.userMetadata?.summary?.data;
      return data ? [JSON.parse(Buffer.from(data).toString()) as string] : [];
    });
    expect(summaries).toEqual(
      expect.arrayContaining([
        'the rules in force for this access',
        'the requester and their manager',
        'next approval reminder',
        expect.stringMatching(/^approval deadline 20/),
        expect.stringMatching(
          /^Jira changelog of ACCESS-\d+: did 5b10a2844c20165700ede21a move it to "Approved by Manager"\?$/,
        ),
        expect.stringMatching(/^Jira: comment on ACCESS-\d+$/),
      ]),
    );
    expect(between(requested, evidence.endedAt!)).toBeLessThan(3 * DAY + MINUTE);

    const { jira } = suite.world;
    const reminders = jira.commentsStarting('Reminder:', r.issueKey);
    expect(reminders.map((c) => c.text.split('\n')[0])).toEqual([
      'Reminder: this request still needs 1 approval from the manager.',
      'Reminder: this request still needs 1 approval from the manager.',
    ]);
    // At 24 h and 48 h after the request: not reset by the decision that did not count.
    expect(reminders.map((c) => Math.round(between(requested, c.at!) / HOUR))).toEqual([24, 48]);
    expect(
      jira.commentsStarting(
        'No approval within 3 days: the request is declined as expired. Nothing was provisioned.',
        r.issueKey,
      ),
    ).toHaveLength(1);
    const closing = jira.transitions.at(-1)!;
    expect(closing).toMatchObject({ issueKey: r.issueKey, toStatus: 'Rejected' }); // the portal's approvalExpired status
    expect(Math.round(between(requested, closing.at!) / HOUR)).toBe(72);
    expect(jira.attachments.map((a) => a.fileName)).toEqual([`leasehold-evidence-${r.issueKey}.json`]);
    // The directory was never asked to add anyone.
    expect(jiraSoftwareUsers().attempts).toMatchObject({ isMember: 0, addMember: 0 });
  });

  test('the manager approves on day 2: reminders stop, no expiry, and the access runs its full duration from the grant', async () => {
    const r = await suite.start(jiraSoftwareUser);
    await r.until((s) => s.state === 'AwaitingApproval', 'the wait for approval');
    const requested = Date.parse(r.input.requestedAt);

    await suite.env.sleep('30 hours');
    await r.decide(people.bob, 'Approved');
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    expect(active.approvals).toEqual([expect.objectContaining({ email: people.bob.email, as: 'manager' })]);
    expect(between(active.grantedAt!, active.expiresAt!)).toBe(7 * DAY);
    expect(jiraSoftwareUsers().members.has(people.alice.directoryUserId)).toBe(true);

    await suite.env.sleep('3 days'); // past the approval deadline and two more reminder times
    expect((await r.state()).state).toBe('Active');
    const reminders = suite.world.jira.commentsStarting('Reminder:', r.issueKey);
    expect(reminders.map((c) => Math.round(between(requested, c.at!) / HOUR))).toEqual([24]);
    expect(suite.world.jira.commentsStarting('No approval within', r.issueKey)).toEqual([]);

    await r.handle.executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    expect((await r.evidence()).outcome).toBe('Revoked');
  });
});
