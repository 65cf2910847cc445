import {
  ErrorCode,
  LogLevel,
  WebClient,
  WebClientEvent,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
} from '@slack/web-api';
import { sandboxCredentials, startSlackSandbox, type SlackSandbox } from '@leasehold/sandbox';

/**
 * The unmodified @slack/web-api WebClient against the sandbox Slack: every Web API call Slack approvals
 * make, with their errors and rate limiting (docs/wire-contracts.md). Clicks are in
 * slack-interactions.contract.test.ts.
 */

let sandbox: SlackSandbox;
const TOKEN = sandboxCredentials.slack.botToken;

const client = (options: { token?: string; rejectRateLimitedCalls?: boolean; retries?: number } = {}): WebClient =>
  new WebClient('token' in options ? options.token : TOKEN, {
    slackApiUrl: sandbox.apiUrl,
    logLevel: LogLevel.ERROR,
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
    retryConfig: { retries: options.retries ?? 0, minTimeout: 0, maxTimeout: 0 },
  });

/** What a call fails with (undefined when it succeeds). */
const failure = <T>(call: Promise<unknown>): Promise<T> =>
  call.then(
    () => undefined as T,
    (e: unknown) => e as T,
  );

/** The `error` of the WebAPIPlatformError a call fails with (fails the test when it succeeds). */
async function platformError(call: Promise<unknown>): Promise<string> {
  const err = await failure<WebAPIPlatformError | undefined>(call);
  if (!err) throw new Error('expected the call to fail');
  expect(err.code).toBe(ErrorCode.PlatformError);
  expect(err.data.ok).toBe(false);
  return err.data.error;
}

const button = (action_id: string, style: string, text: string) => ({
  type: 'button',
  action_id,
  style,
  value: `LH-1:${action_id}`,
  text: { type: 'plain_text', text },
});
const approvalBlocks = [
  { type: 'section', text: { type: 'mrkdwn', text: '*Alice* asks for *okta:jira-software-users* for 8 hours' } },
  {
    type: 'actions',
    block_id: 'decision',
    elements: [button('approve', 'primary', 'Approve'), button('deny', 'danger', 'Deny')],
  },
];

