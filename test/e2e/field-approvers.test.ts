import { samplePerson } from '@leasehold/sandbox';
import { createJiraClient } from '../../src/connectors/jira/jira-client';
import { exampleRulesText } from '../harness/example-rules';
import { Leasehold } from '../harness/leasehold';

/** Finance Reports Read-only is approved by whoever was the issue's assignee when it was raised. */
const fieldRules = (): string => {
  const before = '        approval: { approvers: [{ user: carol@example.com }, manager], required: 1 }\n';
  const text = exampleRulesText();
  expect(text).toContain(before);
  return text.replace(before, '        approval: { approvers: [{ field: Assignee }], required: 1 }\n');
};

/** Approvers named by a Jira user field: the people in it when the request was raised, not later. */
describe('approver from a Jira field', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start({ rules: fieldRules() });
  });
  afterAll(async () => {
    await lh?.stop();
  });

  /** Someone assigns the issue in Jira (`PUT /issue/{key}/assignee`, as the Jira UI does). */
  const assign = async (key: string, to: string, as: string) => {
    const person = samplePerson(as);
    const jira = createJiraClient({ host: lh.sandboxes.jira.url, email: person.email, apiToken: person.jiraApiToken });
    await jira.issues.assignIssue({ issueIdOrKey: key, accountId: samplePerson(to).jiraAccountId });
  };
  const raise = (assignee: string) =>
    lh.request({
      as: 'alice',
      app: 'Finance Reports',
      level: 'Read-only',
      duration: '1 day',
      why: 'quarter close',
      assigneeAccountId: samplePerson(assignee).jiraAccountId,
    });

  test("the assignee at the time of the request approves; someone else's approval does not count", async () => {
    const key = await raise('carol');
    await lh.waitForState(key, 'AwaitingApproval');
    expect((await lh.state(key)).fieldApprovers).toEqual({ Assignee: [samplePerson('carol').jiraAccountId] });
    await lh.approve(key, 'frank');
    await lh.approve(key, 'carol');
    const state = await lh.waitForState(key, 'Active');
    expect(state.approvals).toEqual([
      expect.objectContaining({ email: 'carol@example.com', as: 'Assignee at request' }),
    ]);
    // Frank hides his email in Jira: he is known by his account.
    expect(state.ignored).toEqual([expect.objectContaining({ accountId: samplePerson('frank').jiraAccountId })]);
    expect(lh.sandboxes.entra.isMember('Finance-Reports', 'alice@example.com')).toBe(true);
  });

  test('the requester re-assigning the issue (to themselves or a friend) makes nobody an approver, and is recorded', async () => {
    const key = await raise('carol');
    await lh.waitForState(key, 'AwaitingApproval');
    await assign(key, 'alice', 'alice');
    await lh.approve(key, 'alice');
    await assign(key, 'frank', 'alice');
    await lh.approve(key, 'frank');
    const state = await lh.state(key);
    expect(state.state).toBe('AwaitingApproval');
    expect(state.approvals).toEqual([]);
    expect(state.ignored.map((i) => i.reason)).toEqual([
      'the requester cannot approve their own request',
      expect.stringMatching(
        /^account \w+ is not an authorized approver \(allowed: the Assignee field\); the requester put them in Assignee at .*, after the request was raised/,
      ),
    ]);
    expect(state.fieldApprovers).toEqual({ Assignee: [samplePerson('carol').jiraAccountId] });
    expect(state.fieldChanges?.map((c) => [c.byAccountId, c.to])).toEqual([
      [samplePerson('alice').jiraAccountId, [samplePerson('alice').jiraAccountId]],
      [samplePerson('alice').jiraAccountId, [samplePerson('frank').jiraAccountId]],
    ]);
    expect(lh.jiraIssue(key).status).toBe('Waiting for approval');
  });
});
