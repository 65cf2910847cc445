import type { admin_directory_v1 } from '@googleapis/admin';
import { expandSetting, readSecret } from '../../config/settings';
import { logger } from '../../logging';
import type { ConnectorError } from '../connector-error';
import type { GoogleConnection } from '../../policy/schema';
import type { DirectoryGroup, DirectoryUser, IdentityProvider, IdpAnswer } from '../identity-provider';
import {
  createDirectoryClientWithAuth,
  GOOGLE_REQUESTED_SCOPES,
  GOOGLE_SCOPES,
  parseServiceAccountKey,
} from './google-client';
import { apiError, classifyGoogleError, type GoogleCallContext } from './google-errors';

const log = logger.child({ connector: 'google' });

/** `members.list`: Google's largest page. */
const MEMBERS_PAGE_SIZE = 200;
/** Google's `lastLoginTime` of a user who never signed in. */
const NEVER = Date.parse('1970-01-01T00:00:00.000Z');

export interface GoogleIdentityProviderOptions {
  /** The administrator the service account acts as. */
  subject: string;
  clientEmail: string;
  clientId?: string;
  /** Appended (`@domain`) to a user or group key given without one. */
  domain?: string;
  /** Secret values to scrub from messages (the private key). */
  secrets?: readonly string[];
  /** `maxResults` of member lists (default and Google's maximum 200); tests use small pages. */
  pageSize?: number;
  /** Drops the client's cached access token (after a 401, so the retry gets a new one). */
  forgetToken?: () => void;
}

/**
 * Leasehold's {@link IdentityProvider} for Google Workspace groups, through the Admin SDK Directory API
 * with the official `@googleapis/admin` client (see {@link createDirectoryClient}: service account,
 * domain-wide delegation, no client-side retries: Temporal's retry policy owns them).
 *
 * Ids: a user's id is their primary email (lower case) and a group's id is its email. Google takes
 * either as `memberKey` / `groupKey`, `members.insert` needs the member's email, and a renamed user's old
 * address stays an alias that still names them. The manager is the user's `relations` entry of type
 * `manager` (an email), when the directory records one; the last sign-in is `lastLoginTime`.
 *
 * Membership is direct membership (`members.get`), not `members.hasMember`: hasMember is transitive, so
 * a user who also reaches the group through a nested group would still read as a member after
 * Leasehold removed the membership it granted (and a nested member would be mistaken for one to keep).
 */
export class GoogleIdentityProvider implements IdentityProvider {
  readonly kind = 'google';
  private readonly pageSize: number;

  constructor(
    readonly client: admin_directory_v1.Admin,
    private readonly options: GoogleIdentityProviderOptions,
  ) {
    this.pageSize = options.pageSize ?? MEMBERS_PAGE_SIZE;
  }

  /** Builds the client from a rules connection; the key is read here, in the worker. */
  static fromConnection(connection: GoogleConnection, options: { pageSize?: number } = {}): GoogleIdentityProvider {
    const text = readSecret(connection.serviceAccountKey);
    const key = parseServiceAccountKey(text);
    const subject = expandSetting(connection.subject);
    const { client, forgetToken } = createDirectoryClientWithAuth({
      key,
      subject,
      rootUrl: connection.rootUrl ? expandSetting(connection.rootUrl) : undefined,
      tokenUrl: connection.tokenUrl ? expandSetting(connection.tokenUrl) : undefined,
    });
    return new GoogleIdentityProvider(client, {
      subject,
      clientEmail: key.client_email,
      clientId: key.client_id,
      domain: connection.domain ? expandSetting(connection.domain) : undefined,
      secrets: [text, key.private_key, ...(key.private_key_id ? [key.private_key_id] : [])],
      pageSize: options.pageSize,
      forgetToken,
    });
  }

