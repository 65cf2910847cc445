import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel as BoltLogLevel, verifySlackRequest, type BlockAction, type ButtonAction } from '@slack/bolt';
import { LogLevel, WebClient } from '@slack/web-api';
import {
  sandboxCredentials,
  SlackClickError,
  startSlackSandbox,
  type SlackInteractionDelivery,
  type SlackSandbox,
} from '@leasehold/sandbox';

/**
 * Clicking as a person: the sandbox Slack delivers the `block_actions` payload of a button click to the
 * app's interactivity request URL, signed as Slack signs it. A tiny receiver checks each delivery with
 * Bolt's own `verifySlackRequest` (what Bolt's HTTPReceiver runs) and parses the payload.
 */

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  payload?: BlockAction<ButtonAction>;
  rejected?: string;
}

let sandbox: SlackSandbox;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
const { botToken, signingSecret, verificationToken } = sandboxCredentials.slack;

function receive(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const entry: Received = { headers: req.headers, body };
    received.push(entry);
    try {
      verifySlackRequest({
        signingSecret,
        body,
        headers: {
          'x-slack-signature': String(req.headers['x-slack-signature']),
          'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
        },
      });
    } catch (err) {
      entry.rejected = (err as Error).message;
      res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid signature');
      return;
    }
    entry.payload = JSON.parse(new URLSearchParams(body).get('payload')!) as BlockAction<ButtonAction>;
    res.writeHead(200).end(); // what Bolt's ack() answers
  });
}

const web = (): WebClient => new WebClient(botToken, { slackApiUrl: sandbox.apiUrl, logLevel: LogLevel.ERROR });

const blocks = [
  { type: 'section', text: { type: 'mrkdwn', text: 'Alice asks for *okta:jira-software-users* for 8 hours' } },
  {
    type: 'actions',
    block_id: 'decision',
    elements: [
      {
        type: 'button',
        action_id: 'approve',
        style: 'primary',
        value: 'LH-7:approve',
        text: { type: 'plain_text', text: 'Approve' },
      },
      { type: 'button', action_id: 'deny', value: 'LH-7:deny', text: { type: 'plain_text', text: 'Deny' } },
    ],
  },
];

/** The bot asks Bob in his DM; answers the message's channel and ts. */
async function askBob(): Promise<{ channel: string; ts: string }> {
  const { channel } = await web().conversations.open({ users: sandbox.userId('bob') });
  const posted = await web().chat.postMessage({ channel: channel!.id!, text: 'Approval needed', blocks });
  return { channel: posted.channel!, ts: posted.ts! };
}

