import type { Octokit } from '@octokit/rest';
import { expandSetting, readSecret } from '../../config/settings';
import type { GitHubConnection } from '../../policy/schema';
import { ConnectorError } from '../connector-error';
import type {
  DirectoryGroup,
  DirectoryUser,
  IdentityProvider,
  IdpAnswer,
  MemberReadOptions,
} from '../identity-provider';
import { createGitHubClient, type GitHubAuth } from './github-client';
import { classifyGitHubError, githubFailure, type GitHubCallContext } from './github-errors';
import { searchByEmail, toDirectoryUser } from './github-users';

/** The largest page GitHub serves (`per_page`). */
const PAGE_SIZE = 100;

/** The note a pending team membership carries into the request's evidence. */
export const PENDING_NOTE = 'pending: invitation to the organisation not yet accepted';

export interface GitHubIdentityProviderOptions {
  /** The organisation whose teams the level's groups name (team slugs). */
  org: string;
  /** Email (any case) → GitHub login, consulted first by {@link GitHubIdentityProvider.findUser}. */
  logins?: Record<string, string>;
  /** Whether an email the mapping lacks is looked up with GitHub's user search (`<email> in:email`). */
  lookupByEmail?: boolean;
  /** Secret values to scrub from error messages. */
  secrets?: readonly string[];
  /** Page size of member lists (default and GitHub's maximum 100); tests use small pages. */
  pageSize?: number;
}

/**
 * Leasehold's {@link IdentityProvider} for GitHub organisation teams, through the real @octokit/rest
 * (no throttling or retry plugins: Temporal retries, see github-client.ts).
 *
 * - Groups are teams of the organisation, named by slug; a {@link DirectoryGroup}'s id is the slug.
 * - A {@link DirectoryUser}'s id is the GitHub account id (stable; logins can be renamed) and each
 *   membership call first reads the current login (`GET /user/{id}`). A non-numeric id is a login.
 * - People are mapped from their email by the connection's `logins` first, then (with `lookupByEmail`)
 *   by GitHub's user search, which only finds public emails: an explicit mapping is the dependable way.
 * - Pending memberships (the user is invited to the organisation and has not accepted) count as
 *   present: the grant is made, GitHub activates it when the invitation is accepted, and the answer's
 *   note ({@link PENDING_NOTE}) puts that in the request's evidence. Removing a pending membership
 *   cancels it.
 * - GitHub records no managers ({@link findManager} is always undefined: the rules refuse `manager`
 *   approvers on github levels) and no last activity the API exposes.
 */
export class GitHubIdentityProvider implements IdentityProvider {
  readonly kind = 'github';
  private readonly org: string;
  private readonly logins: Map<string, string>;
  private readonly lookupByEmail: boolean;
  private readonly secrets: readonly string[];
  private readonly pageSize: number;

  constructor(
    readonly client: Octokit,
    options: GitHubIdentityProviderOptions,
  ) {
    this.org = options.org;
    this.logins = new Map(Object.entries(options.logins ?? {}).map(([email, login]) => [email.toLowerCase(), login]));
    this.lookupByEmail = options.lookupByEmail ?? true;
    this.secrets = options.secrets ?? [];
    this.pageSize = options.pageSize ?? PAGE_SIZE;
  }

  /** Builds the client from a rules connection; secrets are read here, in the worker. */
  static fromConnection(connection: GitHubConnection): GitHubIdentityProvider {
    let auth: GitHubAuth;
    let secrets: string[];
    if (connection.app) {
      const privateKey = readSecret(connection.app.privateKey);
      auth = {
        app: {
          appId: expandSetting(connection.app.appId),
          installationId: expandSetting(connection.app.installationId),
          privateKey,
        },
      };
      secrets = [privateKey];
    } else if (connection.token) {
      const token = readSecret(connection.token);
      auth = { token };
      secrets = [token];
    } else {
      throw new ConnectorError('permanent', 'the github connection has neither a token nor an app', {
        service: 'github',
      });
    }
    const client = createGitHubClient({ baseUrl: expandSetting(connection.baseUrl), auth });
    return new GitHubIdentityProvider(client, {
      org: expandSetting(connection.org),
      logins: connection.logins,
      lookupByEmail: connection.lookupByEmail,
      secrets,
    });
  }

