import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogLevel, WebClient } from '@slack/web-api';
import { loadSandboxState, sandboxCredentials, startSandboxes, type Sandboxes } from '@leasehold/sandbox';

/**
 * The Slack sandbox among the others: `startSandboxes` starts it, its variables are in `env`, and its
 * messages (and ts clock, and opened DMs) survive a restart through the state file.
 */
describe('the Slack sandbox in startSandboxes', () => {
  let dir: string;
  let running: Sandboxes | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-slack-sandbox-'));
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const web = (s: Sandboxes): WebClient =>
    new WebClient(s.env.SLACK_BOT_TOKEN, { slackApiUrl: s.env.SLACK_API_URL, logLevel: LogLevel.ERROR });

  test('env names the API root, the bot token and the signing secret', async () => {
    running = await startSandboxes({ stateDir: dir });
    expect(running.env).toMatchObject({
      SLACK_API_URL: running.slack.apiUrl,
      SLACK_BOT_TOKEN: sandboxCredentials.slack.botToken,
      SLACK_SIGNING_SECRET: sandboxCredentials.slack.signingSecret,
    });
    expect(running.slack.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    expect((await web(running).auth.test()).user_id).toBe('U0LEASEBOT');
  });

  test('messages, opened DMs and the ts clock come back after a restart', async () => {
    const file = path.join(dir, 'sandbox-state.json');
    running = await startSandboxes({ stateDir: dir, stateFile: file });
    await web(running).conversations.open({ users: 'U0DAVE001' });
    const posted = await web(running).chat.postMessage({ channel: 'D0DAVE001', text: 'Approval needed' });
    await web(running).chat.update({ channel: 'D0DAVE001', ts: posted.ts!, text: 'Approved' });
    await running.close();
    running = undefined;
    expect(loadSandboxState(file)?.slack?.messages.map((m) => m.text)).toEqual(['Approved']);

    running = await startSandboxes({ stateDir: dir, stateFile: file });
    expect(running.restored).toBe(true);
    expect(running.slack.directMessages('dave')).toEqual([
      expect.objectContaining({ ts: posted.ts, text: 'Approved', originalText: 'Approval needed', updateCount: 1 }),
    ]);
    // The DM is still open (posting to its id works) and ts keep increasing.
    const next = await web(running).chat.postMessage({ channel: 'D0DAVE001', text: 'Another' });
    expect(Number(next.ts)).toBeGreaterThan(Number(posted.ts));
  });
});
