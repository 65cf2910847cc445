import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { type GitHubSandbox, samplePerson, sandboxCredentials, startGitHubSandbox } from '@leasehold/sandbox';

/**
 * The unmodified @octokit/rest (and @octokit/auth-app) against the sandbox GitHub: every call the
 * connector makes, with the wire details the SDK and the connector rely on (docs/wire-contracts.md).
 */

let sandbox: GitHubSandbox;
const ORG = 'example-org';
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const octokit = (token: string = sandboxCredentials.github.token): Octokit =>
  new Octokit({ auth: token, baseUrl: sandbox.url, log: quiet });

/** The RequestError a call fails with (fails the test when it succeeds). */
async function failure(call: Promise<unknown>): Promise<{
  status: number;
  message: string;
  response: { headers: Record<string, string>; data: { message: string; documentation_url: string; status: string } };
}> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!err) throw new Error('expected the call to fail');
  expect((err as Error).name).toBe('HttpError');
  return err as never;
}

beforeAll(async () => {
  sandbox = await startGitHubSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

describe('users', () => {
  it('users.getByUsername and users.getById read an account; unknown ones are 404', async () => {
    const { data, status, headers } = await octokit().rest.users.getByUsername({ username: 'alice-anders' });
    expect(status).toBe(200);
    expect(data).toMatchObject({ login: 'alice-anders', id: 51000001, type: 'User', email: 'alice@example.com' });
    expect(headers['x-github-request-id']).toMatch(/^[0-9A-F]{4}:/);
    const byId = await octokit().rest.users.getById({ account_id: 51000005 });
    expect(byId.data).toMatchObject({ login: 'erin-evans', email: null, name: 'Erin Evans' });

    const missing = await failure(octokit().rest.users.getByUsername({ username: 'nobody-here' }));
    expect(missing.status).toBe(404);
    expect(missing.response.data).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/users/users#get-a-user',
      status: '404',
    });
    expect(missing.message).toBe('Not Found - https://docs.github.com/rest/users/users#get-a-user');
  });

  it('search.users finds public emails only (`<email> in:email`)', async () => {
    const found = await octokit().rest.search.users({ q: `${samplePerson('frank').email} in:email` });
    expect(found.data.total_count).toBe(1);
    expect(found.data.items.map((u) => u.login)).toEqual(['frank-fischer']);
    expect(found.headers['x-ratelimit-resource']).toBe('search');
    expect(found.headers['x-ratelimit-limit']).toBe('30');
    // Erin's email is private.
    const hidden = await octokit().rest.search.users({ q: 'erin@example.com in:email' });
    expect(hidden.data).toEqual({ total_count: 0, incomplete_results: false, items: [] });
  });
});

