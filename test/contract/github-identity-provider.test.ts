import { ConnectorError } from '../../src/connectors/connector-error';
import { checkConnection } from '../../src/connectors/connection-check';
import { classifyGitHubError } from '../../src/connectors/github/github-errors';
import { GitHubIdentityProvider, PENDING_NOTE } from '../../src/connectors/github/github-identity-provider';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { asActivityFailure } from '../../src/activities/failures';
import { rulesDocumentSchema, type GitHubConnection } from '../../src/policy/schema';
import { type GitHubSandbox, sandboxCredentials, startGitHubSandbox } from '@leasehold/sandbox';
import { ApplicationFailure } from '@temporalio/common';

/**
 * The GitHub IdentityProvider against the sandbox GitHub, built the way the worker builds it
 * (fromConnection with `${VAR}` settings and env-var secret references), through the real @octokit/rest.
 */

const ENV = {
  url: 'LEASEHOLD_TEST_GITHUB_URL',
  token: 'LEASEHOLD_TEST_GITHUB_TOKEN',
  readOnly: 'LEASEHOLD_TEST_GITHUB_READONLY',
  wrong: 'LEASEHOLD_TEST_GITHUB_WRONG',
  key: 'LEASEHOLD_TEST_GITHUB_APP_KEY',
} as const;
const ALICE = { login: 'alice-anders', id: '51000001' };
const BOB = { login: 'bob-baker', id: '51000002' };
const ERIN = { login: 'erin-evans', id: '51000005' };

let sandbox: GitHubSandbox;

beforeAll(async () => {
  sandbox = await startGitHubSandbox({ port: 0 });
  process.env[ENV.url] = sandbox.url;
  process.env[ENV.token] = sandboxCredentials.github.token;
  process.env[ENV.readOnly] = sandboxCredentials.github.readOnlyToken;
  process.env[ENV.wrong] = 'not-the-github-token';
  process.env[ENV.key] = sandbox.appPrivateKey;
});
afterAll(async () => {
  await sandbox.close();
  for (const key of Object.values(ENV)) delete process.env[key];
});
beforeEach(() => sandbox.reset());

function connection(overrides: Partial<GitHubConnection> = {}): GitHubConnection {
  return {
    type: 'github',
    org: 'example-org',
    baseUrl: `\${${ENV.url}}`,
    token: { env: ENV.token },
    logins: { 'erin@example.com': 'erin-evans' },
    lookupByEmail: true,
    ...overrides,
  };
}
const provider = (overrides: Partial<GitHubConnection> = {}) =>
  GitHubIdentityProvider.fromConnection(connection(overrides));

async function connectorError(call: Promise<unknown>): Promise<ConnectorError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ConnectorError)) throw new Error(`expected a ConnectorError, got ${String(err)}`);
  return err;
}

describe('people and teams', () => {
  it('maps an email by the explicit logins first, then by a search on public emails', async () => {
    const gh = provider();
    expect(await gh.findUser('Erin@Example.com')).toEqual({
      id: '51000005',
      login: 'erin-evans',
      email: 'Erin@Example.com',
      displayName: 'Erin Evans',
      status: 'User',
    });
    expect(await gh.findUser('alice@example.com')).toMatchObject({ id: ALICE.id, login: ALICE.login });
    expect(await gh.findUser('mallory@example.com')).toBeUndefined();
    expect(await gh.findUser(ALICE.id)).toMatchObject({ login: ALICE.login });
    expect(await gh.findUser('bob-baker')).toMatchObject({ id: BOB.id });
    // Without the search, only the mapping counts.
    expect(await provider({ lookupByEmail: false }).findUser('alice@example.com')).toBeUndefined();
    // A mapping to a login GitHub does not know is a permanent error that says so.
    const stale = await connectorError(
      provider({ logins: { 'alice@example.com': 'alice-old' } }).findUser('alice@example.com'),
    );
    expect(stale.kind).toBe('permanent');
    expect(stale.message).toMatch(/map alice@example.com to the GitHub login alice-old/);
    expect(await gh.findManager()).toBeUndefined();
    expect(await gh.lastActivity()).toBeUndefined();
  });

  it('finds teams by slug', async () => {
    expect(await provider().findGroup('platform')).toEqual({ id: 'platform', name: 'Platform' });
    expect(await provider().findGroup('no-such-team')).toBeUndefined();
  });

  it('adds, verifies and removes a member; repeats are success; a pre-existing member is reported present', async () => {
    const gh = provider();
    expect(await gh.isMember('platform', BOB.id)).toBe(true);
    expect(await gh.isMember('platform', ALICE.id)).toBe(false);
    const added = await gh.addMember('platform', ALICE.id);
    expect(added).toMatchObject({ status: 200, note: 'team membership active (role member)' });
    expect(added.requestId).toMatch(/:/);
    expect(sandbox.isMember('platform', ALICE.login)).toBe(true);
    expect(await gh.isMember('platform', ALICE.id)).toBe(true);
    expect((await gh.addMember('platform', ALICE.id)).note).toMatch(/^already in the team/);
    expect(await gh.listMembers('platform')).toEqual([
      expect.objectContaining({ id: ALICE.id, login: ALICE.login }),
      expect.objectContaining({ id: BOB.id, login: BOB.login }),
    ]);
    expect(await gh.removeMember('platform', ALICE.id)).toMatchObject({ status: 204 });
    expect(await gh.removeMember('platform', ALICE.id)).toMatchObject({
      status: 404,
      note: 'not a member of the team',
    });
    expect(sandbox.isMember('platform', ALICE.login)).toBe(false);
    expect(sandbox.membershipChanges()).toHaveLength(2);
  });

  it('never demotes a maintainer: an existing membership is left as it is', async () => {
    const dave = (await provider().findUser('dave@example.com'))!;
    expect((await provider().addMember('security', dave.id)).note).toBe('already in the team (maintainer, active)');
    expect(sandbox.teamMembers('security')).toEqual([{ login: 'dave-diaz', role: 'maintainer', state: 'active' }]);
  });

  it('a user not in the organisation gets a pending membership: present, with the note for the evidence', async () => {
    const gh = provider();
    const answer = await gh.addMember('platform', ERIN.id);
    expect(answer).toMatchObject({ status: 200, note: PENDING_NOTE });
    expect(await gh.isMember('platform', ERIN.id)).toBe(true);
    expect(sandbox.teamMembers('platform')).toContainEqual({ login: ERIN.login, role: 'member', state: 'pending' });
    // Removing it cancels the invitation to the team.
    await gh.removeMember('platform', ERIN.id);
    expect(await gh.isMember('platform', ERIN.id)).toBe(false);
  });

  it('an unknown team is a permanent error naming it', async () => {
    const err = await connectorError(provider().isMember('no-such-team', ALICE.id));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^unknown team no-such-team: example-org has no team with that slug/);
  });
});

