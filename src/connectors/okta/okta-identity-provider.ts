import type { Client, Group, User } from '@okta/okta-sdk-nodejs';
import { expandSetting, readSecret } from '../../config/settings';
import { logger } from '../../logging';
import type { OktaConnection } from '../../policy/schema';
import { ConnectorError } from '../connector-error';
import type {
  DirectoryGroup,
  DirectoryUser,
  IdentityProvider,
  IdpAnswer,
  MemberReadOptions,
} from '../identity-provider';
import { createOktaClient } from './okta-client';
import {
  callTrace,
  classifyOktaError,
  httpFailure,
  notManaged,
  traceResponses,
  type CallTrace,
  type OktaCallContext,
} from './okta-errors';
import { collect, filterString, pickByName, toDate, toDirectoryGroup, toDirectoryUser } from './okta-mapping';

const log = logger.child({ connector: 'okta' });

/** Okta group ids: `00g` and 17 more characters. */
const GROUP_ID = /^00g[0-9A-Za-z]{17}$/;
/** Largest page Okta serves for `GET /api/v1/groups/{id}/users`. */
const MEMBERS_PAGE_SIZE = 1000;
/** Page size for `search` on groups and users (Okta recommends at most 200). */
const SEARCH_PAGE_SIZE = 200;
/** Largest result of a `q` group query, which Okta never pages. */
const QUERY_LIMIT = 10_000;
/**
 * Budget of one SDK call, 429 waits included (the SDK's `requestTimeout`). It ends a hung connection as a
 * classified `retryable` failure before the activities' start-to-close timeouts (30 s / 1 min), and stops
 * the SDK from sleeping through a long rate-limit reset when `maxSdkRetries` > 0 (that 429 then surfaces
 * as `rate-limited` with the reset, for Temporal to wait).
 */
export const OKTA_REQUEST_TIMEOUT_MS = 20_000;

export interface OktaIdentityProviderOptions {
  /** Secret values to scrub from error messages (the API token, when this provider built the client). */
  secrets?: readonly string[];
  /** Page size for group member lists (default and Okta maximum 1000); tests use small pages. */
  membersPageSize?: number;
}

/**
 * Leasehold's {@link IdentityProvider} for Okta, through the Management API with the real
 * @okta/okta-sdk-nodejs (client from {@link createOktaClient}: SSWS token, no response cache, so every
 * read, {@link isMember} and {@link lastActivity} included, reaches Okta). Every failure is a classified
 * {@link ConnectorError} (see {@link classifyOktaError}).
 *
 * Retries: {@link OktaIdentityProvider.fromConnection} gives the SDK `maxRetries = connection.maxSdkRetries`,
 * which defaults to 0. The SDK would otherwise sleep until `X-Rate-Limit-Reset` inside the activity
 * (up to a minute per 429, invisible to Temporal and past the activities' timeouts), and its retries
 * would multiply with the activity's. With 0, a 429 surfaces at once as `rate-limited` carrying the
 * reset, which the activity turns into Temporal's `nextRetryDelay`; the worker slot is free meanwhile
 * and the wait shows in the workflow history. A connection may allow a few SDK retries for short
 * bursts; they stay bounded by {@link OKTA_REQUEST_TIMEOUT_MS}.
 */
export class OktaIdentityProvider implements IdentityProvider {
  readonly kind = 'okta';
  private readonly secrets: readonly string[];
  private readonly membersPageSize: number;

  constructor(
    readonly client: Client,
    options: OktaIdentityProviderOptions = {},
  ) {
    this.secrets = options.secrets ?? [];
    this.membersPageSize = options.membersPageSize ?? MEMBERS_PAGE_SIZE;
    traceResponses(client);
  }

  /** Builds the client from a rules connection; the API token is read here, in the worker. */
  static fromConnection(connection: OktaConnection): OktaIdentityProvider {
    const orgUrl = expandSetting(connection.orgUrl).replace(/\/+$/, '');
    const token = readSecret(connection.token);
    const client = createOktaClient({
      orgUrl,
      token,
      // Temporal owns retries (see the class comment); 0 unless the connection says otherwise.
      maxRetries: connection.maxSdkRetries ?? 0,
      requestTimeoutMs: OKTA_REQUEST_TIMEOUT_MS,
    });
    return new OktaIdentityProvider(client, { secrets: [token] });
  }

