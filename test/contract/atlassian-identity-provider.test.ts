import { HttpException } from 'jira.js';
import { SecretUnavailableError } from '../../src/config/settings';
import { checkConnection } from '../../src/connectors/connection-check';
import { ConnectorError } from '../../src/connectors/connector-error';
import {
  classifyAtlassianError,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  rateLimitWaitMs,
} from '../../src/connectors/atlassian/atlassian-errors';
import { AtlassianIdentityProvider } from '../../src/connectors/atlassian/atlassian-identity-provider';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { parseRulesText } from '../../src/policy/parse';
import type { AtlassianConnection, RulesDocument } from '../../src/policy/schema';
import { exampleRulesText } from '../harness/example-rules';
import {
  type JiraSandbox,
  sampleAtlassianGroups,
  samplePerson,
  sandboxCredentials,
  startJiraSandbox,
} from '@leasehold/sandbox';

/**
 * The Atlassian IdentityProvider against the sandbox Jira's site group API, built the way the worker
 * builds it (fromConnection with `${VAR}` settings and an env-var secret), through the real jira.js.
 */

const alice = samplePerson('alice');
const bob = samplePerson('bob');
const carol = samplePerson('carol');
const frank = samplePerson('frank');
const group = (name: string): string => sampleAtlassianGroups.find((g) => g.name === name)!.id;
const BITBUCKET = group('bitbucket-users');
const SYNCED = group('okta-engineering');
const UNKNOWN_GROUP = '00000000-0000-4000-8000-000000000000';

const ENV = {
  site: 'LEASEHOLD_TEST_ATLASSIAN_SITE',
  token: 'LEASEHOLD_TEST_ATLASSIAN_TOKEN',
  aliceToken: 'LEASEHOLD_TEST_ATLASSIAN_ALICE_TOKEN',
  wrong: 'LEASEHOLD_TEST_ATLASSIAN_WRONG_TOKEN',
} as const;

let sandbox: JiraSandbox;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  for (const key of Object.values(ENV)) savedEnv[key] = process.env[key];
  sandbox = await startJiraSandbox();
  process.env[ENV.site] = `${sandbox.url}/`;
  process.env[ENV.token] = sandboxCredentials.jira.apiToken;
  process.env[ENV.aliceToken] = alice.jiraApiToken;
  process.env[ENV.wrong] = 'not-the-token';
});