  /** For `leasehold connections test`: the organisation answers (`GET /orgs/{org}`) with these credentials. */
  async probe(): Promise<string> {
    const ctx = this.context({ what: `read the organisation ${this.org}` });
    const org = await this.call(ctx, async () => (await this.client.rest.orgs.get({ org: this.org })).data);
    if (!org) {
      throw new ConnectorError('permanent', `unknown organisation ${this.org} (or the credentials cannot see it)`, {
        service: 'github',
        status: 404,
        code: 'UnknownOrganisation',
      });
    }
    return `authenticated; organisation ${org.login} (${org.id}) answers`;
  }

  /**
   * An email: the `logins` mapping, else (with `lookupByEmail`) the user search on public emails, which
   * must find exactly one account. An account id (digits) or a login: read directly.
   */
  async findUser(emailOrId: string): Promise<DirectoryUser | undefined> {
    const wanted = emailOrId.trim();
    if (!wanted) return undefined;
    const ctx = this.context({ what: `look up user ${wanted}`, user: wanted });
    if (/^\d+$/.test(wanted)) {
      const user = await this.call(
        ctx,
        async () => (await this.client.rest.users.getById({ account_id: +wanted })).data,
      );
      return user && toDirectoryUser(user);
    }
    if (!wanted.includes('@')) {
      const user = await this.call(
        ctx,
        async () => (await this.client.rest.users.getByUsername({ username: wanted })).data,
      );
      return user && toDirectoryUser(user);
    }
    const mapped = this.logins.get(wanted.toLowerCase());
    if (mapped) {
      const user = await this.call(
        ctx,
        async () => (await this.client.rest.users.getByUsername({ username: mapped })).data,
      );
      if (!user) {
        throw new ConnectorError(
          'permanent',
          `the rules map ${wanted} to the GitHub login ${mapped}, which GitHub does not know (renamed or deleted?)`,
          { service: 'github', status: 404, code: 'UnknownUser' },
        );
      }
      return toDirectoryUser(user, wanted);
    }
    if (!this.lookupByEmail) return undefined;
    const found = await this.call(ctx, () => searchByEmail(this.client, wanted));
    return found && toDirectoryUser(found, wanted);
  }

  /** GitHub has no managers. */
  async findManager(): Promise<DirectoryUser | undefined> {
    return undefined;
  }

  /** GitHub's REST API exposes no last sign-in. */
  async lastActivity(): Promise<Date | undefined> {
    return undefined;
  }

  /** A team of the organisation by slug (`GET /orgs/{org}/teams/{slug}`); undefined when there is none. */
  async findGroup(nameOrId: string): Promise<DirectoryGroup | undefined> {
    const slug = nameOrId.trim();
    if (!slug) return undefined;
    const team = await this.readTeam(slug);
    return team && { id: team.slug, name: team.name };
  }

  /** Active or pending membership (`GET …/memberships/{login}`; 404 = none, then the team is checked). */
  async isMember(groupId: string, userId: string, options?: MemberReadOptions): Promise<boolean> {
    const login = await this.loginOf(userId);
    if (login === undefined) return false;
    const membership = await this.readMembership(groupId, login);
    if (membership) return true;
    if (options?.absentIsEnough) return false;
    if (!(await this.readTeam(groupId)))
      throw this.unknownTeam(groupId, `check whether ${login} is in team ${groupId}`);
    return false;
  }

