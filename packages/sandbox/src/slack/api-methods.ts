import { BlocksError, normaliseBlocks, parseBlocks, type Block } from './blocks';
import { missingArgument, slackError } from './errors';
import { messageJson, type MessageStore } from './messages';
import { SLACK_BOT_ID, SLACK_TEAM, userJson, type SlackChannelRecord, type SlackWorkspace } from './workspace';

/**
 * The Web API methods the sandbox serves, on the arguments of one call (form fields or JSON members),
 * each answering the `{ ok: true, … }` body or throwing {@link slackError}. Shapes follow
 * @slack/web-api's response types (`dist/types/response/*.d.ts`) and Slack's method docs.
 */

export type SlackArgs = Record<string, unknown>;

export interface SlackApiContext {
  workspace: SlackWorkspace;
  messages: MessageStore;
}

export type SlackMethod = (args: SlackArgs, ctx: SlackApiContext) => Record<string, unknown>;

export const SLACK_METHODS = [
  'auth.test',
  'users.lookupByEmail',
  'users.info',
  'conversations.open',
  'chat.postMessage',
  'chat.update',
] as const;
export type SlackMethodName = (typeof SLACK_METHODS)[number];

const MAX_TEXT = 40_000;

const str = (args: SlackArgs, name: string): string | undefined => {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
};
const required = (args: SlackArgs, name: string): string => {
  const v = str(args, name)?.trim();
  if (!v) throw missingArgument(name);
  return v;
};
const truthy = (args: SlackArgs, name: string): boolean => ['true', '1'].includes(str(args, name) ?? '');

function blocksArg(args: SlackArgs): Block[] | undefined {
  try {
    const blocks = parseBlocks(args.blocks);
    return blocks === undefined ? undefined : normaliseBlocks(blocks);
  } catch (err) {
    if (err instanceof BlocksError) throw slackError(err.code);
    throw err;
  }
}

function imJson(channel: SlackChannelRecord, created: number): Record<string, unknown> {
  return {
    id: channel.id,
    created,
    is_archived: false,
    is_im: true,
    is_org_shared: false,
    context_team_id: SLACK_TEAM.id,
    updated: created * 1000,
    user: channel.user,
    last_read: '0000000000.000000',
    latest: null,
    unread_count: 0,
    unread_count_display: 0,
    is_open: true,
    priority: 0,
  };
}

/** Where chat.postMessage posts: a channel id, `#name` / name, the bot's DM id, or a user id (its DM). */
function postTarget(ref: string, ctx: SlackApiContext): SlackChannelRecord {
  const { workspace, messages } = ctx;
  if (/^[UW]/.test(ref)) {
    const user = workspace.userById(ref);
    if (!user) throw slackError('channel_not_found');
    const dm = workspace.dm(user.id);
    messages.openDm(dm.id);
    return dm;
  }
  if (ref.startsWith('D')) {
    const user = workspace.dmUser(ref);
    if (!user || !messages.isDmOpen(ref)) throw slackError('channel_not_found');
    return workspace.dm(user.id);
  }
  const channel = workspace.publicChannel(ref);
  if (!channel) throw slackError('channel_not_found');
  if (!channel.botMember) throw slackError('not_in_channel');
  return channel;
}

/** chat.update takes ids only (a DM by its `D…` id, not the user's). */
function updateTarget(ref: string, ctx: SlackApiContext): SlackChannelRecord {
  if (ref.startsWith('C')) {
    const channel = ctx.workspace.channels.find((c) => c.id === ref);
    if (channel) return channel;
  }
  const user = ctx.workspace.dmUser(ref);
  if (user && ctx.messages.isDmOpen(ref)) return ctx.workspace.dm(user.id);
  throw slackError('channel_not_found');
}

function textArg(args: SlackArgs): string | undefined {
  const text = str(args, 'text');
  if (text !== undefined && text.length > MAX_TEXT) throw slackError('msg_too_long');
  return text;
}

export const slackMethods: Record<SlackMethodName, SlackMethod> = {
  'auth.test': (_args, { workspace }) => ({
    ok: true,
    url: `https://${SLACK_TEAM.domain}.slack.com/`,
    team: SLACK_TEAM.name,
    user: workspace.bot.name,
    team_id: SLACK_TEAM.id,
    user_id: workspace.bot.id,
    bot_id: SLACK_BOT_ID,
    is_enterprise_install: false,
  }),

  'users.lookupByEmail': (args, { workspace }) => {
    const user = workspace.userByEmail(required(args, 'email'));
    if (!user) throw slackError('users_not_found');
    return { ok: true, user: userJson(user) };
  },

  'users.info': (args, { workspace }) => {
    const user = workspace.userById(required(args, 'user'));
    if (!user) throw slackError('user_not_found');
    return { ok: true, user: userJson(user) };
  },

  'conversations.open': (args, ctx) => {
    const { workspace, messages } = ctx;
    const channelArg = str(args, 'channel')?.trim();
    const usersArg = str(args, 'users')?.trim();
    let dm: SlackChannelRecord;
    if (usersArg) {
      const ids = usersArg
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      const others = ids.filter((id) => id !== workspace.bot.id);
      for (const id of ids) if (!workspace.userById(id)) throw slackError('user_not_found');
      if (others.length > 8) throw slackError('too_many_users');
      // Several people make a group DM (mpim) on Slack; the sandbox's bot talks to one person at a time.
      if (others.length > 1) throw slackError('sandbox_mpim_not_supported');
      dm = workspace.dm(others[0] ?? workspace.bot.id);
    } else if (channelArg) {
      const user = workspace.dmUser(channelArg);
      if (!user || !messages.isDmOpen(channelArg)) throw slackError('channel_not_found');
      dm = workspace.dm(user.id);
    } else {
      throw slackError('users_list_not_supplied');
    }
    const opened = messages.openDm(dm.id);
    const channel = truthy(args, 'return_im') ? imJson(dm, Math.floor(Date.now() / 1000)) : { id: dm.id };
    return opened ? { ok: true, channel } : { ok: true, no_op: true, already_open: true, channel };
  },

  'chat.postMessage': (args, ctx) => {
    const channelArg = str(args, 'channel')?.trim();
    if (!channelArg) throw slackError('channel_not_found');
    const target = postTarget(channelArg, ctx);
    const text = textArg(args);
    const blocks = blocksArg(args);
    if (!text && !blocks?.length) throw slackError('no_text');
    const threadTs = str(args, 'thread_ts');
    const message = ctx.messages.post({
      channel: target.id,
      user: ctx.workspace.bot.id,
      botId: SLACK_BOT_ID,
      text: text ?? '',
      ...(blocks?.length ? { blocks } : {}),
      ...(threadTs ? { threadTs } : {}),
    });
    return { ok: true, channel: target.id, ts: message.ts, message: messageJson(message) };
  },

  'chat.update': (args, ctx) => {
    const channelArg = str(args, 'channel')?.trim();
    if (!channelArg) throw slackError('channel_not_found');
    const target = updateTarget(channelArg, ctx);
    const ts = str(args, 'ts')?.trim();
    const message = ts ? ctx.messages.find(target.id, ts) : undefined;
    if (!message) throw slackError('message_not_found');
    if (message.user !== ctx.workspace.bot.id) throw slackError('cant_update_message');
    const text = textArg(args);
    const blocks = blocksArg(args);
    if (!text && blocks === undefined) throw slackError('no_text');
    ctx.messages.update(message, { text, blocks });
    return {
      ok: true,
      channel: target.id,
      ts: message.ts,
      text: message.text,
      message: messageJson(message, { withTs: false }),
    };
  },
};