  /**
   * `GET /api/v1/users/{idOrLogin}` (id, login or login shortname). When that finds nobody and the
   * text looks like an address, a `search` on login or email follows: an org's logins need not be
   * email addresses, and a login containing `/` can only be found that way.
   */
  async findUser(emailOrId: string): Promise<DirectoryUser | undefined> {
    const wanted = emailOrId.trim();
    if (!wanted) return undefined;
    const ctx = this.context({ what: `look up user ${wanted}`, userId: wanted, notFound: 'user' });
    if (!wanted.includes('/')) {
      const user = await this.getUserOrUndefined(wanted, ctx);
      if (user) return toDirectoryUser(user);
    }
    if (!wanted.includes('@')) return undefined;

    const value = filterString(wanted);
    const found = await this.call(ctx, async () =>
      collect(
        await this.client.userApi.listUsers({
          search: `profile.login eq ${value} or profile.email eq ${value}`,
          limit: SEARCH_PAGE_SIZE,
        }),
      ),
    );
    const lower = wanted.toLowerCase();
    const byLogin = found.filter((u) => u.profile?.login?.toLowerCase() === lower);
    const byEmail = found.filter((u) => u.profile?.email?.toLowerCase() === lower);
    // A deprovisioned account may share the address of a live one; prefer the live one.
    const live = (users: User[]): User[] => {
      const active = users.filter((u) => u.status !== 'DEPROVISIONED');
      return active.length > 0 ? active : users;
    };
    const candidates = byLogin.length > 0 ? live(byLogin) : live(byEmail);
    if (candidates.length > 1) {
      throw new ConnectorError(
        'permanent',
        `${candidates.length} Okta users have the email ${wanted} (${candidates.map((u) => u.id).join(', ')}): name the user by login or id`,
        { service: 'okta', code: 'AmbiguousUser' },
      );
    }
    return candidates[0] ? toDirectoryUser(candidates[0]) : undefined;
  }

  /**
   * The user named by the profile's `managerId` (the Okta default profile holds the manager's user id
   * there, some orgs a login or email, looked up the same way as {@link findUser}), else by `manager`
   * (a login). Undefined when neither is set; also when neither names a user Okta knows (logged).
   */
  async findManager(userId: string): Promise<DirectoryUser | undefined> {
    const user = await this.getUser(userId, this.context({ what: `read user ${userId}`, userId, notFound: 'user' }));
    const references = [
      ...new Set(
        [user.profile?.managerId, user.profile?.manager].map((r) => r?.trim()).filter((r): r is string => !!r),
      ),
    ];
    for (const reference of references) {
      const manager = await this.findUser(reference);
      if (manager) return manager;
    }
    if (references.length > 0) {
      log.warn(
        { userId: user.id, managerReferences: references },
        'the Okta profile names a manager that is not an Okta user',
      );
    }
    return undefined;
  }

  /** The user's `lastLogin`, read fresh; undefined when the user never signed in. */
  async lastActivity(userId: string): Promise<Date | undefined> {
    const user = await this.getUser(
      userId,
      this.context({ what: `read the last sign-in of user ${userId}`, userId, notFound: 'user' }),
    );
    return toDate(user.lastLogin);
  }

  /**
   * By id (`00g…`), else by exact name: `search=profile.name eq "…"` (paged), then, when that finds
   * nothing, a `q` name-prefix query filtered to the exact name, because Okta serves `search` from an
   * eventually consistent index that may not yet hold a group created a moment ago. A case-sensitive
   * match wins; a single case-insensitive one is accepted (Okta compares names case-insensitively).
   */
  async findGroup(nameOrId: string): Promise<DirectoryGroup | undefined> {
    const wanted = nameOrId.trim();
    if (!wanted) return undefined;
    const ctx = this.context({ what: `look up group ${wanted}`, groupId: wanted, notFound: 'group' });
    if (GROUP_ID.test(wanted)) {
      const group = await this.getGroupOrUndefined(wanted, ctx);
      if (group) return toDirectoryGroup(group);
    }
    const searched = await this.call(ctx, async () =>
      collect(
        await this.client.groupApi.listGroups({
          search: `profile.name eq ${filterString(wanted)}`,
          limit: SEARCH_PAGE_SIZE,
        }),
      ),
    );
    const bySearch = pickByName(searched, wanted);
    if (bySearch) return toDirectoryGroup(bySearch);
    const queried = await this.call(ctx, async () =>
      collect(await this.client.groupApi.listGroups({ q: wanted, limit: QUERY_LIMIT })),
    );
    const byQuery = pickByName(queried, wanted);
    return byQuery ? toDirectoryGroup(byQuery) : undefined;
  }

  /**
   * Direct membership, read fresh from `GET /api/v1/users/{id}/groups` (a user's groups are few;
   * a group's members may be hundreds of thousands). A user Okta does not know is a permanent error;
   * so is a group it does not know (checked when the user is not in it).
   */
  async isMember(groupId: string, userId: string, options?: MemberReadOptions): Promise<boolean> {
    const ctx = this.context({
      what: `check whether user ${userId} is in group ${groupId}`,
      userId,
      groupId,
      notFound: 'user',
    });
    const groups = await this.call(ctx, async () => collect(await this.client.userApi.listUserGroups({ userId })));
    if (groups.some((g) => g.id === groupId)) return true;
    if (!options?.absentIsEnough) await this.getGroup(groupId, { ...ctx, notFound: 'group' });
    return false;
  }