afterAll(async () => {
  await sandbox.close();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

beforeEach(() => sandbox.reset());

function connection(overrides: Partial<AtlassianConnection> = {}): AtlassianConnection {
  return {
    type: 'atlassian',
    site: `\${${ENV.site}}`,
    email: sandboxCredentials.jira.email,
    apiToken: { env: ENV.token },
    ...overrides,
  };
}

const provider = (overrides: Partial<AtlassianConnection> = {}): AtlassianIdentityProvider =>
  AtlassianIdentityProvider.fromConnection(connection(overrides));
const asAlice = (): AtlassianIdentityProvider => provider({ email: alice.email, apiToken: { env: ENV.aliceToken } });

/** The ConnectorError a call fails with (fails the test when it succeeds or throws something else). */
async function connectorError(call: Promise<unknown>): Promise<ConnectorError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

describe('fromConnection', () => {
  it('expands the site setting, reads the token from its env var, and fails naming an unset variable', async () => {
    const idp = provider();
    expect(idp.kind).toBe('atlassian');
    expect(await idp.findGroup('bitbucket-users')).toEqual({ id: BITBUCKET, name: 'bitbucket-users' });
    expect(() => provider({ apiToken: { env: 'LEASEHOLD_TEST_ATLASSIAN_UNSET' } })).toThrow(SecretUnavailableError);
  });

  it('is what the registry builds for an atlassian connection', () => {
    expect(new ConnectorRegistry().provider('atlassian', connection())).toBeInstanceOf(AtlassianIdentityProvider);
  });
});

describe('users', () => {
  it('finds a person by email and by accountId; nobody for unknown, hidden or app accounts', async () => {
    const idp = provider();
    const expected = {
      id: alice.jiraAccountId,
      login: alice.email,
      email: alice.email,
      displayName: 'Alice Anders',
      status: 'active',
    };
    expect(await idp.findUser(alice.email)).toEqual(expected);
    expect(await idp.findUser(alice.jiraAccountId)).toEqual(expected);
    expect(await idp.findUser('nobody@example.com')).toBeUndefined();
    expect(await idp.findUser('557058:nobody')).toBeUndefined();
    // frank hides his email address: the search cannot match it.
    expect(await idp.findUser(frank.email)).toBeUndefined();
    expect(await idp.findUser('557058:f58131cb-b67d-43c7-b30d-6b58d40bd077')).toBeUndefined(); // Automation
  });

  it('has no managers and no last activity', async () => {
    expect(await provider().findManager(alice.jiraAccountId)).toBeUndefined();
    expect(await provider().lastActivity(alice.jiraAccountId)).toBeUndefined();
  });
});

describe('groups', () => {
  it('finds a group by name (case-insensitively) or id, and nothing for an unknown one', async () => {
    const idp = provider();
    expect(await idp.findGroup('Bitbucket-Users')).toEqual({ id: BITBUCKET, name: 'bitbucket-users' });
    expect(await idp.findGroup(SYNCED)).toEqual({ id: SYNCED, name: 'okta-engineering' });
    expect(await idp.findGroup('no-such-group')).toBeUndefined();
    expect(await idp.findGroup(UNKNOWN_GROUP)).toBeUndefined();
  });

  it('lists every member through all pages', async () => {
    for (const who of ['alice', 'bob', 'dave', 'erin']) {
      await provider().addMember(BITBUCKET, samplePerson(who).jiraAccountId);
    }
    const idp = new AtlassianIdentityProvider(provider().client, {
      site: sandbox.url,
      email: sandboxCredentials.jira.email,
      membersPageSize: 2,
    });
    const members = await idp.listMembers(BITBUCKET);
    expect(members.map((m) => m.email).sort()).toEqual(
      ['alice', 'bob', 'carol', 'dave', 'erin'].map((h) => samplePerson(h).email),
    );
  });

  it('isMember reads the membership; an unknown group or user is a permanent error', async () => {
    const idp = provider();
    expect(await idp.isMember(BITBUCKET, carol.jiraAccountId)).toBe(true);
    expect(await idp.isMember(BITBUCKET, alice.jiraAccountId)).toBe(false);
    const noGroup = await connectorError(idp.isMember(UNKNOWN_GROUP, alice.jiraAccountId));
    expect([noGroup.kind, noGroup.message]).toEqual(['permanent', expect.stringMatching(/^unknown group /)]);
    const noUser = await connectorError(idp.isMember(BITBUCKET, '557058:nobody'));
    expect([noUser.kind, noUser.message]).toEqual(['permanent', expect.stringMatching(/^unknown user 557058:nobody/)]);
  });
});

describe('membership changes', () => {
  it('adds and removes a member (201, 200), each changing the site once', async () => {
    const idp = provider();
    expect(await idp.addMember(BITBUCKET, alice.jiraAccountId)).toMatchObject({ status: 201 });
    expect(await idp.isMember(BITBUCKET, alice.jiraAccountId)).toBe(true);
    expect(await idp.removeMember(BITBUCKET, alice.jiraAccountId)).toMatchObject({ status: 200 });
    expect(sandbox.groupMembers('bitbucket-users')).toEqual([carol.email]);
    expect(sandbox.groups().membershipChanges.map((c) => c.op)).toEqual(['add', 'remove']);
  });

  it('a pre-existing member is success for add, a non-member success for remove; nothing changes', async () => {
    const idp = provider();
    expect(await idp.addMember(BITBUCKET, carol.jiraAccountId)).toMatchObject({
      status: 400,
      note: expect.stringContaining('already a member'),
    });
    expect(await idp.removeMember(BITBUCKET, alice.jiraAccountId)).toMatchObject({
      note: expect.stringContaining('was not a member'),
    });
    expect(sandbox.groupMembers('bitbucket-users')).toEqual([carol.email]);
    expect(sandbox.groups().membershipChanges).toEqual([]);
  });

  it('an IdP-synced group is a permanent error naming the reason, for add and remove', async () => {
    const idp = provider();
    for (const call of [idp.addMember(SYNCED, carol.jiraAccountId), idp.removeMember(SYNCED, alice.jiraAccountId)]) {
      const err = await connectorError(call);
      expect(err.kind).toBe('permanent');
      expect(err.message).toMatch(/is synced from an identity provider \(externalDirectory\.scim\)/);
      expect(err.details).toMatchObject({ status: 403, code: 'GroupSyncedFromIdentityProvider' });
    }
    expect(sandbox.groupMembers('okta-engineering')).toEqual([alice.email, bob.email]);
  });

  it('a token without site administration is a permanent "missing permission"', async () => {
    const err = await connectorError(asAlice().addMember(BITBUCKET, alice.jiraAccountId));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^missing permission: alice@example.com cannot add user .* site administrator/);
  });

  it('an unknown group is a permanent error', async () => {
    const err = await connectorError(provider().addMember(UNKNOWN_GROUP, alice.jiraAccountId));
    expect([err.kind, err.message]).toEqual(['permanent', expect.stringMatching(`^unknown group ${UNKNOWN_GROUP}`)]);
  });

  it('a bad API token is a permanent "bad credentials" that does not show the token', async () => {
    const err = await connectorError(provider({ apiToken: { env: ENV.wrong } }).findGroup('bitbucket-users'));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^bad credentials: the Atlassian API token of leasehold-bot@example.com is invalid/);
    expect(err.message).not.toContain('not-the-token');
  });
});