  /**
   * `PUT …/memberships/{login}` `{ role: "member" }`: 200 with `state` `active`, or `pending` for a user
   * not yet in the organisation (GitHub invites them). An existing membership is left as it is (a PUT
   * would turn a maintainer into a member).
   */
  async addMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const login = await this.loginOf(userId, true);
    const existing = await this.readMembership(groupId, login!);
    if (existing) {
      return {
        status: 200,
        note: `already in the team (${existing.role}, ${existing.state})${existing.state === 'pending' ? `; ${PENDING_NOTE}` : ''}`,
      };
    }
    const ctx = this.context({ what: `add ${login} to team ${groupId}`, team: groupId, user: login, notFound: 'team' });
    const answer = await this.call(ctx, () =>
      this.client.rest.teams.addOrUpdateMembershipForUserInOrg({
        org: this.org,
        team_slug: groupId,
        username: login!,
        role: 'member',
      }),
    );
    const state = answer!.data.state;
    return {
      status: answer!.status,
      requestId: answer!.headers['x-github-request-id'],
      note: state === 'pending' ? PENDING_NOTE : `team membership ${state} (role ${answer!.data.role})`,
    };
  }

  /** `DELETE …/memberships/{login}`: 204; 404 means not a member (or no such team), which is success. */
  async removeMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const login = await this.loginOf(userId);
    if (login === undefined) return { status: 404, note: 'the GitHub account no longer exists: no membership left' };
    const ctx = this.context({ what: `remove ${login} from team ${groupId}`, team: groupId, user: login });
    try {
      const answer = await this.client.rest.teams.removeMembershipForUserInOrg({
        org: this.org,
        team_slug: groupId,
        username: login,
      });
      return {
        status: answer.status,
        requestId: answer.headers['x-github-request-id'],
        note: 'team membership removed',
      };
    } catch (err) {
      const failure = githubFailure(err);
      if (failure?.status === 404)
        return { status: 404, requestId: failure.headers['x-github-request-id'], note: 'not a member of the team' };
      throw classifyGitHubError(err, ctx);
    }
  }

  /** Every active member (`GET /orgs/{org}/teams/{slug}/members`, all pages through `Link`). */
  async listMembers(groupId: string): Promise<DirectoryUser[]> {
    const ctx = this.context({ what: `list the members of team ${groupId}`, team: groupId, notFound: 'team' });
    const members = await this.call(ctx, () =>
      this.client.paginate(this.client.rest.teams.listMembersInOrg, {
        org: this.org,
        team_slug: groupId,
        per_page: this.pageSize,
      }),
    );
    return members!.map((m) => toDirectoryUser(m));
  }

  // ---- helpers

  private context(ctx: Omit<GitHubCallContext, 'org' | 'secrets'>): GitHubCallContext {
    return { ...ctx, org: this.org, secrets: this.secrets };
  }

  /** Runs an SDK call; 404 → undefined unless the context names what a 404 means; anything else classified. */
  private async call<T>(ctx: GitHubCallContext, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (!ctx.notFound && githubFailure(err)?.status === 404) return undefined;
      throw classifyGitHubError(err, ctx);
    }
  }

  private async readTeam(slug: string): Promise<{ slug: string; name: string } | undefined> {
    const ctx = this.context({ what: `look up team ${slug}`, team: slug });
    return this.call(
      ctx,
      async () => (await this.client.rest.teams.getByName({ org: this.org, team_slug: slug })).data,
    );
  }

  private async readMembership(slug: string, login: string): Promise<{ role: string; state: string } | undefined> {
    const ctx = this.context({ what: `read the membership of ${login} in team ${slug}`, team: slug, user: login });
    return this.call(
      ctx,
      async () =>
        (await this.client.rest.teams.getMembershipForUserInOrg({ org: this.org, team_slug: slug, username: login }))
          .data,
    );
  }

  /**
   * The current login of an account id (a non-numeric id is already a login). Undefined when the
   * account no longer exists, unless `required` (then a permanent "unknown user").
   */
  private async loginOf(userId: string, required = false): Promise<string | undefined> {
    if (!/^\d+$/.test(userId)) return userId;
    const ctx = this.context({ what: `read GitHub account ${userId}`, user: userId });
    const user = await this.call(ctx, async () => (await this.client.rest.users.getById({ account_id: +userId })).data);
    if (!user && required)
      throw new ConnectorError('permanent', `unknown user ${userId}: GitHub has no account with that id`, {
        service: 'github',
        status: 404,
        code: 'UnknownUser',
      });
    return user?.login;
  }

  private unknownTeam(slug: string, what: string): ConnectorError {
    return new ConnectorError(
      'permanent',
      `unknown team ${slug}: ${this.org} has no team with that slug (or the credentials cannot see it), while trying to ${what}`,
      { service: 'github', status: 404, code: 'UnknownTeam' },
    );
  }
}
