import { ErrorCode, LogLevel, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { ConnectorError } from '../connector-error';

/** A message Leasehold posted: where, and its timestamp (Slack's id for `chat.update`). */
export interface SlackMessageRef {
  channel: string;
  ts: string;
  /** Whose DM it is (their email), when it went to a person. */
  to?: string;
}

/** Slack's `ok: false` codes that no retry changes (the rest are retried; 429s wait `Retry-After`). */
const PERMANENT = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'users_not_found',
  'user_not_found',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'message_not_found',
  'cant_update_message',
  'invalid_blocks',
  'no_text',
  'invalid_arguments',
]);

/**
 * The Slack Web API calls approvals in Slack make, through the official WebClient: find a person by
 * email, open their DM, post and update the approval message, read who clicked. Failures are
 * classified once: Slack's permanent `ok: false` codes, rate limits with their `Retry-After`, the rest
 * transient. WebClient's own retries are off: Temporal's retry policies decide.
 */
export class SlackGateway {
  private readonly client: WebClient;

  constructor(botToken: string, apiUrl?: string) {
    this.client = new WebClient(botToken, {
      ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
      logLevel: LogLevel.ERROR,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
  }

  /** The Slack user with this email, or undefined when the workspace has none. */
  async userIdByEmail(email: string): Promise<string | undefined> {
    try {
      const found = await this.call('look up a user by email', () => this.client.users.lookupByEmail({ email }));
      return found.user?.id;
    } catch (err) {
      if (err instanceof ConnectorError && err.details.code === 'users_not_found') return undefined;
      throw err;
    }
  }

  /** The email of a Slack user (needs `users:read.email`); undefined when Slack shows none (a bot). */
  async emailOf(userId: string): Promise<string | undefined> {
    const found = await this.call('read a user', () => this.client.users.info({ user: userId }));
    return found.user?.profile?.email ?? undefined;
  }

  /** The DM channel with a person. */
  async openDm(userId: string): Promise<string> {
    const opened = await this.call('open a DM', () => this.client.conversations.open({ users: userId }));
    if (!opened.channel?.id) throw new ConnectorError('retryable', 'Slack opened no DM channel', { service: 'slack' });
    return opened.channel.id;
  }

  /** A message (in a thread when `threadTs` is given, e.g. a reminder under the approval request). */
  async post(channel: string, text: string, blocks: unknown[], threadTs?: string): Promise<SlackMessageRef> {
    const posted = await this.call('post a message', () =>
      this.client.chat.postMessage({
        channel,
        text,
        ...(blocks.length ? { blocks: blocks as never } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
    return { channel: posted.channel ?? channel, ts: posted.ts! };
  }

  async update(ref: SlackMessageRef, text: string, blocks: unknown[]): Promise<void> {
    await this.call('update a message', () =>
      this.client.chat.update({ channel: ref.channel, ts: ref.ts, text, blocks: blocks as never }),
    );
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classify(what, err);
    }
  }
}

function classify(what: string, err: unknown): ConnectorError {
  const code = (err as { code?: string }).code;
  if (code === ErrorCode.RateLimitedError) {
    const retryAfter = (err as WebAPIRateLimitedError).retryAfter;
    return new ConnectorError('rate-limited', `Slack rate-limited "${what}" (retry after ${retryAfter} s)`, {
      service: 'slack',
      status: 429,
      retryAfterMs: retryAfter * 1000,
    });
  }
  if (code === ErrorCode.PlatformError) {
    const slackError = (err as WebAPIPlatformError).data.error;
    const kind = PERMANENT.has(slackError) ? 'permanent' : 'retryable';
    return new ConnectorError(kind, `Slack refused to ${what}: ${slackError}`, { service: 'slack', code: slackError });
  }
  return new ConnectorError('retryable', `Slack did not answer "${what}": ${(err as Error).message}`, {
    service: 'slack',
  });
}
