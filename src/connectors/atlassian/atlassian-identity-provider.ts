import { Version3Client } from 'jira.js';
import { expandSetting, readSecret } from '../../config/settings';
import type { AtlassianConnection } from '../../policy/schema';
import { ConnectorError } from '../connector-error';
import type {
  DirectoryGroup,
  DirectoryUser,
  IdentityProvider,
  IdpAnswer,
  MemberReadOptions,
} from '../identity-provider';
import {
  ALREADY_MEMBER,
  type AtlassianCallContext,
  classifyAtlassianError,
  httpFailure,
  NOT_A_MEMBER,
} from './atlassian-errors';

/** Jira Cloud serves at most 50 members or groups a page. */
const PAGE_SIZE = 50;
/** Page size of the user search. */
const SEARCH_PAGE_SIZE = 50;
/**
 * Budget of one call. jira.js does not retry (a 429 surfaces at once, for Temporal to wait out), so
 * this only ends a hung connection, as a `retryable` failure, before the activities' timeouts.
 */
export const ATLASSIAN_REQUEST_TIMEOUT_MS = 20_000;
/** Atlassian group ids are UUIDs. */
const GROUP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AtlassianIdentityProviderOptions {
  /** The site, for messages (e.g. `https://example.atlassian.net`). */
  site: string;
  /** The account whose API token the client uses, for messages. */
  email: string;
  /** Secret values to scrub from error messages. */
  secrets?: readonly string[];
  /** Page size of group member lists (default and Jira maximum 50); tests use small pages. */
  membersPageSize?: number;
}

/**
 * Leasehold's {@link IdentityProvider} for Atlassian Cloud product access (Jira, Confluence,
 * Bitbucket): the site's groups, through Jira's group API with the unmodified jira.js client and a
 * site administrator's API token. Users are Atlassian accounts (`id` is the accountId, the same one
 * Jira shows), groups are named site groups (`id` is the groupId).
 *
 * Atlassian has no managers and reports no last activity on this API: {@link findManager} and
 * {@link lastActivity} answer undefined. Every failure is a classified {@link ConnectorError}
 * (see {@link classifyAtlassianError}); jira.js does not retry, so Temporal owns every retry.
 */
export class AtlassianIdentityProvider implements IdentityProvider {
  readonly kind = 'atlassian';
  private readonly membersPageSize: number;

  constructor(
    readonly client: Version3Client,
    private readonly options: AtlassianIdentityProviderOptions,
  ) {
    this.membersPageSize = Math.min(PAGE_SIZE, options.membersPageSize ?? PAGE_SIZE);
  }

  /** Builds the client from a rules connection; the API token is read here, in the worker. */
  static fromConnection(connection: AtlassianConnection): AtlassianIdentityProvider {
    const site = expandSetting(connection.site).replace(/\/+$/, '');
    const email = expandSetting(connection.email);
    const apiToken = readSecret(connection.apiToken);
    const client = new Version3Client({
      host: site,
      authentication: { basic: { email, apiToken } },
      baseRequestConfig: { timeout: ATLASSIAN_REQUEST_TIMEOUT_MS },
    });
    return new AtlassianIdentityProvider(client, { site, email, secrets: [apiToken] });
  }

  /**
   * By email: the user search (`GET /user/search?query=`), matched exactly on the email address the
   * account shows (an account whose privacy settings hide it is not found). Otherwise by accountId
   * (`GET /user?accountId=`). App accounts are not people and are never returned.
   */
  async findUser(emailOrId: string): Promise<DirectoryUser | undefined> {
    const wanted = emailOrId.trim();
    if (!wanted) return undefined;
    const ctx = this.context({ what: `look up user ${wanted}`, userId: wanted, notFound: 'user' });
    if (!wanted.includes('@')) {
      const user = await this.call(ctx, () => this.client.users.getUser({ accountId: wanted }), { notFound: true });
      return user && isPerson(user) ? toDirectoryUser(user) : undefined;
    }
    const found = await this.call(ctx, () =>
      this.client.userSearch.findUsers({ query: wanted, maxResults: SEARCH_PAGE_SIZE }),
    );
    const lower = wanted.toLowerCase();
    const matches = found.filter((u) => isPerson(u) && u.emailAddress?.toLowerCase() === lower);
    if (matches.length > 1) {
      throw new ConnectorError(
        'permanent',
        `${matches.length} Atlassian accounts have the email ${wanted} (${matches.map((u) => u.accountId).join(', ')}): name the user by accountId`,
        { service: 'atlassian', code: 'AmbiguousUser' },
      );
    }
    return matches[0] ? toDirectoryUser(matches[0]) : undefined;
  }

  /** Atlassian accounts have no manager. */
  async findManager(_userId: string): Promise<DirectoryUser | undefined> {
    return undefined;
  }

  /** Not available through the site's REST API. */
  async lastActivity(_userId: string): Promise<Date | undefined> {
    return undefined;
  }

  /** By groupId (a UUID), else by exact name (`GET /group/bulk`); Jira compares names case-insensitively. */
  async findGroup(nameOrId: string): Promise<DirectoryGroup | undefined> {
    const wanted = nameOrId.trim();
    if (!wanted) return undefined;
    const ctx = this.context({ what: `look up group ${wanted}`, groupId: wanted, notFound: 'group' });
    if (GROUP_ID.test(wanted)) {
      const byId = await this.bulkGroups(ctx, { groupId: [wanted] });
      const found = byId.find((g) => g.id === wanted);
      if (found) return found;
    }
    const byName = await this.bulkGroups(ctx, { groupName: [wanted] });
    return byName.find((g) => g.name === wanted) ?? byName.find((g) => g.name.toLowerCase() === wanted.toLowerCase());
  }

