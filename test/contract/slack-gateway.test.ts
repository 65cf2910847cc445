import { sandboxCredentials, samplePerson, startSlackSandbox, type SlackSandbox } from '@leasehold/sandbox';
import { ConnectorError } from '../../src/connectors/connector-error';
import { SlackGateway } from '../../src/connectors/slack/slack-gateway';

/** Leasehold's Slack connector (the official WebClient inside) against the sandbox Slack. */
let sandbox: SlackSandbox;
let slack: SlackGateway;

beforeAll(async () => {
  sandbox = await startSlackSandbox();
  slack = new SlackGateway(sandboxCredentials.slack.botToken, sandbox.apiUrl);
});
afterAll(async () => {
  await sandbox.close();
});

const failureOf = (call: Promise<unknown>): Promise<ConnectorError> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as ConnectorError,
  );

test("a person's DM by email: the message is posted there, then updated in place", async () => {
  const bob = await slack.userIdByEmail(samplePerson('bob').email);
  expect(bob).toBe(sandbox.userId('bob'));
  expect(await slack.emailOf(bob!)).toBe('bob@example.com');
  const ref = await slack.post(await slack.openDm(bob!), 'Alice asks for access', [
    { type: 'section', text: { type: 'mrkdwn', text: 'Alice asks for access' } },
  ]);
  await slack.update(ref, 'Approved by carol', [
    { type: 'section', text: { type: 'mrkdwn', text: 'Approved by carol' } },
  ]);
  const [message] = sandbox.directMessages('bob');
  expect(message).toEqual(expect.objectContaining({ ts: ref.ts, text: 'Approved by carol', updateCount: 1 }));
});

test('someone Slack does not know is no one; Slack refusals are permanent, its 429s rate limits with their wait', async () => {
  expect(await slack.userIdByEmail('nobody@example.com')).toBeUndefined();
  expect(await failureOf(slack.post('C0NOWHERE', 'x', []))).toEqual(
    expect.objectContaining({ kind: 'permanent', details: expect.objectContaining({ code: 'channel_not_found' }) }),
  );
  sandbox.rateLimit('users.lookupByEmail', 1, 7);
  expect(await failureOf(slack.userIdByEmail('bob@example.com'))).toEqual(
    expect.objectContaining({ kind: 'rate-limited', details: expect.objectContaining({ retryAfterMs: 7000 }) }),
  );
  const wrongToken = new SlackGateway('xoxb-wrong', sandbox.apiUrl);
  expect((await failureOf(wrongToken.userIdByEmail('bob@example.com'))).kind).toBe('permanent');
});