  /** `users.get` by email, alias or id; undefined when Google has no such user. */
  async findUser(emailOrId: string): Promise<DirectoryUser | undefined> {
    const userKey = this.qualify(emailOrId);
    if (!userKey) return undefined;
    const user = await this.getUser(userKey, `look up user ${userKey}`, true);
    return user && toDirectoryUser(user);
  }

  /** The user named by the `relations` entry of type `manager`; undefined when none is recorded or it names nobody. */
  async findManager(userId: string): Promise<DirectoryUser | undefined> {
    const user = await this.getUser(userId, `read user ${userId}`);
    const relations: unknown = user.relations;
    const manager = (Array.isArray(relations) ? relations : [])
      .map((r: { type?: unknown; value?: unknown }) => (r?.type === 'manager' ? r.value : undefined))
      .find((v): v is string => typeof v === 'string' && v.trim().length > 0);
    if (!manager) return undefined;
    const found = await this.findUser(manager);
    if (!found) log.warn({ userId, manager }, 'the Google user names a manager that is not a user of the domain');
    return found;
  }

  /** `lastLoginTime`; undefined when the user never signed in (Google answers the epoch). */
  async lastActivity(userId: string): Promise<Date | undefined> {
    const user = await this.getUser(userId, `read the last sign-in of user ${userId}`);
    const at = Date.parse(user.lastLoginTime ?? '');
    return Number.isNaN(at) || at <= NEVER ? undefined : new Date(at);
  }

  /** `groups.get` by email, alias or id; undefined when Google has no such group. */
  async findGroup(nameOrId: string): Promise<DirectoryGroup | undefined> {
    const groupKey = this.qualify(nameOrId);
    if (!groupKey) return undefined;
    const ctx = this.context(`look up group ${groupKey}`, GOOGLE_SCOPES.groupReadonly, { groupKey });
    try {
      const { data } = await this.client.groups.get({ groupKey });
      const email = (data.email ?? groupKey).toLowerCase();
      return { id: email, name: email };
    } catch (err) {
      if (apiError(err)?.status === 404) return undefined;
      throw this.fail(err, ctx);
    }
  }

  /** Direct membership (`members.get`): 200 is a member, 404 `memberKey` is not; an unknown group is permanent. */
  async isMember(groupId: string, userId: string): Promise<boolean> {
    const ctx = this.memberContext(`check whether ${userId} is in ${groupId}`, groupId, userId);
    try {
      await this.client.members.get({ groupKey: groupId, memberKey: userId });
      return true;
    } catch (err) {
      if (notFoundKey(err) === 'memberKey') return false;
      throw this.fail(err, ctx);
    }
  }

