import { FaultSwitch, type FaultSettings, type FaultSettingsInput } from '../faults';
import { startSandboxServer, type RunningSandboxServer } from '../http';
import { sandboxCredentials } from '../sample-data';
import { slackAdminRouter } from './admin-routes';
import { InteractionSender, type SlackClick, type SlackInteractionDelivery } from './interactions';
import { MessageStore, messageView, type SlackMessageView, type SlackWorkspaceState } from './messages';
import { ForcedRateLimits } from './rate-limit';
import { slackServerOptions } from './server';
import { SLACK_TEAM, SlackWorkspace, type SlackChannelRecord } from './workspace';

export interface SlackCredentials {
  botToken: string;
  signingSecret: string;
  verificationToken: string;
}

export const defaultSlackCredentials: SlackCredentials = { ...sandboxCredentials.slack };

export interface SlackSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Initial faults, merged under `LEASEHOLD_SANDBOX_SLACK_FAULTS` (`throttleNext` answers 429 with Retry-After). */
  faults?: FaultSettingsInput;
  /** Bot token, signing secret, verification token (default `sandboxCredentials.slack`). */
  credentials?: Partial<SlackCredentials>;
  /** Where clicks are delivered (the app's interactivity request URL); settable later. */
  interactivityUrl?: string;
  /** How long a click waits for the app's answer, in ms (default 10 000). */
  interactionTimeoutMs?: number;
  /** Messages and opened DMs to start from (see {@link SlackSandbox.savedState}). */
  savedState?: SlackWorkspaceState;
}

/** What `GET /__sandbox/state` answers. */
export interface SlackSandboxState {
  team: { id: string; name: string; domain: string };
  botUserId: string;
  interactivityUrl?: string;
  channels: { id: string; name: string; botMember: boolean; messages: number }[];
  openedDms: { channel: string; user: string; messages: number }[];
  requestCounts: Record<string, number>;
  rateLimited: Record<string, number>;
  forcedRateLimits: Record<string, { remaining: number; retryAfterSeconds: number }>;
  interactions: number;
}

/** A running sandbox Slack workspace (Web API and interactivity), with accessors for tests. */
export interface SlackSandbox {
  /** Base URL, e.g. `http://127.0.0.1:8097`. */
  readonly url: string;
  /** `${url}/api/`: what WebClient's `slackApiUrl` takes. */
  readonly apiUrl: string;
  readonly port: number;
  readonly faults: FaultSwitch;
  readonly credentials: SlackCredentials;
  readonly teamId: string;
  /** The app's bot user (`auth.test` `user_id`). */
  readonly botUserId: string;
  /** The Slack user id of a sample person (`alice` → `U0ALICE01`). Throws for an unknown one. */
  userId(handle: string): string;
  /** The bot's DM channel id with a person (handle or user id), opened or not (`D0ALICE01`). */
  dmChannelId(person: string): string;
  /** Messages in a channel (id, `#name`, or a DM id), oldest first. Throws for an unknown channel. */
  messages(channel: string): SlackMessageView[];
  /** Messages in the bot's DM with a person (handle or user id), oldest first. */
  directMessages(person: string): SlackMessageView[];
  /** One message, by channel and ts. */
  message(channel: string, ts: string): SlackMessageView | undefined;
  /** A person posts a plain message (e.g. one the bot then cannot update). */
  postAs(person: string, channel: string, text: string): SlackMessageView;
  readonly interactivityUrl: string | undefined;
  /** Where clicks go: the app's interactivity request URL (undefined: none). */
  setInteractivityUrl(url: string | undefined): void;
  /** The `block_actions` payload a click would send, without sending it. */
  payloadFor(click: SlackClick): Record<string, unknown>;
  /** Clicks a button as a person: delivers the signed payload and answers with the app's response. */
  click(click: SlackClick): Promise<SlackInteractionDelivery>;
  /** Clicks delivered so far, oldest first. */
  interactions(): SlackInteractionDelivery[];
  /** The next `count` calls of a method (`*`: any) answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, count: number, retryAfterSeconds: number): void;
  requestCount(method: string): number;
  rateLimitedCount(method: string): number;
  state(): SlackSandboxState;
  savedState(): SlackWorkspaceState;
  onStateChange(listener: () => void): void;
  /** Back to an empty workspace (no messages, no open DMs) and the start faults; the interactivity URL stays. */
  reset(): void;
  close(): Promise<void>;
}

class RunningSlackSandbox implements SlackSandbox {
  readonly workspace = new SlackWorkspace();
  readonly store = new MessageStore();
  readonly limits = new ForcedRateLimits();
  readonly requestCounts = new Map<string, number>();
  readonly sender: InteractionSender;
  private server: RunningSandboxServer | undefined;
  private readonly initialFaults: FaultSettings;

  constructor(
    readonly faults: FaultSwitch,
    readonly credentials: SlackCredentials,
    interactivityUrl: string | undefined,
    timeoutMs: number | undefined,
  ) {
    this.initialFaults = faults.current;
    this.sender = new InteractionSender(this.workspace, this.store, {
      signingSecret: credentials.signingSecret,
      verificationToken: credentials.verificationToken,
      baseUrl: () => this.url,
      timeoutMs,
    });
    this.sender.interactivityUrl = interactivityUrl;
  }

