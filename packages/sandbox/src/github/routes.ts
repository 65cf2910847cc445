import type { SandboxRequest, SandboxResponse } from '../http';
import type { GitHubAuthority, GitHubCaller } from './auth';
import type { GitHubDirectory, GitHubTeamRecord, GitHubUserRecord } from './directory';
import { githubDocs, githubError, idpSyncedMessage, notFound } from './errors';
import type { RateLimitResource } from './rate-limit';
import {
  orgFullJson,
  publicUserJson,
  searchUserJson,
  simpleUserJson,
  teamFullJson,
  teamMembershipJson,
} from './resources';

/** The REST operations the sandbox serves, by the OpenAPI `operationId` @octokit/openapi-types uses. */
export type GitHubOperationId =
  | 'users/get-by-username'
  | 'users/get-by-id'
  | 'search/users'
  | 'orgs/get'
  | 'teams/get-by-name'
  | 'teams/get-membership-for-user-in-org'
  | 'teams/add-or-update-membership-for-user-in-org'
  | 'teams/remove-membership-for-user-in-org'
  | 'teams/list-members-in-org'
  | 'apps/create-installation-access-token';

export interface GitHubRoute {
  operationId: GitHubOperationId;
  method: 'GET' | 'PUT' | 'DELETE' | 'POST';
  pattern: string;
  resource: RateLimitResource;
  /** `read` / `write`: a token or installation; `app`: the App's JWT only. */
  access: 'read' | 'write' | 'app';
  /** The fine-grained permission GitHub names in `x-accepted-github-permissions`. */
  permission?: string;
  handle(req: SandboxRequest, api: string, caller: GitHubCaller): SandboxResponse;
}

const ORG = '/orgs/:org';
const TEAM = `${ORG}/teams/:team_slug`;
const MEMBERSHIP = `${TEAM}/memberships/:username`;