describe('errors', () => {
  it('a team synchronized with an IdP group: permanent, with that reason', async () => {
    const err = await connectorError(provider().addMember('engineering', 'dave-diaz'));
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 403, code: 'TeamSyncedWithIdp' } });
    expect(err.message).toMatch(/^team engineering of example-org is synchronized with an identity-provider group/);
    const failure = asActivityFailure(err) as ApplicationFailure;
    expect(failure.nonRetryable).toBe(true);
  });

  it.each([429, 403] as const)(
    'a secondary limit (%i + retry-after) is rate-limited with that delay',
    async (status) => {
      sandbox.setSecondaryLimitStatus(status);
      sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 42 });
      const err = await connectorError(provider().addMember('platform', ALICE.id));
      expect(err).toMatchObject({ kind: 'rate-limited', details: { status, retryAfterMs: 42_000 } });
      expect(err.message).toMatch(/secondary rate limit reached/);
      const failure = asActivityFailure(err) as ApplicationFailure;
      expect(failure.nextRetryDelay).toBe(42_000);
      expect(failure.nonRetryable).toBeFalsy();
      // Nothing changed; the retry then works.
      expect(sandbox.membershipChanges()).toEqual([]);
      await provider().addMember('platform', ALICE.id);
      expect(sandbox.isMember('platform', ALICE.login)).toBe(true);
    },
  );

  it('the primary limit (x-ratelimit-remaining 0) waits until x-ratelimit-reset', async () => {
    sandbox.setRateLimit(1, { windowSeconds: 120 });
    const gh = provider();
    await gh.findGroup('platform');
    const err = await connectorError(gh.findGroup('platform'));
    expect(err.kind).toBe('rate-limited');
    expect(err.details.code).toBe('PrimaryRateLimit');
    expect(err.details.retryAfterMs).toBeGreaterThan(100_000);
    expect(err.details.retryAfterMs).toBeLessThanOrEqual(122_000);
    expect(err.message).toMatch(/primary rate limit reached \(1 requests per hour, core\)/);
  });

  it('classifies a primary limit from the answer date and reset headers', () => {
    const err = Object.assign(new Error('API rate limit exceeded'), {
      name: 'HttpError',
      status: 403,
      response: {
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': '1700000090',
          date: new Date(1_700_000_000_000).toUTCString(),
        },
        data: { message: 'API rate limit exceeded for user ID 1.' },
      },
    });
    const classified = classifyGitHubError(err, { what: 'read', org: 'o' }, 1_700_000_050_000);
    expect(classified.details.retryAfterMs).toBe(90_000);
  });

  it('a bad token: permanent, bad credentials, and the token is never in a message', async () => {
    const err = await connectorError(provider({ token: { env: ENV.wrong } }).findGroup('platform'));
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 401 } });
    expect(err.message).toMatch(/^bad credentials/);
    expect(err.message).not.toContain('not-the-github-token');
  });

  it('a read-only token: membership changes are a permanent missing permission', async () => {
    const err = await connectorError(provider({ token: { env: ENV.readOnly } }).addMember('platform', ALICE.id));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^missing permission: the GitHub credentials cannot add alice-anders to team platform/);
    expect(err.message).toContain('GitHub accepts members=write');
  });

  it('a server error and a network failure are retryable', async () => {
    sandbox.faults.update({ failNext: 1 });
    expect((await connectorError(provider().findGroup('platform'))).kind).toBe('retryable');
    const offline = provider({ baseUrl: 'http://127.0.0.1:1' });
    expect((await connectorError(offline.findGroup('platform'))).kind).toBe('retryable');
  });
});

