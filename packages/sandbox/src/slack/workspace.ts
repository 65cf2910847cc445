import { samplePeople, sampleSlack, type SamplePerson } from '../sample-data';

/**
 * The sample Slack workspace: its members (the sample people, the Leasehold bot as the app's bot user),
 * its public channels, and the bot's direct-message channels. Read-only: the sandbox's Web API cannot
 * add people or channels (conversations.open only opens the bot's DMs, which {@link MessageStore} keeps).
 */

export interface SlackUserRecord {
  id: string;
  handle: string;
  /** The username (`name` in users.info, `user.username` in interaction payloads). */
  name: string;
  realName: string;
  firstName: string;
  lastName: string;
  title: string;
  /** Absent for the bot user (bots have no email). */
  email?: string;
  isBot: boolean;
}

export interface SlackChannelRecord {
  id: string;
  name: string;
  isIm: boolean;
  /** For a DM: the person the bot talks to. */
  user?: string;
  /** Whether the bot is a member (always for its DMs). */
  botMember: boolean;
  /** User ids of the members. */
  members: string[];
}

export const SLACK_TEAM = sampleSlack.team;
export const SLACK_APP_ID = sampleSlack.appId;
export const SLACK_BOT_ID = sampleSlack.botId;

function userRecord(person: SamplePerson): SlackUserRecord {
  const id = sampleSlack.userIds[person.handle];
  if (!id) throw new Error(`no Slack user id for ${person.handle}`);
  const isBot = person.handle === sampleSlack.botHandle;
  return {
    id,
    handle: person.handle,
    name: isBot ? 'leasehold' : person.handle,
    realName: `${person.firstName} ${person.lastName}`,
    firstName: person.firstName,
    lastName: person.lastName,
    title: person.title,
    ...(isBot ? {} : { email: person.email }),
    isBot,
  };
}

/** The DM channel id of the bot's conversation with a user: `D` and the user id's rest (stable per user). */
export function dmChannelId(userId: string): string {
  return `D${userId.slice(1)}`;
}

export class SlackWorkspace {
  readonly users: readonly SlackUserRecord[] = samplePeople
    .filter((p) => sampleSlack.userIds[p.handle] !== undefined)
    .map(userRecord);
  readonly channels: readonly SlackChannelRecord[] = sampleSlack.channels.map((c) => ({
    id: c.id,
    name: c.name,
    isIm: false,
    botMember: c.botMember,
    members: [...c.members.map((h) => this.userByHandle(h)!.id), ...(c.botMember ? [this.bot.id] : [])],
  }));

  get bot(): SlackUserRecord {
    return this.users.find((u) => u.isBot)!;
  }

  userById(id: string): SlackUserRecord | undefined {
    return this.users.find((u) => u.id === id);
  }

  userByHandle(handle: string): SlackUserRecord | undefined {
    return this.users.find((u) => u.handle === handle);
  }

  /** A user by id or sample handle (what tests and the admin routes take). */
  findUser(idOrHandle: string): SlackUserRecord | undefined {
    return this.userById(idOrHandle) ?? this.userByHandle(idOrHandle);
  }

  /** Email match is case-insensitive, as Slack's; the bot has no email. */
  userByEmail(email: string): SlackUserRecord | undefined {
    const wanted = email.trim().toLowerCase();
    return this.users.find((u) => u.email?.toLowerCase() === wanted);
  }

  /** The bot's DM with a user (whether or not it was opened). */
  dm(userId: string): SlackChannelRecord {
    return {
      id: dmChannelId(userId),
      name: 'directmessage',
      isIm: true,
      user: userId,
      botMember: true,
      members: [userId, this.bot.id],
    };
  }

  /** A public channel by id, `#name` or name. */
  publicChannel(ref: string): SlackChannelRecord | undefined {
    const name = ref.startsWith('#') ? ref.slice(1) : ref;
    return this.channels.find((c) => c.id === ref || c.name === name);
  }

  /** The user a DM channel id belongs to, if it is the bot's DM with a member. */
  dmUser(channelId: string): SlackUserRecord | undefined {
    if (!channelId.startsWith('D')) return undefined;
    return this.users.find((u) => dmChannelId(u.id) === channelId);
  }
}

/** A user as users.info and users.lookupByEmail answer it (`User` in @slack/web-api's response types). */
export function userJson(user: SlackUserRecord): Record<string, unknown> {
  const profile: Record<string, unknown> = {
    title: user.title,
    phone: '',
    skype: '',
    real_name: user.realName,
    real_name_normalized: user.realName,
    display_name: user.isBot ? '' : user.firstName,
    display_name_normalized: user.isBot ? '' : user.firstName,
    first_name: user.firstName,
    last_name: user.lastName,
    status_text: '',
    status_emoji: '',
    status_expiration: 0,
    avatar_hash: 'g0000000000a',
    image_24: `https://secure.gravatar.com/avatar/${user.id}.jpg?s=24`,
    image_48: `https://secure.gravatar.com/avatar/${user.id}.jpg?s=48`,
    image_72: `https://secure.gravatar.com/avatar/${user.id}.jpg?s=72`,
    team: SLACK_TEAM.id,
    ...(user.email ? { email: user.email } : {}),
    ...(user.isBot ? { bot_id: SLACK_BOT_ID, api_app_id: SLACK_APP_ID, always_active: true } : {}),
  };
  return {
    id: user.id,
    team_id: SLACK_TEAM.id,
    name: user.name,
    deleted: false,
    color: '9f69e7',
    real_name: user.realName,
    tz: 'Europe/London',
    tz_label: 'Greenwich Mean Time',
    tz_offset: 0,
    profile,
    is_admin: user.handle === 'dave',
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: 1_767_225_600,
    is_email_confirmed: !user.isBot,
    who_can_share_contact_card: 'EVERYONE',
  };
}
