import { createHmac, randomBytes } from 'node:crypto';
import { buttonActionIds, findButton } from './blocks';
import { formatTs, messageJson, type MessageStore, type StoredSlackMessage } from './messages';
import { SLACK_APP_ID, SLACK_TEAM, type SlackChannelRecord, type SlackWorkspace } from './workspace';

/**
 * "Clicking as a person": the `block_actions` interaction payload Slack sends when someone clicks a
 * button in a message the app posted, delivered as Slack delivers it: one POST of
 * `application/x-www-form-urlencoded` `payload=<JSON>` to the app's interactivity request URL, signed
 * with the signing secret (`X-Slack-Request-Timestamp`, `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 * "v0:<timestamp>:<body>">`). Slack does not retry interactions; it shows the user an error when the app
 * does not answer 200 within 3 seconds.
 */

export interface SlackClick {
  /** Who clicks: a Slack user id or a sample handle (`bob`). */
  as: string;
  /** The message's channel (id, `#name`, or the bot's DM id); default: the channel holding `ts`. */
  channel?: string;
  ts: string;
  /** The button's `action_id` in the message's blocks. */
  actionId: string;
  /**
   * A forged or replayed delivery: `bad-signature` signs with a wrong secret; `stale-timestamp` signs
   * correctly but with a timestamp ten minutes old (older than the 5 minutes receivers accept).
   */
  tamper?: 'bad-signature' | 'stale-timestamp';
}

export interface SlackInteractionDelivery {
  id: number;
  url: string;
  at: string;
  /** The exact body sent (`payload=…`). */
  body: string;
  headers: Record<string, string>;
  payload: Record<string, unknown>;
  tamper?: SlackClick['tamper'];
  /** The app's answer; absent when the connection failed or timed out (`error`). */
  response?: { status: number; headers: Record<string, string>; body: string };
  error?: string;
  durationMs: number;
  /** Whether the app answered within Slack's 3 seconds. */
  withinAckDeadline: boolean;
}

/** A click that cannot happen (unknown person, message or button, no interactivity URL). */
export class SlackClickError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-found' | 'forbidden' | 'not-configured',
  ) {
    super(message);
  }
}

export interface InteractionSettings {
  signingSecret: string;
  verificationToken: string;
  /** The sandbox's own base URL (for `response_url`). */
  baseUrl: () => string;
  /** How long to wait for the app's answer (default 10 s; Slack gives up on the user's side after 3). */
  timeoutMs?: number;
}

const ACK_DEADLINE_MS = 3_000;
const STALE_SECONDS = 600;
const MAX_LOGGED = 500;

