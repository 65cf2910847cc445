import type { Block } from './blocks';
import { SLACK_APP_ID, SLACK_BOT_ID, SLACK_TEAM, type SlackWorkspace } from './workspace';

/** A message in a channel or DM, as the sandbox keeps it. */
export interface StoredSlackMessage {
  channel: string;
  /** Slack's message id within the channel: epoch seconds and six digits, `1700000000.000100`. */
  ts: string;
  /** Author's user id (the bot's user for the app's messages). */
  user: string;
  /** Set on the app's messages. */
  botId?: string;
  text: string;
  blocks?: Block[];
  threadTs?: string;
  postedAt: string;
  /** The versions chat.update replaced, oldest first. */
  edits: { replacedAt: string; text: string; blocks?: Block[] }[];
}

/** What a restart needs: the ts clock, the DMs the bot opened and every message. */
export interface SlackWorkspaceState {
  /** The last ts given out, in microseconds (ts stay unique and increasing across a restart). */
  lastTsMicros: number;
  openedDms: string[];
  messages: StoredSlackMessage[];
}

/** A message as the inspection helpers show it. */
export interface SlackMessageView {
  channel: string;
  ts: string;
  user: string;
  /** Whether the app's bot posted it. */
  fromBot: boolean;
  /** The current text and blocks (after any update). */
  text: string;
  blocks?: Block[];
  /** Whether chat.update changed it, and how often. */
  updated: boolean;
  updateCount: number;
  /** The text it was posted with. */
  originalText: string;
  /** Earlier versions, oldest first. */
  edits: { replacedAt: string; text: string; blocks?: Block[] }[];
  threadTs?: string;
  postedAt: string;
}

const MAX_MESSAGES = 10_000;

/** Formats microseconds since the epoch as a Slack ts. */
export function formatTs(micros: number): string {
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

export class MessageStore {
  private messages: StoredSlackMessage[] = [];
  private openedDms = new Set<string>();
  private lastTsMicros = 0;
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** A fresh ts: the current time, or one microsecond after the last when that is later. */
  nextTs(): string {
    this.lastTsMicros = Math.max(this.now() * 1000, this.lastTsMicros + 1);
    return formatTs(this.lastTsMicros);
  }

  openDm(channelId: string): boolean {
    if (this.openedDms.has(channelId)) return false;
    this.openedDms.add(channelId);
    this.changed();
    return true;
  }

  isDmOpen(channelId: string): boolean {
    return this.openedDms.has(channelId);
  }

  post(message: Omit<StoredSlackMessage, 'ts' | 'postedAt' | 'edits'>): StoredSlackMessage {
    const stored: StoredSlackMessage = {
      ...message,
      ts: this.nextTs(),
      postedAt: new Date(this.now()).toISOString(),
      edits: [],
    };
    this.messages.push(stored);
    if (this.messages.length > MAX_MESSAGES) this.messages.splice(0, this.messages.length - MAX_MESSAGES);
    this.changed();
    return stored;
  }

  find(channel: string, ts: string): StoredSlackMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Replaces text and/or blocks (what is not given stays); the replaced version goes to `edits`. */
  update(message: StoredSlackMessage, change: { text?: string; blocks?: Block[] }): StoredSlackMessage {
    message.edits.push({
      replacedAt: new Date(this.now()).toISOString(),
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    });
    if (change.text !== undefined) message.text = change.text;
    if (change.blocks !== undefined) {
      if (change.blocks.length > 0) message.blocks = change.blocks;
      else delete message.blocks;
    }
    this.changed();
    return message;
  }

  inChannel(channel: string): StoredSlackMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  exportState(): SlackWorkspaceState {
    return structuredClone({
      lastTsMicros: this.lastTsMicros,
      openedDms: [...this.openedDms],
      messages: this.messages,
    });
  }

  importState(state: SlackWorkspaceState): void {
    const copy = structuredClone(state);
    this.lastTsMicros = copy.lastTsMicros;
    this.openedDms = new Set(copy.openedDms);
    this.messages = copy.messages;
  }

  reset(): void {
    this.messages = [];
    this.openedDms.clear();
    this.changed();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The message object of chat.postMessage / chat.update answers and interaction payloads. */
export function messageJson(message: StoredSlackMessage, options: { withTs?: boolean } = {}): Record<string, unknown> {
  const bot = message.botId
    ? {
        bot_id: message.botId,
        app_id: SLACK_APP_ID,
        bot_profile: {
          id: SLACK_BOT_ID,
          app_id: SLACK_APP_ID,
          name: 'Leasehold',
          icons: { image_36: 'https://a.slack-edge.com/80588/img/plugins/app/bot_36.png' },
          deleted: false,
          updated: 1_767_225_600,
          team_id: SLACK_TEAM.id,
        },
      }
    : {};
  return {
    user: message.user,
    type: 'message',
    ...(options.withTs === false ? {} : { ts: message.ts }),
    ...bot,
    text: message.text,
    team: SLACK_TEAM.id,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.blocks ? { blocks: structuredClone(message.blocks) } : {}),
  };
}

export function messageView(message: StoredSlackMessage, workspace: SlackWorkspace): SlackMessageView {
  return structuredClone({
    channel: message.channel,
    ts: message.ts,
    user: message.user,
    fromBot: message.user === workspace.bot.id,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    updated: message.edits.length > 0,
    updateCount: message.edits.length,
    originalText: message.edits[0]?.text ?? message.text,
    edits: message.edits,
    ...(message.threadTs ? { threadTs: message.threadTs } : {}),
    postedAt: message.postedAt,
  });
}
