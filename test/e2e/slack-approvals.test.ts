import { statusChangedSignal } from '../../src/workflows/access-request/messages';
import { accessRequestWorkflowId } from '../../src/workflows/ids';
import { runCli } from '../harness/cli';
import { exampleRulesText } from '../harness/example-rules';
import { eventually, Leasehold } from '../harness/leasehold';

/** Jira Software User is approved by the manager or the owner (Bob, Carol), in Jira or in Slack. */
const slackRules = (): string => {
  const before = '        approval: { approvers: [manager], required: 1, deadline: 3 days, remindEvery: 1 day }\n';
  const text = exampleRulesText();
  expect(text).toContain(before);
  return `${text.replace(before, '        approval: { approvers: [manager, app-owner], required: 1, deadline: 3 days, remindEvery: 2 seconds }\n')}
slack:
  botToken: { env: SLACK_BOT_TOKEN }
  signingSecret: { env: SLACK_SIGNING_SECRET }
  apiUrl: \${SLACK_API_URL}
  channel: '#access-approvals'
`;
};

/** Approvals in Slack, end to end: the Slack sandbox, the starter's interactivity URL, the worker, Jira and Okta. */
describe('approvals in Slack', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start({ rules: slackRules() });
    lh.sandboxes.slack.setInteractivityUrl(`${lh.starter!.url}/slack/interactions`);
  });
  afterAll(async () => {
    await lh?.stop();
  });

  const messageFor = (key: string, person: string) =>
    lh.sandboxes.slack.directMessages(person).find((m) => m.originalText.includes(key));

  test('bob approves in Slack: alice is in the group, Jira has it, every message says so; forged and self clicks change nothing', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'Jira Software',
      level: 'User',
      duration: '1 day',
      why: 'on call',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    // The direct messages and the channel's are separate posts: wait for all three.
    const [toBob, , inChannel] = await eventually(
      () => {
        const found = [
          messageFor(key, 'bob'),
          messageFor(key, 'carol'),
          lh.sandboxes.slack.messages('#access-approvals').find((m) => m.originalText.includes(key)),
        ];
        return found.every(Boolean) && found;
      },
      20_000,
      "the approvers' and the channel's messages",
    );
    expect(toBob!.originalText).toContain('alice@example.com asks for Jira Software (User)');

    // Forged (wrong signature) and replayed (old timestamp) deliveries are refused at the door.
    for (const tamper of ['bad-signature', 'stale-timestamp'] as const) {
      const delivery = await lh.sandboxes.slack.click({
        as: 'bob',
        ts: toBob!.ts,
        actionId: 'leasehold_approve',
        tamper,
      });
      expect(delivery.response?.status).toBe(401);
    }
    // A claim sent straight to Temporal, without the starter's attestation: recorded, never effective.
    await lh.client.workflow.getHandle(accessRequestWorkflowId(key)).signal(statusChangedSignal, {
      eventId: 'forged-slack',
      issueKey: key,
      decision: 'Approved',
      status: 'Approved in Slack',
      actorAccountId: `slack:${lh.sandboxes.slack.userId('bob')}`,
      at: new Date().toISOString(),
      slack: {
        userId: lh.sandboxes.slack.userId('bob'),
        actionTs: '1700000000.000100',
        issueKey: key,
        decision: 'Approved',
        receivedAt: new Date().toISOString(),
        attestation: '00'.repeat(32),
      },
    });
    await lh.waitFor(key, (s) => s.ignored.length === 1);
    // The requester clicking Approve in the channel: not an approver of her own request.
    const self = await lh.sandboxes.slack.click({ as: 'alice', ts: inChannel!.ts, actionId: 'leasehold_approve' });
    expect(self.response?.status).toBe(200);
    await lh.waitFor(key, (s) => s.ignored.length === 2);
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).not.toContain('alice@example.com');

    // While it waits, reminders go to Slack too, under each approval message.
    await eventually(
      () => lh.sandboxes.slack.directMessages('bob').some((m) => m.threadTs === toBob!.ts),
      10_000,
      "a reminder in the thread of bob's message",
    );

    // Bob, her manager, approves in his DM.
    const click = await runCli(lh, ['demo', 'slack', 'approve', key, '--as', 'bob']);
    expect(click).toEqual(expect.objectContaining({ exitCode: 0 }));
    expect(click.stdout).toContain(`bob clicked approve on ${key}: Leasehold answered 200`);
    expect(lh.sandboxes.slack.interactions().at(-1)!.withinAckDeadline).toBe(true);
    const state = await lh.waitForState(key, 'Active');
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).toContain('alice@example.com');
    expect(state.approvals).toEqual([
      expect.objectContaining({
        email: 'bob@example.com',
        as: 'manager, via Slack',
        slack: expect.objectContaining({ userId: lh.sandboxes.slack.userId('bob') }),
      }),
    ]);
    expect(state.ignored.map((i) => i.reason)).toEqual([
      expect.stringContaining('not a verified Slack action'),
      expect.stringContaining('the requester cannot approve their own request'),
    ]);
    await eventually(
      () => lh.jiraComments(key).some((c) => c.startsWith('Approved in Slack by bob@example.com.')),
      10_000,
      `the Jira comment (comments: ${JSON.stringify(lh.jiraComments(key))})`,
    );
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Granted');

    // Everyone's message now says who decided, without buttons.
    await eventually(() => messageFor(key, 'carol')!.updateCount === 1, 10_000, "carol's message update");
    expect(messageFor(key, 'carol')!.text).toContain('approved by bob@example.com');
    expect(JSON.stringify(messageFor(key, 'carol')!.blocks)).not.toContain('leasehold_approve');
  });

  test('Slack refusing every call (rate limited) changes nothing for approvals in Jira', async () => {
    lh.sandboxes.slack.rateLimit('*', 1_000, 60);
    const key = await lh.request({ as: 'erin', app: 'Jira Software', level: 'User', duration: '1 day', why: 'audit' });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'bob');
    await lh.waitForState(key, 'Active');
    expect(
      lh.sandboxes.slack.rateLimitedCount('chat.postMessage') +
        lh.sandboxes.slack.rateLimitedCount('users.lookupByEmail'),
    ).toBeGreaterThan(0);
    lh.sandboxes.slack.rateLimit('*', 0, 0);
  });
});