  /**
   * The user's groups (`GET /user/groups?accountId=`; a user's groups are few, a group's members many).
   * An unknown user is a permanent error; so is an unknown group (checked when the user is not in it).
   */
  async isMember(groupId: string, userId: string, options?: MemberReadOptions): Promise<boolean> {
    const ctx = this.context({
      what: `check whether user ${userId} is in group ${groupId}`,
      userId,
      groupId,
      notFound: 'user',
    });
    const groups = await this.call(ctx, () => this.client.users.getUserGroups({ accountId: userId }));
    if (groups.some((g) => g.groupId === groupId)) return true;
    if (options?.absentIsEnough) return false;
    const exists = await this.bulkGroups({ ...ctx, notFound: 'group' }, { groupId: [groupId] });
    if (!exists.some((g) => g.id === groupId)) {
      throw new ConnectorError(
        'permanent',
        `unknown group ${groupId}: the Atlassian site ${this.options.site} has no such group`,
        {
          service: 'atlassian',
          status: 404,
          code: 'UnknownGroup',
        },
      );
    }
    return false;
  }

  /** `POST /group/user?groupId=` `{ accountId }`: 201; Jira's 400 "already a member" is success too. */
  async addMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const ctx = this.context({ what: `add user ${userId} to group ${groupId}`, userId, groupId, notFound: 'group' });
    try {
      await this.client.groups.addUserToGroup({ groupId, accountId: userId });
      return { status: 201, note: 'added to the group' };
    } catch (err) {
      const failure = httpFailure(err);
      if (failure?.status === 400 && failure.messages.some((m) => ALREADY_MEMBER.test(m)))
        return { status: 400, note: `already a member (Jira: ${failure.messages.join('; ')})` };
      throw classifyAtlassianError(err, ctx);
    }
  }

  /** `DELETE /group/user?groupId=&accountId=`: 200; Jira's answer "not a member" is success too. */
  async removeMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const ctx = this.context({
      what: `remove user ${userId} from group ${groupId}`,
      userId,
      groupId,
      notFound: 'group',
    });
    try {
      await this.client.groups.removeUserFromGroup({ groupId, accountId: userId });
      return { status: 200, note: 'removed from the group' };
    } catch (err) {
      const failure = httpFailure(err);
      if (failure && failure.status < 500 && failure.messages.some((m) => NOT_A_MEMBER.test(m)))
        return { status: failure.status, note: `was not a member (Jira: ${failure.messages.join('; ')})` };
      throw classifyAtlassianError(err, ctx);
    }
  }

  /** Every member, active or not, through all pages of `GET /group/member?groupId=`. */
  async listMembers(groupId: string): Promise<DirectoryUser[]> {
    const ctx = this.context({ what: `list the members of group ${groupId}`, groupId, notFound: 'group' });
    const users: DirectoryUser[] = [];
    for (let startAt = 0; ;) {
      const page = await this.call(ctx, () =>
        this.client.groups.getUsersFromGroup({
          groupId,
          includeInactiveUsers: true,
          startAt,
          maxResults: this.membersPageSize,
        }),
      );
      const values = page.values ?? [];
      users.push(...values.filter((u) => u.accountId).map((u) => toDirectoryUser(u as WithAccountId)));
      startAt += values.length;
      if (values.length === 0 || page.isLast !== false) return users;
    }
  }

  // ---- helpers

  private context(ctx: Omit<AtlassianCallContext, 'site' | 'email' | 'secrets'>): AtlassianCallContext {
    return { ...ctx, site: this.options.site, email: this.options.email, secrets: this.options.secrets ?? [] };
  }

  /** Every page of `GET /group/bulk` for the filter. */
  private async bulkGroups(
    ctx: AtlassianCallContext,
    filter: { groupId?: string[]; groupName?: string[] },
  ): Promise<DirectoryGroup[]> {
    const groups: DirectoryGroup[] = [];
    for (let startAt = 0; ;) {
      const page = await this.call(ctx, () =>
        this.client.groups.bulkGetGroups({ ...filter, startAt, maxResults: PAGE_SIZE }),
      );
      const values = page.values ?? [];
      for (const g of values) if (g.groupId && g.name) groups.push({ id: g.groupId, name: g.name });
      startAt += values.length;
      if (values.length === 0 || page.isLast !== false) return groups;
    }
  }

  private call<T>(ctx: AtlassianCallContext, fn: () => Promise<T>): Promise<T>;
  private call<T>(ctx: AtlassianCallContext, fn: () => Promise<T>, options: { notFound: true }): Promise<T | undefined>;
  private async call<T>(
    ctx: AtlassianCallContext,
    fn: () => Promise<T>,
    options: { notFound?: boolean } = {},
  ): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (options.notFound && httpFailure(err)?.status === 404) return undefined;
      throw classifyAtlassianError(err, ctx);
    }
  }
}

interface WithAccountId {
  accountId: string;
  emailAddress?: string;
  displayName?: string;
  active?: boolean;
  accountType?: string;
}

function isPerson(user: { accountId?: string; accountType?: string }): user is WithAccountId {
  return !!user.accountId && (user.accountType === undefined || user.accountType === 'atlassian');
}

function toDirectoryUser(user: WithAccountId): DirectoryUser {
  return {
    id: user.accountId,
    login: user.emailAddress || user.accountId,
    email: user.emailAddress || undefined,
    displayName: user.displayName || undefined,
    status: user.active === false ? 'inactive' : 'active',
  };
}
