import type { GitHubDirectory, GitHubTeamRecord, GitHubUserRecord, TeamMembership } from './directory';

/**
 * The JSON of GitHub's REST resources (the `simple-user`, `public-user`, `team-full`,
 * `team-membership` and `organization-full` schemas of @octokit/openapi-types), with the fields that
 * matter filled and the rest plausible. `api` is the API root the client called.
 */

const WEB = 'https://github.com';

export function simpleUserJson(user: GitHubUserRecord, api: string) {
  const url = `${api}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId('U', user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${WEB}/${user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

export function publicUserJson(user: GitHubUserRecord, api: string) {
  return {
    ...simpleUserJson(user, api),
    name: user.name || null,
    company: null,
    blog: '',
    location: null,
    email: user.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: user.createdAt,
    updated_at: user.createdAt,
  };
}

export function searchUserJson(user: GitHubUserRecord, api: string) {
  return { ...simpleUserJson(user, api), score: 1 };
}

function orgJson(directory: GitHubDirectory, api: string) {
  const { login, id } = directory.org;
  const url = `${api}/orgs/${login}`;
  return {
    login,
    id,
    node_id: nodeId('O', id),
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    description: 'The sample organisation of the Leasehold sandbox',
  };
}

export function orgFullJson(directory: GitHubDirectory, api: string) {
  return {
    ...orgJson(directory, api),
    name: directory.org.name,
    company: null,
    blog: '',
    location: null,
    email: null,
    is_verified: false,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `${WEB}/${directory.org.login}`,
    created_at: '2019-01-07T09:00:00Z',
    updated_at: '2026-01-05T09:00:00Z',
    archived_at: null,
    type: 'Organization',
    members_can_create_repositories: false,
    two_factor_requirement_enabled: true,
  };
}

function teamUrl(directory: GitHubDirectory, team: GitHubTeamRecord, api: string): string {
  return `${api}/organizations/${directory.org.id}/team/${team.id}`;
}

export function teamFullJson(directory: GitHubDirectory, team: GitHubTeamRecord, api: string) {
  const url = teamUrl(directory, team, api);
  return {
    id: team.id,
    node_id: nodeId('T', team.id),
    url,
    html_url: `${WEB}/orgs/${directory.org.login}/teams/${team.slug}`,
    name: team.name,
    slug: team.slug,
    description: team.description,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    type: 'organization',
    organization_id: directory.org.id,
    parent: null,
    members_count: directory.teamMemberships(team.slug).filter((m) => m.state === 'active').length,
    repos_count: 0,
    created_at: team.createdAt,
    updated_at: team.createdAt,
    organization: orgFullJson(directory, api),
  };
}

export function teamMembershipJson(
  directory: GitHubDirectory,
  team: GitHubTeamRecord,
  membership: TeamMembership,
  api: string,
) {
  return {
    url: `${teamUrl(directory, team, api)}/memberships/${membership.login}`,
    role: membership.role,
    state: membership.state,
  };
}

/** GitHub's global node ids look like `U_kgDOB…`; the sandbox's only need to be stable. */
function nodeId(prefix: string, id: number): string {
  return `${prefix}_kgDO${Buffer.from(String(id)).toString('base64url')}`;
}