describe('rate limits and outages', () => {
  it('a 429 on the write is rate-limited with the Retry-After delay, and the write is not applied', async () => {
    sandbox.groupWriteFaults.update({ throttleNext: 1, retryAfterSeconds: 4 });
    const err = await connectorError(provider().addMember(BITBUCKET, alice.jiraAccountId));
    expect(err.kind).toBe('rate-limited');
    expect(err.details.retryAfterMs).toBe(4_000);
    expect(err.message).toMatch(/\(jira-burst-based\); retry in 4 s$/);
    expect(sandbox.groupMembers('bitbucket-users')).toEqual([carol.email]);
  });

  it('a 429 on a read is rate-limited too; a 5xx is retryable', async () => {
    sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 2 });
    const limited = await connectorError(provider().isMember(BITBUCKET, alice.jiraAccountId));
    expect([limited.kind, limited.details.retryAfterMs]).toEqual(['rate-limited', 2_000]);
    sandbox.faults.update({ failNext: 1 });
    expect((await connectorError(provider().listMembers(BITBUCKET))).kind).toBe('retryable');
  });

  it('without Retry-After: X-RateLimit-Reset, else a default wait', () => {
    const headers =
      (h: Record<string, string>) =>
      (name: string): string | undefined =>
        h[name];
    const now = Date.parse('2026-11-22T16:40:00Z');
    expect(rateLimitWaitMs(headers({ 'x-ratelimit-reset': '2026-11-22T16:41Z' }), now)).toBe(60_000);
    expect(rateLimitWaitMs(headers({}), now)).toBe(DEFAULT_RATE_LIMIT_WAIT_MS);
    // As jira.js builds the error for a 429 whose answer has no rate-limit headers at all.
    const bare = new HttpException(
      { data: { errorMessages: ['Rate limit exceeded.'], errors: {} }, status: 429 },
      429,
      { cause: { response: { headers: {} } } },
    );
    const err = classifyAtlassianError(bare, { what: 'add', site: 'https://x.atlassian.net', email: 'a@x' });
    expect([err.kind, err.details.retryAfterMs]).toEqual(['rate-limited', DEFAULT_RATE_LIMIT_WAIT_MS]);
  });

  it('an unreachable site is retryable', async () => {
    const closed = await startJiraSandbox();
    const url = closed.url;
    await closed.close();
    process.env.LEASEHOLD_TEST_ATLASSIAN_CLOSED = url;
    const err = await connectorError(provider({ site: '${LEASEHOLD_TEST_ATLASSIAN_CLOSED}' }).findGroup('x'));
    expect(err.kind).toBe('retryable');
    delete process.env.LEASEHOLD_TEST_ATLASSIAN_CLOSED;
  });
});

describe('connections test', () => {
  const rulesWith = (overrides: Partial<AtlassianConnection>, groups = ['bitbucket-users']): RulesDocument => {
    const parsed = parseRulesText(exampleRulesText());
    if (!parsed.ok) throw new Error('example rules invalid');
    const rules = structuredClone(parsed.rules);
    rules.connections.atlassian = connection(overrides);
    rules.applications.find((a) => a.name === 'Bitbucket')!.levels[0]!.groups = groups;
    return rules;
  };
  const check = (rules: RulesDocument) => {
    const registry = new ConnectorRegistry();
    return checkConnection('atlassian', rules, {
      provider: (n, c) => registry.provider(n, c),
      jira: (c) => registry.jira(c),
    });
  };

  it('reports a working connection: reads, the group, the write permission', async () => {
    const report = await check(rulesWith({}));
    expect(report).toMatchObject({ ok: true, type: 'atlassian' });
    expect(report.lines.map((l) => l.text)).toEqual([
      'authenticated; directory reads work',
      `group bitbucket-users exists (${BITBUCKET})`,
      'membership write permission: ok',
    ]);
    expect(sandbox.groups().membershipChanges).toEqual([]);
  });

  it('reports a bad token, a missing permission and an unknown group, each in plain words', async () => {
    const bad = await check(rulesWith({ apiToken: { env: ENV.wrong } }));
    expect(bad.ok).toBe(false);
    expect(bad.lines).toEqual([{ ok: false, text: expect.stringMatching(/^bad credentials: /) }]);

    const notAdmin = await check(rulesWith({ email: alice.email, apiToken: { env: ENV.aliceToken } }));
    expect(notAdmin.ok).toBe(false);
    expect(notAdmin.lines.at(-1)).toEqual({
      ok: false,
      text: expect.stringMatching(/^membership write: missing permission: alice@example.com .*site administrator/),
    });

    const unknown = await check(rulesWith({}, ['bitbucket-users', 'no-such-group']));
    expect(unknown.ok).toBe(false);
    expect(unknown.lines).toContainEqual({
      ok: false,
      text: 'unknown group: no-such-group does not exist in atlassian',
    });
  });
});
