import { exampleRulesText, Leasehold } from '../harness/leasehold';

/** Requests nobody approves do not wait forever: reminders, then declined as expired. */
describe('approval deadline', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    const rules = exampleRulesText().replace(
      'approval: { approvers: [manager, app-owner], required: 1 }',
      'approval: { approvers: [manager, app-owner], required: 1, deadline: 7 seconds, remindEvery: 2 seconds }',
    );
    lh = await Leasehold.start({ rules });
  });
  afterAll(async () => {
    await lh?.stop();
  });

  test('reminders are commented at the configured interval, then the request is declined as expired with nothing provisioned', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'AWS Production',
      level: 'Read-only',
      duration: '1 hour',
      why: 'nobody answers',
    });
    const state = await lh.waitForState(key, 'ApprovalExpired', 60_000);
    expect(state.groupChanges).toEqual([]);
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Rejected');
    const comments = lh.jiraComments(key);
    expect(
      comments.filter((c) => c.startsWith('Reminder: this request still needs 1 approval')).length,
    ).toBeGreaterThanOrEqual(2);
    expect(comments.some((c) => c.startsWith('No approval within 7 seconds: the request is declined as expired'))).toBe(
      true,
    );
    expect(lh.sandboxes.okta.groupMembers('aws-prod-readonly')).not.toContain('alice@example.com');
  });
});
