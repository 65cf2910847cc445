import { exampleRulesText, Leasehold } from '../harness/leasehold';
import { parseRulesText } from '../../src/policy/parse';

/** Who may approve: the requester never; non-approvers never; high risk needs distinct approvers. */
describe('approvals are checked against the rules', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  const okta = () => lh.sandboxes.okta;

  test('the requester approving her own request does not count and provisions nothing', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'AWS Production',
      level: 'Read-only',
      duration: '1 hour',
      why: 'incident',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'alice');

    const state = await lh.waitFor(key, (s) => s.ignored.length === 1);
    expect(state.state).toBe('AwaitingApproval');
    expect(state.ignored[0]).toEqual(
      expect.objectContaining({ email: 'alice@example.com', reason: 'the requester cannot approve their own request' }),
    );
    expect(state.approvals).toEqual([]);
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Waiting for approval');
    expect(
      lh.jiraComments(key).some((c) => c.includes('does not count: the requester cannot approve their own request')),
    ).toBe(true);
    expect(okta().groupMembers('aws-prod-readonly')).not.toContain('alice@example.com');
  });

  test('an approval by someone who is not an approver is ignored, answered in Jira, and the issue goes back to waiting', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'GitHub',
      level: 'Admin',
      duration: '1 hour',
      why: 'org settings',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'erin');

    const state = await lh.waitFor(key, (s) => s.ignored.length === 1);
    expect(state.state).toBe('AwaitingApproval');
    expect(state.ignored[0]!.reason).toMatch(/erin@example.com is not an authorized approver/);
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Waiting for approval');
    expect(okta().groupMembers('github-admins')).not.toContain('alice@example.com');
  });

  test('a high-risk request provisions only after the second distinct approver', async () => {
    // Jira Software Admin: high risk, manager and app owner, 2 distinct approvers.
    const key = await lh.request({
      as: 'alice',
      app: 'Jira Software',
      level: 'Admin',
      duration: '1 hour',
      why: 'migrate workflows',
    });
    await lh.waitForState(key, 'AwaitingApproval');

    await lh.move(key, 'Approved by Manager', 'bob');
    await lh.waitFor(key, (s) => s.approvals.length === 1);
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Waiting for approval');
    expect((await lh.state(key)).state).toBe('AwaitingApproval');
    expect(okta().groupMembers('confluence-users')).not.toContain('alice@example.com');

    // The same approver again is still one approver.
    await lh.move(key, 'Approved by Manager', 'bob');
    await lh.waitFor(key, (s) => s.ignored.some((i) => i.reason === 'this approver has already approved'));
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Waiting for approval');
    expect((await lh.state(key)).state).toBe('AwaitingApproval');

    await lh.move(key, 'Approved by Manager', 'carol');
    const active = await lh.waitForState(key, 'Active');
    expect(active.approvals.map((a) => [a.email, a.as])).toEqual([
      ['bob@example.com', 'manager'],
      ['carol@example.com', 'app-owner'],
    ]);
    expect(okta().groupMembers('jira-software-users')).toContain('alice@example.com');
    expect(okta().groupMembers('confluence-users')).toContain('alice@example.com');
  });

  test('a denial by an approver closes the request with nothing provisioned', async () => {
    const key = await lh.request({
      as: 'erin',
      app: 'AWS Production',
      level: 'Read-only',
      duration: '1 hour',
      why: 'curious',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Rejected', 'bob'); // bob is erin's manager
    const state = await lh.waitForState(key, 'Denied');
    expect(state.groupChanges).toEqual([]);
    // The evidence names who denied it and the Jira changelog entry that recorded it.
    expect(state.closedBy).toEqual(
      expect.objectContaining({
        decision: 'Denied',
        email: 'bob@example.com',
        as: 'manager',
        source: expect.objectContaining({ changelogId: expect.any(String), status: 'Rejected' }),
      }),
    );
    expect(okta().groupMembers('aws-prod-readonly')).not.toContain('erin@example.com');
  });

  test('a requester whose email Jira hides fails fast with the reason and the fix, nothing provisioned', async () => {
    const key = await lh.request({ as: 'frank', app: 'Confluence', level: 'User', duration: '1 hour', why: 'docs' });
    const state = await lh.waitForState(key, 'Failed');
    expect(state.groupChanges).toEqual([]);
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Failed');
    expect(lh.jiraComments(key).join('\n')).toMatch(
      /Jira does not reveal the email of account .*portal.emailOverrides/,
    );
  });

  test('a low-risk level with auto-approval is granted without an approver, recorded as such', async () => {
    const key = await lh.request({ as: 'erin', app: 'Confluence', level: 'User', duration: '1 hour', why: 'docs' });
    const state = await lh.waitForState(key, 'Active');
    expect(state.autoApproved).toBe(true);
    expect(state.approvals).toEqual([]);
    expect(okta().groupMembers('confluence-users')).toContain('erin@example.com');
    await lh.waitFor(key, () =>
      lh.jiraComments(key).some((c) => c.startsWith('Access granted') && c.includes('auto-approved (low risk)')),
    );
  });

  test("a directory-group approver is checked in the group's own connection (Okta group approving Entra access)", async () => {
    const text = exampleRulesText().replace(
      'approval: { approvers: [{ user: carol@example.com }, manager], required: 1 }',
      'approval: { approvers: [{ group: github-admins, connection: okta }], required: 1 }',
    );
    const parsed = parseRulesText(text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    await lh.rules.submit({ document: parsed.raw, submittedBy: 'test' });

    const key = await lh.request({
      as: 'alice',
      app: 'Finance Reports',
      level: 'Read-only',
      duration: '1 hour',
      why: 'board pack',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.approve(key, 'bob'); // her manager, but not in github-admins
    expect((await lh.state(key)).ignored.at(-1)?.reason).toMatch(/bob@example.com is not an authorized approver/);
    await lh.approve(key, 'dave'); // dave is in the Okta group github-admins
    const active = await lh.waitForState(key, 'Active');
    expect(active.approvals).toEqual([
      expect.objectContaining({ email: 'dave@example.com', as: 'group github-admins' }),
    ]);
    expect(lh.sandboxes.entra.isMember('Finance-Reports', 'alice@example.com')).toBe(true);
  });
});