  /** `PUT /api/v1/groups/{g}/users/{u}`: 204, also when the user already is a member. */
  async addMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const ctx = this.context({ what: `add user ${userId} to group ${groupId}`, userId, groupId, notFound: 'group' });
    const answer = await this.write(ctx, () => this.client.groupApi.assignUserToGroup({ groupId, userId }));
    return { ...answer, note: 'assigned (Okta answers 204 also when the user already was a member)' };
  }

  /** `DELETE /api/v1/groups/{g}/users/{u}`: 204, also when the user was not a member. */
  async removeMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const ctx = this.context({
      what: `remove user ${userId} from group ${groupId}`,
      userId,
      groupId,
      notFound: 'group',
    });
    const answer = await this.write(ctx, () => this.client.groupApi.unassignUserFromGroup({ groupId, userId }));
    return { ...answer, note: 'unassigned (Okta answers 204 also when the user was not a member)' };
  }

  /** Every member, through all pages of `GET /api/v1/groups/{id}/users`. */
  async listMembers(groupId: string): Promise<DirectoryUser[]> {
    const ctx = this.context({ what: `list the members of group ${groupId}`, groupId, notFound: 'group' });
    const users = await this.call(ctx, async () =>
      collect(await this.client.groupApi.listGroupUsers({ groupId, limit: this.membersPageSize })),
    );
    return users.map(toDirectoryUser);
  }

  // ---- helpers

  private context(ctx: OktaCallContext): OktaCallContext {
    return { ...ctx, secrets: this.secrets };
  }

  /**
   * A membership write. Okta answers 403 E0000006 both to a token without the permission and to any
   * token for a group whose memberships it does not manage (APP_GROUP, BUILT_IN); the group's type,
   * read after such a 403, tells them apart.
   */
  private async write(ctx: OktaCallContext, fn: () => Promise<void>): Promise<IdpAnswer> {
    const trace: CallTrace = {};
    try {
      await callTrace.run(trace, fn);
    } catch (err) {
      const classified = classifyOktaError(err, ctx, { lastResponse: trace.last });
      if (classified.kind === 'permanent' && classified.details.status === 403 && ctx.groupId) {
        const group = await this.getGroup(ctx.groupId, {
          ...ctx,
          what: `read group ${ctx.groupId}`,
          notFound: 'group',
        }).catch((lookup: unknown) => {
          // A transient lookup failure is retried (the write with it); a permanent one leaves the write's own 403.
          if (lookup instanceof ConnectorError && lookup.kind !== 'permanent') throw lookup;
          return undefined;
        });
        if (group?.type && group.type !== 'OKTA_GROUP') throw notManaged(group);
      }
      throw classified;
    }
    return { status: trace.last?.status ?? 204, requestId: trace.last?.headers.get('x-okta-request-id') ?? undefined };
  }

  private async getUser(userId: string, ctx: OktaCallContext): Promise<User> {
    return this.call(ctx, () => this.client.userApi.getUser({ userId }));
  }

  private async getGroup(groupId: string, ctx: OktaCallContext): Promise<Group> {
    return this.call(ctx, () => this.client.groupApi.getGroup({ groupId }));
  }

  private async getUserOrUndefined(userId: string, ctx: OktaCallContext): Promise<User | undefined> {
    return this.call(ctx, () => this.client.userApi.getUser({ userId }), { notFoundAsUndefined: true });
  }

  private async getGroupOrUndefined(groupId: string, ctx: OktaCallContext): Promise<Group | undefined> {
    return this.call(ctx, () => this.client.groupApi.getGroup({ groupId }), { notFoundAsUndefined: true });
  }

  private call<T>(ctx: OktaCallContext, fn: () => Promise<T>): Promise<T>;
  private call<T>(
    ctx: OktaCallContext,
    fn: () => Promise<T>,
    options: { notFoundAsUndefined: true },
  ): Promise<T | undefined>;
  private async call<T>(
    ctx: OktaCallContext,
    fn: () => Promise<T>,
    options: { notFoundAsUndefined?: boolean } = {},
  ): Promise<T | undefined> {
    const trace: CallTrace = {};
    try {
      return await callTrace.run(trace, fn);
    } catch (err) {
      if (options.notFoundAsUndefined && httpFailure(err)?.status === 404) return undefined;
      throw classifyOktaError(err, ctx, { lastResponse: trace.last });
    }
  }
}