describe('GitHub App installation auth', () => {
  it('works as the worker builds it', async () => {
    const gh = provider({
      token: undefined,
      app: {
        appId: sandboxCredentials.github.appId,
        installationId: sandboxCredentials.github.installationId,
        privateKey: { env: ENV.key },
      },
    });
    await gh.addMember('platform', ALICE.id);
    expect(sandbox.isMember('platform', ALICE.login)).toBe(true);
    expect(sandbox.requestCount('apps/create-installation-access-token')).toBe(1);
  });
});

describe('connections test', () => {
  const rules = (overrides: Partial<GitHubConnection> = {}, teams = ['platform', 'no-such-team']) =>
    rulesDocumentSchema.parse({
      version: 1,
      connections: {
        jira: { type: 'jira', site: 'http://x', email: 'a@example.com', apiToken: { env: 'X' } },
        github: connection(overrides),
      },
      portal: { connection: 'jira', project: 'ACCESS', statusMapping: { Approved: ['Approved'] } },
      applications: [
        {
          name: 'GitHub Teams',
          owner: 'dave@example.com',
          levels: [
            {
              name: 'Member',
              connection: 'github',
              groups: teams,
              risk: 'low',
              approval: { approvers: ['app-owner'] },
              duration: { default: '1 day' },
            },
          ],
        },
      ],
    });
  const check = (overrides: Partial<GitHubConnection> = {}, teams?: string[]) => {
    const registry = new ConnectorRegistry();
    return checkConnection('github', rules(overrides, teams), {
      provider: (n, c) => registry.provider(n, c),
      jira: (c) => registry.jira(c),
    });
  };

  it('says what works and names the unknown team', async () => {
    const report = await check();
    expect(report.lines).toEqual([
      { ok: true, text: 'authenticated; organisation example-org (90000001) answers' },
      { ok: true, text: 'group platform exists (platform)' },
      { ok: false, text: 'unknown group: no-such-team does not exist in github' },
      { ok: true, text: 'membership write permission: ok' },
    ]);
  });

  it('a bad token', async () => {
    const report = await check({ token: { env: ENV.wrong } });
    expect(report.ok).toBe(false);
    expect(report.lines).toHaveLength(1);
    expect(report.lines[0]!.text).toMatch(/^bad credentials/);
  });

  it('a token without the write permission', async () => {
    const report = await check({ token: { env: ENV.readOnly } }, ['platform']);
    expect(report.lines.at(-1)).toEqual({
      ok: false,
      text: expect.stringMatching(/^membership write: missing permission: .*Members: read and write/),
    });
  });
});

describe('the rules', () => {
  it('refuse a manager approver on a github level, naming the path', () => {
    const parsed = rulesDocumentSchema.safeParse({
      version: 1,
      connections: {
        jira: { type: 'jira', site: 'http://x', email: 'a@example.com', apiToken: { env: 'X' } },
        github: { type: 'github', org: 'o', token: { env: 'T' } },
      },
      portal: { connection: 'jira', project: 'ACCESS', statusMapping: {} },
      applications: [
        {
          name: 'GitHub Teams',
          owner: 'dave@example.com',
          levels: [
            {
              name: 'Member',
              connection: 'github',
              groups: ['platform'],
              risk: 'low',
              approval: { approvers: ['app-owner', 'manager'] },
              duration: { default: '1 day' },
            },
          ],
        },
      ],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toEqual([
      expect.objectContaining({
        path: ['applications', 0, 'levels', 0, 'approval', 'approvers', 1],
        message: expect.stringMatching(/^GitHub has no managers/),
      }),
    ]);
  });

  it('need exactly one of token or app', () => {
    const base = { type: 'github', org: 'o' };
    const problem = (c: object) =>
      rulesDocumentSchema.shape.connections.safeParse({ github: c }).error?.issues.map((i) => i.message);
    expect(problem(base)).toEqual(['a github connection authenticates with exactly one of token or app']);
    expect(problem({ ...base, token: { env: 'T' } })).toBeUndefined();
    expect(problem({ ...base, token: 'ghp_inline' })).toEqual([expect.stringMatching(/never written inline/)]);
  });
});