/** Every operation, in registration order. */
export function githubRoutes(directory: GitHubDirectory, authority: GitHubAuthority): GitHubRoute[] {
  const org = (req: SandboxRequest, docs: string): void => {
    if (req.params.org!.toLowerCase() !== directory.org.login.toLowerCase()) throw notFound(docs);
  };
  const team = (req: SandboxRequest, docs: string): GitHubTeamRecord => {
    org(req, docs);
    const found = directory.findTeam(req.params.team_slug!);
    if (!found) throw notFound(docs);
    return found;
  };
  const user = (login: string, docs: string): GitHubUserRecord => {
    const found = directory.findUser(login);
    if (!found) throw notFound(docs);
    return found;
  };

  return [
    {
      operationId: 'users/get-by-username',
      method: 'GET',
      pattern: '/users/:username',
      resource: 'core',
      access: 'read',
      handle: (req, api) => ok(publicUserJson(user(req.params.username!, githubDocs.getUser), api)),
    },
    {
      operationId: 'users/get-by-id',
      method: 'GET',
      pattern: '/user/:account_id',
      resource: 'core',
      access: 'read',
      handle(req, api) {
        const found = /^\d+$/.test(req.params.account_id!)
          ? directory.findUserById(Number(req.params.account_id))
          : undefined;
        if (!found) throw notFound(githubDocs.getUserById);
        return ok(publicUserJson(found, api));
      },
    },
    {
      operationId: 'search/users',
      method: 'GET',
      pattern: '/search/users',
      resource: 'search',
      access: 'read',
      handle(req, api) {
        const q = req.url.searchParams.get('q');
        if (!q) throw githubError(422, 'Validation Failed', githubDocs.searchUsers, {});
        const found = searchUsers(directory.listUsers(), q);
        const { items, link } = page(found, req);
        return {
          status: 200,
          headers: linkHeaders(link),
          body: {
            total_count: found.length,
            incomplete_results: false,
            items: items.map((u) => searchUserJson(u, api)),
          },
        };
      },
    },
    {
      operationId: 'orgs/get',
      method: 'GET',
      pattern: ORG,
      resource: 'core',
      access: 'read',
      permission: 'members=read',
      handle(req, api) {
        org(req, githubDocs.getOrg);
        return ok(orgFullJson(directory, api));
      },
    },
    {
      operationId: 'teams/get-by-name',
      method: 'GET',
      pattern: TEAM,
      resource: 'core',
      access: 'read',
      permission: 'members=read',
      handle: (req, api) => ok(teamFullJson(directory, team(req, githubDocs.getTeam), api)),
    },
    {
      operationId: 'teams/get-membership-for-user-in-org',
      method: 'GET',
      pattern: MEMBERSHIP,
      resource: 'core',
      access: 'read',
      permission: 'members=read',
      handle(req, api) {
        const t = team(req, githubDocs.getMembership);
        const membership = directory.membership(t.slug, req.params.username!);
        if (!membership) throw notFound(githubDocs.getMembership);
        return ok(teamMembershipJson(directory, t, membership, api));
      },
    },
    {
      operationId: 'teams/add-or-update-membership-for-user-in-org',
      method: 'PUT',
      pattern: MEMBERSHIP,
      resource: 'core',
      access: 'write',
      permission: 'members=write',
      handle(req, api) {
        const t = team(req, githubDocs.addMembership);
        const u = user(req.params.username!, githubDocs.addMembership);
        const body = req.rawBody.length > 0 ? req.json() : {};
        const role = (body as { role?: unknown }).role ?? 'member';
        if (role !== 'member' && role !== 'maintainer')
          throw githubError(422, 'Validation Failed', githubDocs.addMembership);
        if (t.idpGroup) throw githubError(403, idpSyncedMessage(t.idpGroup), githubDocs.addMembership);
        return ok(teamMembershipJson(directory, t, directory.setMembership(t.slug, u.login, role), api));
      },
    },
    {
      operationId: 'teams/remove-membership-for-user-in-org',
      method: 'DELETE',
      pattern: MEMBERSHIP,
      resource: 'core',
      access: 'write',
      permission: 'members=write',
      handle(req) {
        const t = team(req, githubDocs.removeMembership);
        if (t.idpGroup) throw githubError(403, idpSyncedMessage(t.idpGroup), githubDocs.removeMembership);
        if (!directory.removeMembership(t.slug, req.params.username!)) throw notFound(githubDocs.removeMembership);
        return { status: 204 };
      },
    },
    {
      operationId: 'teams/list-members-in-org',
      method: 'GET',
      pattern: `${TEAM}/members`,
      resource: 'core',
      access: 'read',
      permission: 'members=read',
      handle(req, api) {
        const t = team(req, githubDocs.listMembers);
        const role = req.url.searchParams.get('role') ?? 'all';
        const members = directory
          .teamMemberships(t.slug)
          .filter((m) => m.state === 'active' && (role === 'all' || m.role === role))
          .map((m) => directory.findUser(m.login)!);
        const { items, link } = page(members, req);
        return { status: 200, headers: linkHeaders(link), body: items.map((u) => simpleUserJson(u, api)) };
      },
    },
    {
      operationId: 'apps/create-installation-access-token',
      method: 'POST',
      pattern: '/app/installations/:installation_id/access_tokens',
      resource: 'core',
      access: 'app',
      handle(req) {
        const issued = authority.issueInstallationToken(req.params.installation_id!);
        return {
          status: 201,
          body: {
            ...issued,
            permissions: { members: 'write', metadata: 'read' },
            repository_selection: 'selected',
          },
        };
      },
    },
  ];
}

const ok = (body: unknown): SandboxResponse => ({ status: 200, body });
const linkHeaders = (link: string | undefined): Record<string, string> => (link ? { link } : {});

/**
 * `q` as GitHub's user search reads it for what Leasehold asks: terms and qualifiers; `in:email`
 * matches the public email exactly (case-insensitive), otherwise login, name or public email contain the term.
 */
function searchUsers(users: GitHubUserRecord[], q: string): GitHubUserRecord[] {
  const parts = q.trim().split(/\s+/);
  const inEmail = parts.some((p) => p.toLowerCase() === 'in:email');
  const terms = parts.filter((p) => !p.includes(':') || p.includes('@')).map((t) => t.toLowerCase());
  return users.filter((u) =>
    terms.every((t) =>
      inEmail
        ? u.email?.toLowerCase() === t
        : [u.login, u.name, u.email ?? ''].some((field) => field.toLowerCase().includes(t)),
    ),
  );
}

/** `per_page` (default 30, at most 100) and `page` (from 1), with GitHub's `Link` header (next, last, first, prev). */
function page<T>(all: T[], req: SandboxRequest): { items: T[]; link?: string } {
  const perPage = Math.min(100, Math.max(1, Number(req.url.searchParams.get('per_page') ?? 30) || 30));
  const current = Math.max(1, Number(req.url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((current - 1) * perPage, current * perPage);
  const at = (n: number): string => {
    const url = new URL(req.url.href);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.href}>`;
  };
  const links: string[] = [];
  if (current > 1) links.push(`${at(current - 1)}; rel="prev"`);
  if (current < last) links.push(`${at(current + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (current > 1) links.push(`${at(1)}; rel="first"`);
  return links.length > 0 ? { items, link: links.join(', ') } : { items };
}