  /** `members.insert { email, role: MEMBER }`: 200 added; 409 `duplicate` is already a member (success). */
  async addMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const ctx = this.memberContext(`add ${userId} to ${groupId}`, groupId, userId);
    try {
      const { status } = await this.client.members.insert({
        groupKey: groupId,
        requestBody: { email: userId, role: 'MEMBER' },
      });
      return { status, note: 'added' };
    } catch (err) {
      const api = apiError(err);
      if (api?.status === 409 && api.reasons.includes('duplicate')) return { status: 409, note: 'already a member' };
      throw this.fail(err, ctx);
    }
  }

  /** `members.delete`: 204 removed; 404 `memberKey` is not a member (success); 404 `groupKey` is an unknown group. */
  async removeMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const ctx = this.memberContext(`remove ${userId} from ${groupId}`, groupId, userId);
    try {
      const { status } = await this.client.members.delete({ groupKey: groupId, memberKey: userId });
      return { status, note: 'removed' };
    } catch (err) {
      const missing = notFoundKey(err);
      if (missing === 'memberKey') return { status: 404, note: 'not a member' };
      // A 404 that names neither key: not a member only if the group exists.
      if (missing === 'unspecified' && (await this.findGroup(groupId))) return { status: 404, note: 'not a member' };
      throw this.fail(err, ctx);
    }
  }

  /** Direct members that are users (nested groups and external members' types other than USER are left out), every page. */
  async listMembers(groupId: string): Promise<DirectoryUser[]> {
    const ctx = this.context(`list the members of ${groupId}`, GOOGLE_SCOPES.groupMember, { groupKey: groupId });
    const members: DirectoryUser[] = [];
    let pageToken: string | undefined;
    do {
      let page: admin_directory_v1.Schema$Members;
      try {
        ({ data: page } = await this.client.members.list({ groupKey: groupId, maxResults: this.pageSize, pageToken }));
      } catch (err) {
        throw this.fail(err, ctx);
      }
      for (const m of page.members ?? []) {
        if (m.type && m.type !== 'USER') continue;
        const email = (m.email ?? m.id ?? '').toLowerCase();
        if (email) members.push({ id: email, login: email, email, ...(m.status ? { status: m.status } : {}) });
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return members;
  }

  /** `connections test`: a token through domain-wide delegation, and the subject read with it. */
  async probe(): Promise<string> {
    const subject = await this.getUser(this.options.subject, `read the subject ${this.options.subject}`);
    return `authenticated as ${this.options.clientEmail}, acting as ${subject.primaryEmail ?? this.options.subject} (domain-wide delegation)`;
  }

  // ---- helpers

  private async getUser(userKey: string, what: string): Promise<admin_directory_v1.Schema$User>;
  private async getUser(
    userKey: string,
    what: string,
    notFound: true,
  ): Promise<admin_directory_v1.Schema$User | undefined>;
  private async getUser(userKey: string, what: string, notFound = false) {
    const ctx = this.context(what, GOOGLE_SCOPES.userReadonly, { userKey });
    try {
      const { data } = await this.client.users.get({ userKey, projection: 'basic', viewType: 'admin_view' });
      return data;
    } catch (err) {
      if (notFound && apiError(err)?.status === 404) return undefined;
      throw this.fail(err, ctx);
    }
  }

  /** Classifies a failure; after a 401 from the API the cached access token goes, so the retry fetches a new one. */
  private fail(err: unknown, ctx: GoogleCallContext): ConnectorError {
    const classified = classifyGoogleError(err, ctx);
    if (classified.details.status === 401) this.options.forgetToken?.();
    return classified;
  }

  /** A key as Google takes it: trimmed, with `@domain` when the connection has a domain and the key has none. */
  private qualify(key: string): string {
    const k = key.trim();
    if (!k || k.includes('@') || !this.options.domain || /^\d+$|^0\w{14}$/.test(k)) return k;
    return `${k}@${this.options.domain}`;
  }

  private memberContext(what: string, groupKey: string, userKey: string): GoogleCallContext {
    return this.context(what, GOOGLE_SCOPES.groupMember, { groupKey, userKey });
  }

  private context(what: string, scope: string, keys: { groupKey?: string; userKey?: string }): GoogleCallContext {
    return {
      what,
      scope,
      ...keys,
      clientEmail: this.options.clientEmail,
      clientId: this.options.clientId,
      subject: this.options.subject,
      scopes: GOOGLE_REQUESTED_SCOPES,
      secrets: this.options.secrets ?? [],
    };
  }
}

/** Which key a 404 says is missing (`Resource Not Found: groupKey` / `memberKey`), if it is a 404. */
function notFoundKey(err: unknown): string | undefined {
  const api = apiError(err);
  if (api?.status !== 404) return undefined;
  return /Resource Not Found: (\w+)/.exec(api.message)?.[1] ?? 'unspecified';
}

function toDirectoryUser(user: admin_directory_v1.Schema$User): DirectoryUser {
  const email = (user.primaryEmail ?? user.id ?? '').toLowerCase();
  const name = user.name?.fullName || [user.name?.givenName, user.name?.familyName].filter(Boolean).join(' ');
  return {
    id: email,
    login: email,
    email,
    ...(name ? { displayName: name } : {}),
    status: user.archived ? 'archived' : user.suspended ? 'suspended' : 'active',
  };
}