describe('organisation and teams', () => {
  it('orgs.get and teams.getByName read the organisation and a team; an unknown team is 404', async () => {
    expect((await octokit().rest.orgs.get({ org: ORG })).data).toMatchObject({ login: ORG, type: 'Organization' });
    const team = await octokit().rest.teams.getByName({ org: ORG, team_slug: 'platform' });
    expect(team.data).toMatchObject({ slug: 'platform', name: 'Platform', members_count: 1, id: 7100001 });
    expect(team.headers['x-accepted-github-permissions']).toBe('members=read');
    expect((await failure(octokit().rest.teams.getByName({ org: ORG, team_slug: 'no-such-team' }))).status).toBe(404);
    expect((await failure(octokit().rest.orgs.get({ org: 'other-org' }))).status).toBe(404);
  });

  it('membership: get (404 = none), add (active for an org member), get, remove (204), remove again (404)', async () => {
    const gh = octokit();
    const args = { org: ORG, team_slug: 'platform', username: 'alice-anders' };
    expect((await failure(gh.rest.teams.getMembershipForUserInOrg(args))).status).toBe(404);

    const added = await gh.rest.teams.addOrUpdateMembershipForUserInOrg({ ...args, role: 'member' });
    expect(added.status).toBe(200);
    expect(added.data).toEqual({
      url: `${sandbox.url}/organizations/90000001/team/7100001/memberships/alice-anders`,
      role: 'member',
      state: 'active',
    });
    expect((await gh.rest.teams.getMembershipForUserInOrg(args)).data).toMatchObject({ state: 'active' });

    const removed = await gh.rest.teams.removeMembershipForUserInOrg(args);
    expect(removed.status).toBe(204);
    expect(removed.data).toBe(''); // @octokit/request's data of a 204
    expect((await failure(gh.rest.teams.removeMembershipForUserInOrg(args))).status).toBe(404);
    expect(sandbox.membershipChanges().map((c) => `${c.op} ${c.login} ${c.state}`)).toEqual([
      'add alice-anders active',
      'remove alice-anders active',
    ]);
  });

  it('adding a user who is not in the organisation is pending until the invitation is accepted', async () => {
    const args = { org: ORG, team_slug: 'platform', username: 'erin-evans' };
    const added = await octokit().rest.teams.addOrUpdateMembershipForUserInOrg(args);
    expect(added.data.state).toBe('pending');
    expect((await octokit().rest.teams.getMembershipForUserInOrg(args)).data.state).toBe('pending');
    // Pending members are not listed as members yet.
    const listed = await octokit().rest.teams.listMembersInOrg({ org: ORG, team_slug: 'platform' });
    expect(listed.data.map((u) => u.login)).toEqual(['bob-baker']);
    sandbox.acceptInvitation('erin-evans');
    expect((await octokit().rest.teams.getMembershipForUserInOrg(args)).data.state).toBe('active');
  });

  it('a team synchronized with an IdP group answers 403 to membership changes', async () => {
    const args = { org: ORG, team_slug: 'engineering', username: 'dave-diaz' };
    const put = await failure(octokit().rest.teams.addOrUpdateMembershipForUserInOrg(args));
    expect(put.status).toBe(403);
    expect(put.response.data.message).toMatch(/synchronized with an identity provider group/);
    const del = await failure(octokit().rest.teams.removeMembershipForUserInOrg({ ...args, username: 'alice-anders' }));
    expect(del.status).toBe(403);
    expect(sandbox.isMember('engineering', 'alice-anders')).toBe(true);
  });

  it('teams.listMembersInOrg pages with Link headers (per_page ≤ 100) and octokit.paginate follows them', async () => {
    for (let i = 0; i < 4; i++) {
      const { login } = sandbox.addUser({ login: `paged-user-${i}`, orgMember: true });
      await octokit().rest.teams.addOrUpdateMembershipForUserInOrg({
        org: ORG,
        team_slug: 'platform',
        username: login,
      });
    }
    const first = await octokit().rest.teams.listMembersInOrg({ org: ORG, team_slug: 'platform', per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toBe(
      `<${sandbox.url}/orgs/${ORG}/teams/platform/members?per_page=2&page=2>; rel="next", <${sandbox.url}/orgs/${ORG}/teams/platform/members?per_page=2&page=3>; rel="last"`,
    );
    const all = await octokit().paginate(octokit().rest.teams.listMembersInOrg, {
      org: ORG,
      team_slug: 'platform',
      per_page: 2,
    });
    expect(all.map((u) => u.login)).toEqual([
      'bob-baker',
      'paged-user-0',
      'paged-user-1',
      'paged-user-2',
      'paged-user-3',
    ]);
    const big = await octokit().rest.teams.listMembersInOrg({ org: ORG, team_slug: 'platform', per_page: 500 });
    expect(big.data).toHaveLength(5);
    expect(big.headers.link).toBeUndefined();
  });
});

describe('authentication, permissions and limits', () => {
  it('every answer carries the x-ratelimit-* headers of the caller, errors included', async () => {
    const first = await octokit().rest.users.getByUsername({ username: 'bob-baker' });
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
    });
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    const err = await failure(octokit().rest.users.getByUsername({ username: 'nobody-here' }));
    expect(err.response.headers).toMatchObject({ 'x-ratelimit-remaining': '4998', 'x-ratelimit-used': '2' });
  });

  it('a bad token is 401 Bad credentials; a read-only token cannot change memberships (403)', async () => {
    const bad = await failure(octokit('not-a-token').rest.orgs.get({ org: ORG }));
    expect(bad.status).toBe(401);
    expect(bad.response.data.message).toBe('Bad credentials');
    const readOnly = octokit(sandboxCredentials.github.readOnlyToken);
    expect((await readOnly.rest.teams.getByName({ org: ORG, team_slug: 'platform' })).status).toBe(200);
    const denied = await failure(
      readOnly.rest.teams.addOrUpdateMembershipForUserInOrg({
        org: ORG,
        team_slug: 'platform',
        username: 'alice-anders',
      }),
    );
    expect(denied.status).toBe(403);
    expect(denied.response.data.message).toBe('Resource not accessible by personal access token');
    expect(denied.response.headers['x-accepted-github-permissions']).toBe('members=write');
  });

  it('the primary limit: 403 with x-ratelimit-remaining 0 and the reset, per caller', async () => {
    sandbox.setRateLimit(2);
    await octokit().rest.users.getByUsername({ username: 'bob-baker' });
    await octokit().rest.users.getByUsername({ username: 'bob-baker' });
    const over = await failure(octokit().rest.users.getByUsername({ username: 'bob-baker' }));
    expect(over.status).toBe(403);
    expect(over.response.data.message).toMatch(/^API rate limit exceeded for user ID/);
    expect(over.response.headers['x-ratelimit-remaining']).toBe('0');
    expect(over.response.headers['retry-after']).toBeUndefined();
    expect(Number(over.response.headers['x-ratelimit-reset']) * 1000).toBeGreaterThan(Date.now());
    // Another token has its own window.
    const other = octokit(sandboxCredentials.github.readOnlyToken);
    expect((await other.rest.users.getByUsername({ username: 'bob-baker' })).status).toBe(200);
  });

  it.each([429, 403] as const)('a secondary limit answers %i with retry-after', async (status) => {
    sandbox.setSecondaryLimitStatus(status);
    sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 7 });
    const limited = await failure(octokit().rest.teams.getByName({ org: ORG, team_slug: 'platform' }));
    expect(limited.status).toBe(status);
    expect(limited.response.headers['retry-after']).toBe('7');
    expect(limited.response.data.message).toMatch(/^You have exceeded a secondary rate limit/);
    expect(limited.response.data.documentation_url).toMatch(/secondary-rate-limits/);
    expect((await octokit().rest.teams.getByName({ org: ORG, team_slug: 'platform' })).status).toBe(200);
  });

  it('GitHub App: the JWT buys an installation token (POST /app/installations/{id}/access_tokens) that works', async () => {
    const app = new Octokit({
      baseUrl: sandbox.url,
      log: quiet,
      authStrategy: createAppAuth,
      auth: {
        appId: sandboxCredentials.github.appId,
        privateKey: sandbox.appPrivateKey,
        installationId: sandboxCredentials.github.installationId,
      },
    });
    const added = await app.rest.teams.addOrUpdateMembershipForUserInOrg({
      org: ORG,
      team_slug: 'security',
      username: 'carol-chen',
    });
    expect(added.data.state).toBe('active');
    await app.rest.teams.getByName({ org: ORG, team_slug: 'security' });
    expect(sandbox.requestCount('apps/create-installation-access-token')).toBe(1);

    // A JWT signed with another key is refused.
    const { generateKeyPairSync } = await import('node:crypto');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const forged = new Octokit({
      baseUrl: sandbox.url,
      log: quiet,
      authStrategy: createAppAuth,
      auth: { appId: sandboxCredentials.github.appId, privateKey: otherKey, installationId: 4242001 },
    });
    const refused = await failure(forged.rest.teams.getByName({ org: ORG, team_slug: 'security' }));
    expect(refused.status).toBe(401);
  });
});