/** The `v0=` signature Slack puts in `X-Slack-Signature`. */
export function signSlackRequest(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export class InteractionSender {
  private url: string | undefined;
  private readonly log: SlackInteractionDelivery[] = [];
  private nextId = 1;

  constructor(
    private readonly workspace: SlackWorkspace,
    private readonly messages: MessageStore,
    private readonly settings: InteractionSettings,
  ) {}

  get interactivityUrl(): string | undefined {
    return this.url;
  }

  set interactivityUrl(url: string | undefined) {
    if (url !== undefined) new URL(url); // throws on a malformed URL
    this.url = url;
  }

  deliveries(): SlackInteractionDelivery[] {
    return structuredClone(this.log);
  }

  clear(): void {
    this.log.length = 0;
  }

  /** Builds the payload a click would send (without sending it). Throws {@link SlackClickError}. */
  payloadFor(click: SlackClick): Record<string, unknown> {
    const user = this.workspace.findUser(click.as);
    if (!user || user.isBot) throw new SlackClickError(`no Slack member ${click.as} to click as`, 'not-found');
    const message = this.locate(click);
    const channel = this.channelOf(message.channel);
    if (channel.isIm && channel.user !== user.id)
      throw new SlackClickError(`${click.as} cannot see the bot's DM ${channel.id} with ${channel.user}`, 'forbidden');
    if (message.user !== this.workspace.bot.id)
      throw new SlackClickError(`message ${message.ts} in ${channel.id} is not the app's`, 'forbidden');
    const button = findButton(message.blocks, click.actionId);
    if (!button) {
      const ids = buttonActionIds(message.blocks);
      throw new SlackClickError(
        `message ${message.ts} in ${channel.id} has no button ${click.actionId} (buttons: ${ids.join(', ') || 'none'})`,
        'not-found',
      );
    }
    const nowMicros = Date.now() * 1000 + Math.floor(Math.random() * 1000);
    const { element } = button;
    return {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: SLACK_TEAM.id },
      api_app_id: SLACK_APP_ID,
      token: this.settings.verificationToken,
      container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: false },
      trigger_id: `${Date.now()}${randomDigits(3)}.${randomDigits(13)}.${randomBytes(16).toString('hex')}`,
      team: { id: SLACK_TEAM.id, domain: SLACK_TEAM.domain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel.id, name: channel.name },
      message: messageJson(message),
      state: { values: {} },
      response_url: `${this.settings.baseUrl()}/actions/${SLACK_TEAM.id}/${randomDigits(13)}/${randomBytes(12).toString('hex')}`,
      actions: [
        {
          action_id: click.actionId,
          block_id: button.blockId,
          text: element.text,
          ...(element.value === undefined ? {} : { value: element.value }),
          ...(element.style === undefined ? {} : { style: element.style }),
          type: 'button',
          action_ts: formatTs(nowMicros),
        },
      ],
    };
  }

  /** Sends the click to the interactivity request URL; answers with what the app answered. */
  async click(click: SlackClick): Promise<SlackInteractionDelivery> {
    const url = this.url;
    if (!url) throw new SlackClickError('no interactivity request URL is set on the Slack sandbox', 'not-configured');
    const payload = this.payloadFor(click);
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const now = Math.floor(Date.now() / 1000);
    const timestamp = click.tamper === 'stale-timestamp' ? now - STALE_SECONDS : now;
    const secret =
      click.tamper === 'bad-signature' ? `${this.settings.signingSecret}-forged` : this.settings.signingSecret;
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      accept: 'application/json,*/*',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(secret, timestamp, body),
    };
    const delivery: SlackInteractionDelivery = {
      id: this.nextId++,
      url,
      at: new Date().toISOString(),
      body,
      headers,
      payload,
      ...(click.tamper ? { tamper: click.tamper } : {}),
      durationMs: 0,
      withinAckDeadline: false,
    };
    const started = Date.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
      });
      delivery.response = {
        status: res.status,
        headers: Object.fromEntries(res.headers.entries()),
        body: await res.text(),
      };
    } catch (err) {
      delivery.error = err instanceof Error ? err.message : String(err);
    }
    delivery.durationMs = Date.now() - started;
    delivery.withinAckDeadline = delivery.response !== undefined && delivery.durationMs <= ACK_DEADLINE_MS;
    this.log.push(delivery);
    if (this.log.length > MAX_LOGGED) this.log.splice(0, this.log.length - MAX_LOGGED);
    return structuredClone(delivery);
  }

  private locate(click: SlackClick): StoredSlackMessage {
    let channelId: string | undefined;
    if (click.channel !== undefined) {
      channelId = this.workspace.publicChannel(click.channel)?.id ?? click.channel;
    }
    const candidates = channelId
      ? [this.messages.find(channelId, click.ts)]
      : this.workspace.channels
          .map((c) => this.messages.find(c.id, click.ts))
          .concat(this.workspace.users.map((u) => this.messages.find(this.workspace.dm(u.id).id, click.ts)));
    const found = candidates.find((m) => m !== undefined);
    if (!found) throw new SlackClickError(`no message ${click.ts} in ${click.channel ?? 'any channel'}`, 'not-found');
    return found;
  }

  private channelOf(channelId: string): SlackChannelRecord {
    const dmUser = this.workspace.dmUser(channelId);
    return dmUser ? this.workspace.dm(dmUser.id) : this.workspace.publicChannel(channelId)!;
  }
}

function randomDigits(n: number): string {
  let s = '';
  while (s.length < n) s += String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0');
  return s.slice(0, n);
}