beforeAll(async () => {
  sandbox = await startSlackSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

describe('authentication', () => {
  it('auth.test names the team, the bot user and the bot', async () => {
    const res = await client().auth.test();
    expect(res).toMatchObject({
      ok: true,
      team: 'Example Org',
      team_id: 'T0LEASEHLD',
      user: 'leasehold',
      user_id: 'U0LEASEBOT',
      bot_id: 'B0LEASEBOT',
      url: 'https://example-org.slack.com/',
      is_enterprise_install: false,
    });
    expect(res.response_metadata?.scopes).toEqual(['chat:write', 'im:write', 'users:read', 'users:read.email']);
  });

  it('a missing token is not_authed, a wrong one invalid_auth (HTTP 200)', async () => {
    expect(await platformError(client({ token: undefined }).auth.test())).toBe('not_authed');
    expect(await platformError(client({ token: 'xoxb-not-the-bot' }).auth.test())).toBe('invalid_auth');
  });

  it('JSON bodies take the token from the Authorization header only', async () => {
    const call = (headers: Record<string, string>, body: unknown) =>
      fetch(`${sandbox.apiUrl}users.info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const ok = await call({ authorization: `Bearer ${TOKEN}` }, { user: 'U0ALICE01' });
    expect(ok).toMatchObject({ status: 200, body: { ok: true, user: { id: 'U0ALICE01' } } });
    expect(await call({}, { token: TOKEN, user: 'U0ALICE01' })).toEqual({
      status: 200,
      body: { ok: false, error: 'not_authed' },
    });
  });

  it('a method the sandbox does not serve is unknown_method (HTTP 404: WebAPIHTTPError)', async () => {
    const call = client().apiCall('conversations.history', { channel: 'C0APPROVALS' });
    const err = await failure<{ code: string; statusCode: number; body: unknown }>(call);
    expect(err).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 404 });
    // WebAPIHTTPError parses a JSON body.
    expect(err.body).toEqual({ ok: false, error: 'unknown_method', req_method: 'conversations.history' });
  });
});

describe('people', () => {
  it('users.lookupByEmail finds a member (case-insensitive); an unknown email is users_not_found', async () => {
    const res = await client().users.lookupByEmail({ email: 'Alice@Example.com' });
    expect(res.user).toMatchObject({
      id: 'U0ALICE01',
      name: 'alice',
      real_name: 'Alice Anders',
      team_id: 'T0LEASEHLD',
      is_bot: false,
      deleted: false,
      profile: { email: 'alice@example.com', real_name: 'Alice Anders', title: 'Software Engineer' },
    });
    expect(await platformError(client().users.lookupByEmail({ email: 'nobody@example.com' }))).toBe('users_not_found');
    // Bots have no email.
    expect(await platformError(client().users.lookupByEmail({ email: 'leasehold-bot@example.com' }))).toBe(
      'users_not_found',
    );
  });

  it('users.info answers the profile with its email (users:read.email); unknown ids are user_not_found', async () => {
    const res = await client().users.info({ user: sandbox.userId('bob') });
    expect(res.user).toMatchObject({ id: 'U0BOB0001', profile: { email: 'bob@example.com' } });
    const bot = await client().users.info({ user: 'U0LEASEBOT' });
    expect(bot.user).toMatchObject({ is_bot: true, profile: { bot_id: 'B0LEASEBOT' } });
    expect(bot.user?.profile?.email).toBeUndefined();
    expect(await platformError(client().users.info({ user: 'U0NOBODY1' }))).toBe('user_not_found');
  });
});

describe('conversations.open', () => {
  it('opens the bot’s DM with one person (stable id), then answers already_open', async () => {
    const first = await client().conversations.open({ users: 'U0ALICE01' });
    expect(first).toMatchObject({ ok: true, channel: { id: 'D0ALICE01' } });
    expect(first.already_open).toBeUndefined();
    const again = await client().conversations.open({ users: 'U0ALICE01', return_im: true });
    expect(again).toMatchObject({ no_op: true, already_open: true });
    expect(again.channel).toMatchObject({ id: 'D0ALICE01', is_im: true, user: 'U0ALICE01', is_open: true });
    expect(sandbox.dmChannelId('alice')).toBe('D0ALICE01');
  });

  it('unknown users are user_not_found; no users is users_list_not_supplied', async () => {
    expect(await platformError(client().conversations.open({ users: 'U0NOBODY1' }))).toBe('user_not_found');
    expect(await platformError(client().conversations.open({} as never))).toBe('users_list_not_supplied');
  });
});

describe('chat.postMessage', () => {
  it('posts blocks to a DM: channel, a Slack ts, the message with block ids', async () => {
    const { channel } = await client().conversations.open({ users: 'U0BOB0001' });
    const res = await client().chat.postMessage({
      channel: channel!.id!,
      text: 'Approval needed',
      blocks: approvalBlocks,
    });
    expect(res).toMatchObject({ ok: true, channel: 'D0BOB0001' });
    expect(res.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(res.message).toMatchObject({
      type: 'message',
      user: 'U0LEASEBOT',
      bot_id: 'B0LEASEBOT',
      app_id: 'A0LEASEHLD',
      ts: res.ts,
      text: 'Approval needed',
    });
    const [section, actions] = res.message!.blocks!;
    expect(section!.block_id).toMatch(/^[\w-]{5}$/); // made up by Slack when the app gave none
    expect(actions!.block_id).toBe('decision');
    const second = await client().chat.postMessage({ channel: 'D0BOB0001', text: 'again' });
    expect(Number(second.ts)).toBeGreaterThan(Number(res.ts));

    const [posted] = sandbox.directMessages('bob');
    expect(posted).toMatchObject({
      ts: res.ts,
      text: 'Approval needed',
      fromBot: true,
      updated: false,
      updateCount: 0,
    });
    expect(posted!.blocks).toEqual(res.message!.blocks);
  });

  it('posts to a channel the bot is in by id or #name, and to a user id (its DM)', async () => {
    const byName = await client().chat.postMessage({ channel: '#access-approvals', text: 'hello' });
    expect(byName.channel).toBe('C0APPROVALS');
    await client().chat.postMessage({ channel: 'C0APPROVALS', text: 'by id' });
    expect(sandbox.messages('#access-approvals').map((m) => m.text)).toEqual(['hello', 'by id']);
    const toUser = await client().chat.postMessage({ channel: 'U0CAROL01', text: 'hi Carol' });
    expect(toUser.channel).toBe('D0CAROL01');
    expect(sandbox.directMessages('carol').map((m) => m.text)).toEqual(['hi Carol']);
  });

  it('errors: not_in_channel, channel_not_found (also an unopened DM), no_text', async () => {
    expect(await platformError(client().chat.postMessage({ channel: '#general', text: 'x' }))).toBe('not_in_channel');
    expect(await platformError(client().chat.postMessage({ channel: 'C0NOSUCH1', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await platformError(client().chat.postMessage({ channel: '#no-such', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await platformError(client().chat.postMessage({ channel: 'D0ERIN001', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await platformError(client().chat.postMessage({ channel: 'C0APPROVALS' } as never))).toBe('no_text');
    expect(sandbox.messages('C0APPROVALS')).toEqual([]);
  });
});

describe('chat.update', () => {
  it('replaces text and blocks of the bot’s message; the sandbox keeps the versions', async () => {
    const posted = await client().chat.postMessage({
      channel: 'U0BOB0001',
      text: 'Approval needed',
      blocks: approvalBlocks,
    });
    const done = [{ type: 'section', text: { type: 'mrkdwn', text: 'Approved by Bob' } }];
    const res = await client().chat.update({
      channel: posted.channel!,
      ts: posted.ts!,
      text: 'Approved',
      blocks: done,
    });
    expect(res).toMatchObject({ ok: true, channel: 'D0BOB0001', ts: posted.ts, text: 'Approved' });
    expect(res.message).toMatchObject({ text: 'Approved', user: 'U0LEASEBOT', bot_id: 'B0LEASEBOT' });
    expect(res.message!.blocks).toHaveLength(1);
    const view = sandbox.message('D0BOB0001', posted.ts!)!;
    expect(view).toMatchObject({ text: 'Approved', originalText: 'Approval needed', updated: true, updateCount: 1 });
    expect(view.edits[0]!.blocks).toHaveLength(2);
  });

  it('errors: message_not_found, cant_update_message (a person’s message), channel_not_found', async () => {
    const posted = await client().chat.postMessage({ channel: 'C0APPROVALS', text: 'x' });
    expect(
      await platformError(client().chat.update({ channel: 'C0APPROVALS', ts: '1700000000.000100', text: 'y' })),
    ).toBe('message_not_found');
    const bobs = sandbox.postAs('bob', '#access-approvals', 'I will look at it');
    expect(await platformError(client().chat.update({ channel: 'C0APPROVALS', ts: bobs.ts, text: 'y' }))).toBe(
      'cant_update_message',
    );
    expect(await platformError(client().chat.update({ channel: 'C0NOSUCH1', ts: posted.ts!, text: 'y' }))).toBe(
      'channel_not_found',
    );
    expect(sandbox.message('C0APPROVALS', posted.ts!)!.updated).toBe(false);
  });
});

describe('rate limits', () => {
  it('with rejectRateLimitedCalls a 429 is WebAPIRateLimitedError with retryAfter', async () => {
    sandbox.rateLimit('chat.postMessage', 1, 7);
    const err = await failure<WebAPIRateLimitedError>(
      client({ rejectRateLimitedCalls: true }).chat.postMessage({ channel: 'C0APPROVALS', text: 'x' }),
    );
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(7);
    expect(sandbox.rateLimitedCount('chat.postMessage')).toBe(1);
    expect(sandbox.messages('C0APPROVALS')).toEqual([]);
  });

  it('by default WebClient waits Retry-After seconds and retries', async () => {
    sandbox.rateLimit('chat.postMessage', 1, 1);
    const web = client({ retries: 2 });
    const waits: number[] = [];
    web.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const started = Date.now();
    const res = await web.chat.postMessage({ channel: 'C0APPROVALS', text: 'after the wait' });
    expect(res.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(waits).toEqual([1]);
    expect(sandbox.rateLimitedCount('chat.postMessage')).toBe(1);
    expect(sandbox.requestCount('chat.postMessage')).toBe(1);
    expect(sandbox.messages('C0APPROVALS').map((m) => m.text)).toEqual(['after the wait']);
  });

  it('with retries: 0 WebClient still waits, then fails with WebAPIRequestError', async () => {
    sandbox.rateLimit('users.info', 1, 1);
    const err = await failure<{ code: string }>(client().users.info({ user: 'U0ALICE01' }));
    expect(err.code).toBe(ErrorCode.RequestError);
    expect(sandbox.requestCount('users.info')).toBe(0);
  });

  it('fault-switch 429s and 500s: WebAPIRateLimitedError and WebAPIHTTPError', async () => {
    sandbox.faults.update({ throttleNext: 1, failNext: 1, retryAfterSeconds: 2 });
    const limited = await failure<WebAPIRateLimitedError>(client({ rejectRateLimitedCalls: true }).auth.test());
    expect(limited.retryAfter).toBe(2);
    const failed = await failure<{ code: string; statusCode: number }>(client().auth.test());
    expect(failed).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
  });

  it('the raw 429: Retry-After header and { ok: false, error: "ratelimited" }', async () => {
    sandbox.rateLimit('*', 1, 3);
    const res = await fetch(`${sandbox.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect((await client().auth.test()).ok).toBe(true);
  });
});