  async start(host: string | undefined, port: number | undefined): Promise<void> {
    this.server = await startSandboxServer({
      name: 'slack',
      host,
      port: port ?? 0,
      faults: this.faults,
      admin: slackAdminRouter(this),
      ...slackServerOptions({
        workspace: this.workspace,
        messages: this.store,
        tokens: [this.credentials.botToken],
        limits: this.limits,
        requestCounts: this.requestCounts,
      }),
    });
  }

  private get running(): RunningSandboxServer {
    if (!this.server) throw new Error('the Slack sandbox is not running');
    return this.server;
  }

  get url(): string {
    return this.running.url;
  }
  get apiUrl(): string {
    return `${this.running.url}/api/`;
  }
  get port(): number {
    return this.running.port;
  }
  get teamId(): string {
    return SLACK_TEAM.id;
  }
  get botUserId(): string {
    return this.workspace.bot.id;
  }
  get interactivityUrl(): string | undefined {
    return this.sender.interactivityUrl;
  }

  userId(handle: string): string {
    const user = this.workspace.findUser(handle);
    if (!user) throw new Error(`no Slack member ${handle} in the sandbox workspace`);
    return user.id;
  }

  dmChannelId(person: string): string {
    return this.workspace.dm(this.userId(person)).id;
  }

  private channel(ref: string): SlackChannelRecord {
    const dmUser = this.workspace.dmUser(ref);
    if (dmUser) return this.workspace.dm(dmUser.id);
    const channel = this.workspace.publicChannel(ref);
    if (!channel) throw new Error(`no Slack channel ${ref} in the sandbox workspace`);
    return channel;
  }

  messages(channel: string): SlackMessageView[] {
    return this.store.inChannel(this.channel(channel).id).map((m) => messageView(m, this.workspace));
  }

  directMessages(person: string): SlackMessageView[] {
    return this.messages(this.dmChannelId(person));
  }

  message(channel: string, ts: string): SlackMessageView | undefined {
    const found = this.store.find(this.channel(channel).id, ts);
    return found && messageView(found, this.workspace);
  }

  postAs(person: string, channel: string, text: string): SlackMessageView {
    const user = this.workspace.findUser(person);
    if (!user || user.isBot) throw new Error(`no Slack member ${person} in the sandbox workspace`);
    const target = this.channel(channel);
    if (!target.members.includes(user.id)) throw new Error(`${person} is not in ${target.id}`);
    if (target.isIm) this.store.openDm(target.id);
    return messageView(this.store.post({ channel: target.id, user: user.id, text }), this.workspace);
  }

  setInteractivityUrl(url: string | undefined): void {
    this.sender.interactivityUrl = url;
  }

  payloadFor(click: SlackClick): Record<string, unknown> {
    return this.sender.payloadFor(click);
  }

  click(click: SlackClick): Promise<SlackInteractionDelivery> {
    return this.sender.click(click);
  }

  interactions(): SlackInteractionDelivery[] {
    return this.sender.deliveries();
  }

  rateLimit(method: string, count: number, retryAfterSeconds: number): void {
    this.limits.set(method, count, retryAfterSeconds);
  }

  requestCount(method: string): number {
    return this.requestCounts.get(method) ?? 0;
  }

  rateLimitedCount(method: string): number {
    return this.limits.limitedCount(method);
  }

  state(): SlackSandboxState {
    const saved = this.store.exportState();
    return {
      team: { ...SLACK_TEAM },
      botUserId: this.botUserId,
      ...(this.interactivityUrl ? { interactivityUrl: this.interactivityUrl } : {}),
      channels: this.workspace.channels.map((c) => ({
        id: c.id,
        name: c.name,
        botMember: c.botMember,
        messages: this.store.inChannel(c.id).length,
      })),
      openedDms: saved.openedDms.map((id) => ({
        channel: id,
        user: this.workspace.dmUser(id)?.id ?? '',
        messages: this.store.inChannel(id).length,
      })),
      requestCounts: Object.fromEntries(this.requestCounts),
      rateLimited: this.limits.limitedCounts,
      forcedRateLimits: this.limits.settings,
      interactions: this.sender.deliveries().length,
    };
  }

  savedState(): SlackWorkspaceState {
    return this.store.exportState();
  }

  onStateChange(listener: () => void): void {
    this.store.onChange(listener);
  }

  reset(): void {
    this.store.reset();
    this.limits.reset();
    this.requestCounts.clear();
    this.sender.clear();
    this.faults.update(this.initialFaults);
  }

  close(): Promise<void> {
    return this.running.close();
  }
}

/**
 * Starts the sandbox Slack workspace: the Web API methods Leasehold calls (`POST /api/<method>`, bot
 * token, `{ ok, error }` answers, 429 with `Retry-After`) so the unmodified @slack/web-api WebClient works
 * against it, and clicks delivered to the app's interactivity request URL, signed as Slack signs them.
 */
export async function startSlackSandbox(options: SlackSandboxOptions = {}): Promise<SlackSandbox> {
  const sandbox = new RunningSlackSandbox(
    FaultSwitch.fromEnv('slack', options.faults),
    { ...defaultSlackCredentials, ...options.credentials },
    options.interactivityUrl,
    options.interactionTimeoutMs,
  );
  if (options.savedState) sandbox.store.importState(options.savedState);
  await sandbox.start(options.host, options.port);
  return sandbox;
}