beforeAll(async () => {
  receiver = http.createServer(receive);
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slack/events`;
  sandbox = await startSlackSandbox({ port: 0, interactivityUrl: receiverUrl });
});
afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  sandbox.reset();
  received.length = 0;
});

describe('a click', () => {
  it('delivers a signed block_actions payload that Bolt verifies', async () => {
    const { channel, ts } = await askBob();
    const delivery = await sandbox.click({ as: 'bob', channel, ts, actionId: 'approve' });
    expect(delivery.response).toMatchObject({ status: 200, body: '' });
    expect(delivery.withinAckDeadline).toBe(true);

    expect(received).toHaveLength(1);
    const [{ headers, body, payload, rejected }] = received as [Received];
    expect(rejected).toBeUndefined();
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(Math.abs(Number(headers['x-slack-request-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(body.startsWith('payload=')).toBe(true);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB0001', username: 'bob', name: 'bob', team_id: 'T0LEASEHLD' },
      team: { id: 'T0LEASEHLD', domain: 'example-org' },
      api_app_id: 'A0LEASEHLD',
      token: verificationToken,
      channel: { id: 'D0BOB0001', name: 'directmessage' },
      container: { type: 'message', message_ts: ts, channel_id: 'D0BOB0001', is_ephemeral: false },
      message: { type: 'message', ts, user: 'U0LEASEBOT', bot_id: 'B0LEASEBOT', text: 'Approval needed' },
      actions: [
        {
          type: 'button',
          action_id: 'approve',
          block_id: 'decision',
          value: 'LH-7:approve',
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
        },
      ],
    });
    expect(payload!.message!.blocks).toEqual(sandbox.message(channel, ts)!.blocks);
    expect(payload!.actions[0]!.action_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(payload!.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
    expect(payload!.response_url).toMatch(/\/actions\/T0LEASEHLD\/\d+\/[0-9a-f]+$/);
    expect(sandbox.interactions()).toHaveLength(1);
  });

  it('a wrong signature and a timestamp older than 5 minutes are rejected by Bolt’s check', async () => {
    const { channel, ts } = await askBob();
    const forged = await sandbox.click({ as: 'bob', channel, ts, actionId: 'deny', tamper: 'bad-signature' });
    expect(forged.response?.status).toBe(401);
    const replayed = await sandbox.click({ as: 'bob', channel, ts, actionId: 'deny', tamper: 'stale-timestamp' });
    expect(replayed.response?.status).toBe(401);
    expect(received.map((r) => r.rejected)).toEqual([
      'Failed to verify authenticity: signature mismatch',
      expect.stringContaining('x-slack-request-timestamp must differ from system time by no more than 5 minutes'),
    ]);
    expect(Number(replayed.headers['x-slack-request-timestamp'])).toBeLessThan(Date.now() / 1000 - 300);
  });

  it('finds the channel from the ts, and is refused for a missing button, someone else’s DM or a replaced message', async () => {
    const { channel, ts } = await askBob();
    await sandbox.click({ as: 'U0BOB0001', ts, actionId: 'deny' });
    expect(received[0]!.payload!.actions[0]).toMatchObject({ action_id: 'deny', value: 'LH-7:deny' });

    const refused = (click: Parameters<SlackSandbox['click']>[0]) =>
      sandbox.click(click).then(
        () => undefined,
        (e: unknown) => e as SlackClickError,
      );
    expect(await refused({ as: 'bob', channel, ts, actionId: 'escalate' })).toMatchObject({
      kind: 'not-found',
      message: expect.stringContaining('buttons: approve, deny'),
    });
    expect(await refused({ as: 'alice', channel, ts, actionId: 'approve' })).toMatchObject({ kind: 'forbidden' });
    await web().chat.update({
      channel,
      ts,
      text: 'Approved',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Approved' } }],
    });
    expect(await refused({ as: 'bob', channel, ts, actionId: 'approve' })).toBeInstanceOf(SlackClickError);
    expect(received).toHaveLength(1);
  });

  it('POST /__sandbox/click does the same for a CLI, answering the app’s status and body', async () => {
    const { channel, ts } = await askBob();
    const click = (body: unknown) =>
      fetch(`${sandbox.url}/__sandbox/click`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as SlackInteractionDelivery & { payload: BlockAction<ButtonAction> },
      }));
    const ok = await click({ as: 'bob', channel, ts, actionId: 'approve' });
    expect(ok.status).toBe(200);
    expect(ok.body.response).toMatchObject({ status: 200, body: '' });
    expect(ok.body.payload.actions[0]!.value).toBe('LH-7:approve');
    const forged = await click({ as: 'bob', channel, ts, actionId: 'approve', tamper: 'bad-signature' });
    expect(forged.body.response).toMatchObject({ status: 401, body: 'invalid signature' });
    expect((await click({ as: 'bob', channel, ts, actionId: 'nope' })).status).toBe(404);

    sandbox.setInteractivityUrl(undefined);
    try {
      expect((await click({ as: 'bob', channel, ts, actionId: 'approve' })).status).toBe(409);
    } finally {
      sandbox.setInteractivityUrl(receiverUrl);
    }
  });
});

describe('Bolt for JS in HTTP mode (App with its HTTPReceiver)', () => {
  it('verifies and acks the click; its client updates the message through the sandbox', async () => {
    const app = new App({
      token: botToken,
      signingSecret,
      clientOptions: { slackApiUrl: sandbox.apiUrl },
      logLevel: BoltLogLevel.ERROR,
    });
    const decisions: string[] = [];
    app.action<BlockAction<ButtonAction>>('approve', async ({ ack, body, action, client }) => {
      await ack();
      decisions.push(`${body.user.id} ${action.value}`);
      await client.chat.update({
        channel: body.container.channel_id as string,
        ts: body.container.message_ts as string,
        text: `Approved by <@${body.user.id}>`,
        blocks: [],
      });
    });
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    try {
      const port = (server.address() as AddressInfo).port;
      sandbox.setInteractivityUrl(`http://127.0.0.1:${port}/slack/events`);
      const { channel, ts } = await askBob();
      const forged = await sandbox.click({ as: 'bob', channel, ts, actionId: 'approve', tamper: 'bad-signature' });
      expect(forged.response?.status).toBe(401);
      const delivery = await sandbox.click({ as: 'bob', channel, ts, actionId: 'approve' });
      expect(delivery.response?.status).toBe(200);
      for (let i = 0; i < 100 && !sandbox.message(channel, ts)!.updated; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(decisions).toEqual(['U0BOB0001 LH-7:approve']);
      expect(sandbox.message(channel, ts)).toMatchObject({ text: 'Approved by <@U0BOB0001>', updateCount: 1 });
      expect(sandbox.message(channel, ts)!.blocks).toBeUndefined();
    } finally {
      sandbox.setInteractivityUrl(receiverUrl);
      await app.stop();
    }
  });
});
