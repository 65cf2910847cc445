import { OktaApiError } from '@okta/okta-sdk-nodejs';
import { ConnectorError } from '../../src/connectors/connector-error';
import { createOktaClient } from '../../src/connectors/okta/okta-client';
import { classifyOktaError, rateLimitWaitMs } from '../../src/connectors/okta/okta-errors';
import { OktaIdentityProvider } from '../../src/connectors/okta/okta-identity-provider';
import { SecretUnavailableError } from '../../src/config/settings';
import type { OktaConnection } from '../../src/policy/schema';
import {
  OKTA_READONLY_TOKEN,
  type OktaSandbox,
  samplePerson,
  sandboxCredentials,
  startOktaSandbox,
} from '@leasehold/sandbox';

/**
 * The Okta IdentityProvider against the sandbox Okta org, built the way the worker builds it
 * (fromConnection with `${VAR}` settings and env-var secret references), through the real SDK.
 */

const alice = samplePerson('alice');
const bob = samplePerson('bob');
const dave = samplePerson('dave');
const frank = samplePerson('frank');
const ALICE_ID = alice.oktaId!;
const BOB_ID = bob.oktaId!;
const AWS_READONLY = '00gawsprodread000004';
const JIRA_USERS = '00gjirasoftware00001';
const GITHUB_ADMINS = '00ggithubadmins00003';
const APP_GROUP = '00gsalesforceapp0006';
const EVERYONE = '00geveryone000000007';

const ENV = {
  orgUrl: 'LEASEHOLD_TEST_OKTA_IDP_ORG_URL',
  token: 'LEASEHOLD_TEST_OKTA_IDP_TOKEN',
  readOnly: 'LEASEHOLD_TEST_OKTA_IDP_READONLY_TOKEN',
  wrong: 'LEASEHOLD_TEST_OKTA_IDP_WRONG_TOKEN',
} as const;

let sandbox: OktaSandbox;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  // The SDK merges OKTA_CLIENT_* variables into its config: keep the developer's out of these tests.
  for (const key of [...Object.keys(process.env).filter((k) => k.startsWith('OKTA_CLIENT_')), ...Object.values(ENV)]) {
    savedEnv[key] = process.env[key];
    delete process.env[key];
  }
  sandbox = await startOktaSandbox({ port: 0 });
  process.env[ENV.orgUrl] = sandbox.url;
  process.env[ENV.token] = sandboxCredentials.okta.token;
  process.env[ENV.readOnly] = OKTA_READONLY_TOKEN;
  process.env[ENV.wrong] = 'not-the-okta-token';
});

afterAll(async () => {
  await sandbox.close();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

beforeEach(() => sandbox.reset());

function connection(overrides: Partial<OktaConnection> = {}): OktaConnection {
  return { type: 'okta', orgUrl: `\${${ENV.orgUrl}}`, token: { env: ENV.token }, maxSdkRetries: 0, ...overrides };
}

function provider(overrides: Partial<OktaConnection> = {}): OktaIdentityProvider {
  return OktaIdentityProvider.fromConnection(connection(overrides));
}

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
  it('expands the org URL setting, reads the token from its env var and has the SDK retry nothing by default', () => {
    const idp = provider();
    expect(idp.kind).toBe('okta');
    expect(idp.client.baseUrl).toBe(sandbox.url);
    expect(idp.client.authorizationMode).toBe('SSWS');
    expect((idp.client.requestExecutor as unknown as { maxRetries: number }).maxRetries).toBe(0);
  });

  it('fails with SecretUnavailableError (naming the variable, not a value) when the token variable is unset', () => {
    expect(() => provider({ token: { env: 'LEASEHOLD_TEST_OKTA_IDP_UNSET' } })).toThrow(SecretUnavailableError);
    expect(() => provider({ token: { env: 'LEASEHOLD_TEST_OKTA_IDP_UNSET' } })).toThrow(
      'LEASEHOLD_TEST_OKTA_IDP_UNSET',
    );
  });
});

describe('findUser', () => {
  it('finds a user by email/login, by id and by a URL-encoded login', async () => {
    const idp = provider();
    const expected = {
      id: ALICE_ID,
      login: alice.email,
      email: alice.email,
      displayName: 'Alice Anders',
      status: 'ACTIVE',
      title: alice.title,
      department: alice.department,
    };
    expect(await idp.findUser(alice.email)).toEqual(expected);
    expect(await idp.findUser(ALICE_ID)).toEqual(expected);

    const pat = sandbox.addUser({ login: 'pat+ops@example.com', firstName: 'Pat', lastName: 'Ops' });
    expect(await idp.findUser('pat+ops@example.com')).toMatchObject({ id: pat.id, login: 'pat+ops@example.com' });
  });

  it('finds a user by an email that is not their login', async () => {
    const jane = sandbox.addUser({
      login: 'jdoe',
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
      status: 'SUSPENDED',
    });
    expect(await provider().findUser('jane.doe@example.com')).toEqual({
      id: jane.id,
      login: 'jdoe',
      email: 'jane.doe@example.com',
      displayName: 'Jane Doe',
      status: 'SUSPENDED',
    });
  });

  it('answers undefined for someone Okta does not know', async () => {
    const idp = provider();
    expect(await idp.findUser('mallory@example.com')).toBeUndefined();
    expect(await idp.findUser('00unosuchuser0000000')).toBeUndefined();
    expect(await idp.findUser('  ')).toBeUndefined();
  });
});

describe('findManager', () => {
  it("resolves the profile's managerId to the manager", async () => {
    expect(await provider().findManager(ALICE_ID)).toEqual({
      id: BOB_ID,
      login: bob.email,
      email: bob.email,
      displayName: 'Bob Baker',
      status: 'ACTIVE',
      title: bob.title,
      department: bob.department,
    });
  });

  it('answers undefined when no manager is recorded', async () => {
    expect(await provider().findManager(dave.oktaId!)).toBeUndefined();
  });

  it('fails permanently for an unknown user', async () => {
    const err = await connectorError(provider().findManager('00unosuchuser0000000'));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^unknown user 00unosuchuser0000000/);
  });
});

describe('lastActivity', () => {
  it('is the last login, read fresh each time, and undefined for someone who never signed in', async () => {
    const idp = provider();
    expect(await idp.lastActivity(ALICE_ID)).toEqual(new Date(alice.lastLogin!));
    sandbox.recordLogin(ALICE_ID, new Date('2026-12-01T08:00:00.000Z'));
    expect(await idp.lastActivity(ALICE_ID)).toEqual(new Date('2026-12-01T08:00:00.000Z'));
    expect(await idp.lastActivity(frank.oktaId!)).toBeUndefined();
  });
});

describe('findGroup', () => {
  it('finds a group by exact name and by id', async () => {
    const idp = provider();
    expect(await idp.findGroup('aws-prod-readonly')).toEqual({ id: AWS_READONLY, name: 'aws-prod-readonly' });
    expect(await idp.findGroup(JIRA_USERS)).toEqual({ id: JIRA_USERS, name: 'jira-software-users' });
    expect(await idp.findGroup('AWS-PROD-READONLY')).toEqual({ id: AWS_READONLY, name: 'aws-prod-readonly' });
  });

  it('does not take a name prefix for a name', async () => {
    const idp = provider();
    // Both are prefixes of existing groups (aws-prod-admin / aws-prod-readonly, jira-software-users).
    expect(await idp.findGroup('aws-prod')).toBeUndefined();
    expect(await idp.findGroup('jira')).toBeUndefined();
  });

  it('answers undefined for an unknown name or id, also with quotes in the name', async () => {
    const idp = provider();
    expect(await idp.findGroup('no-such-group')).toBeUndefined();
    expect(await idp.findGroup('00gnosuchgroup000000')).toBeUndefined();
    expect(await idp.findGroup('say "hello" \\ there')).toBeUndefined();
  });
});

describe('isMember', () => {
  it('reflects membership changes at once, each check reaching Okta', async () => {
    const idp = provider();
    expect(await idp.isMember(AWS_READONLY, ALICE_ID)).toBe(false);
    await idp.addMember(AWS_READONLY, ALICE_ID);
    expect(await idp.isMember(AWS_READONLY, ALICE_ID)).toBe(true);

    // A change made elsewhere (another client) is seen too.
    await createOktaClient({
      orgUrl: sandbox.url,
      token: sandboxCredentials.okta.token,
    }).groupApi.unassignUserFromGroup({ groupId: AWS_READONLY, userId: ALICE_ID });
    expect(await idp.isMember(AWS_READONLY, ALICE_ID)).toBe(false);
    expect(sandbox.requestCount('listUserGroups')).toBe(3);

    expect(await idp.isMember(JIRA_USERS, BOB_ID)).toBe(true);
  });

  it('fails permanently for an unknown group or user instead of answering false', async () => {
    const idp = provider();
    const group = await connectorError(idp.isMember('00gnosuchgroup000000', ALICE_ID));
    expect([group.kind, group.message]).toEqual([
      'permanent',
      expect.stringMatching(/^unknown group 00gnosuchgroup000000/),
    ]);
    const user = await connectorError(idp.isMember(AWS_READONLY, '00unosuchuser0000000'));
    expect([user.kind, user.message]).toEqual([
      'permanent',
      expect.stringMatching(/^unknown user 00unosuchuser0000000/),
    ]);
  });

  it('reads a removal back without reading the group: "not a member" is enough, a deleted group included', async () => {
    const idp = provider();
    const groupReads = sandbox.requestCount('getGroup');
    expect(await idp.isMember(AWS_READONLY, ALICE_ID, { absentIsEnough: true })).toBe(false);
    expect(await idp.isMember('00gnosuchgroup000000', ALICE_ID, { absentIsEnough: true })).toBe(false);
    expect(sandbox.requestCount('getGroup')).toBe(groupReads);
  });
});

describe('addMember', () => {
  it('adds the user; adding again is success and still one membership and one change', async () => {
    const idp = provider();
    const first = await idp.addMember(AWS_READONLY, ALICE_ID);
    const second = await idp.addMember(AWS_READONLY, ALICE_ID);

    expect(first).toEqual({ status: 204, requestId: expect.stringMatching(/^[\w-]{10,}$/), note: expect.any(String) });
    expect(second.status).toBe(204);
    expect(second.requestId).not.toBe(first.requestId);
    expect(sandbox.groupMembers('aws-prod-readonly')).toEqual([alice.email]);
    expect(sandbox.membershipChanges()).toEqual([
      expect.objectContaining({ op: 'add', groupId: AWS_READONLY, userId: ALICE_ID }),
    ]);
  });

  it('keeps each request id with its own call when calls run concurrently', async () => {
    const idp = provider();
    const answers = await Promise.all([
      idp.addMember(AWS_READONLY, ALICE_ID),
      idp.addMember(AWS_READONLY, BOB_ID),
      idp.removeMember(JIRA_USERS, BOB_ID),
    ]);
    expect(new Set(answers.map((a) => a.requestId)).size).toBe(3);
    expect(sandbox.groupMembers('aws-prod-readonly')).toEqual([alice.email, bob.email]);
  });

  it('fails permanently, naming what is unknown, for an unknown user or group, and changes nothing', async () => {
    const idp = provider();
    const user = await connectorError(idp.addMember(AWS_READONLY, '00unosuchuser0000000'));
    expect(user.kind).toBe('permanent');
    expect(user.message).toMatch(/^unknown user 00unosuchuser0000000: Okta has no such user/);
    expect(user.details).toMatchObject({ service: 'okta', status: 404, code: 'E0000007' });

    const group = await connectorError(idp.addMember('00gnosuchgroup000000', ALICE_ID));
    expect(group.kind).toBe('permanent');
    expect(group.message).toMatch(/^unknown group 00gnosuchgroup000000: Okta has no such group/);
    expect(sandbox.membershipChanges()).toEqual([]);
  });

  it('refuses an APP_GROUP (and Everyone) permanently: its memberships are not Okta-managed', async () => {
    const idp = provider();
    const app = await connectorError(idp.addMember(APP_GROUP, ALICE_ID));
    expect(app.kind).toBe('permanent');
    expect(app.message).toBe(
      'group salesforce-imported (00gsalesforceapp0006) is not an Okta-managed group (APP_GROUP): memberships come from the app it is imported from',
    );
    const builtIn = await connectorError(idp.removeMember(EVERYONE, ALICE_ID));
    expect([builtIn.kind, builtIn.message]).toEqual([
      'permanent',
      expect.stringContaining('is not an Okta-managed group (BUILT_IN)'),
    ]);
    expect(sandbox.groupMembers('salesforce-imported')).toEqual(['carol@example.com']);
    expect(sandbox.membershipChanges()).toEqual([]);
  });
});

describe('removeMember', () => {
  it('removes the user; removing a non-member is success, with one change in all', async () => {
    const idp = provider();
    expect(await idp.removeMember(JIRA_USERS, BOB_ID)).toMatchObject({ status: 204, requestId: expect.any(String) });
    expect(await idp.removeMember(JIRA_USERS, BOB_ID)).toMatchObject({ status: 204 });
    expect(sandbox.groupMembers('jira-software-users')).toEqual(['erin@example.com']);
    expect(sandbox.membershipChanges()).toEqual([
      expect.objectContaining({ op: 'remove', groupId: JIRA_USERS, userId: BOB_ID }),
    ]);
    expect(await idp.isMember(JIRA_USERS, BOB_ID)).toBe(false);
  });
});

describe('listMembers', () => {
  it('returns every member across pages', async () => {
    const seeded = Array.from(
      { length: 5 },
      (_, i) =>
        sandbox.addUser({
          login: `pager${i}@example.com`,
          firstName: 'Page',
          lastName: `User${i}`,
          groups: ['github-admins'],
        }).profile.login,
    );
    const idp = new OktaIdentityProvider(
      createOktaClient({ orgUrl: sandbox.url, token: sandboxCredentials.okta.token, maxRetries: 0 }),
      { membersPageSize: 2 },
    );

    const members = await idp.listMembers(GITHUB_ADMINS);

    expect(members.map((m) => m.login).sort()).toEqual([dave.email, ...seeded].sort());
    expect(members.find((m) => m.login === dave.email)).toEqual({
      id: dave.oktaId,
      login: dave.email,
      email: dave.email,
      displayName: 'Dave Diaz',
      status: 'ACTIVE',
      title: dave.title,
      department: dave.department,
    });
    expect(sandbox.requestCount('listGroupUsers')).toBe(3);
  });

  it('fails permanently for an unknown group', async () => {
    const err = await connectorError(provider().listMembers('00gnosuchgroup000000'));
    expect([err.kind, err.message]).toEqual([
      'permanent',
      expect.stringMatching(/^unknown group 00gnosuchgroup000000/),
    ]);
  });
});

describe('credentials and permissions', () => {
  it('a wrong token is a permanent "bad credentials" failure, not an unknown user', async () => {
    const idp = provider({ token: { env: ENV.wrong } });
    const err = await connectorError(idp.findUser(alice.email));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^bad credentials: the Okta API token is invalid/);
    expect(err.message).not.toContain('not-the-okta-token');
    expect(err.details).toMatchObject({ status: 401, code: 'E0000011' });
  });

  it('a read-only token reads, but its membership changes fail permanently as a missing permission', async () => {
    const idp = provider({ token: { env: ENV.readOnly } });
    expect((await idp.findUser(alice.email))?.id).toBe(ALICE_ID);
    const err = await connectorError(idp.addMember(AWS_READONLY, ALICE_ID));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(
      /^missing permission: the Okta API token cannot add user 00ualice000000000001 to group 00gawsprodread000004/,
    );
    expect(err.message).not.toContain(OKTA_READONLY_TOKEN);
    expect(sandbox.groupMembers('aws-prod-readonly')).toEqual([]);
  });
});

describe('rate limits and transient failures', () => {
  it('a 429 is rate-limited with the wait X-Rate-Limit-Reset asks for, and the retry then succeeds', async () => {
    sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 3 });
    const idp = provider();

    const err = await connectorError(idp.addMember(AWS_READONLY, ALICE_ID));

    expect(err.kind).toBe('rate-limited');
    expect(err.details.retryAfterMs).toBeGreaterThanOrEqual(2_000);
    expect(err.details.retryAfterMs).toBeLessThanOrEqual(4_000);
    expect(sandbox.groupMembers('aws-prod-readonly')).toEqual([]);
    await idp.addMember(AWS_READONLY, ALICE_ID);
    expect(sandbox.groupMembers('aws-prod-readonly')).toEqual([alice.email]);
  });

  it('a used-up per-minute limit is rate-limited until the window resets', async () => {
    sandbox.setRateLimit(2);
    const idp = provider();
    await idp.lastActivity(ALICE_ID);
    await idp.lastActivity(BOB_ID);

    const err = await connectorError(idp.lastActivity(ALICE_ID));

    expect(err.kind).toBe('rate-limited');
    expect(err.message).toContain('limit 2 per minute');
    expect(err.details.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect(err.details.retryAfterMs).toBeLessThanOrEqual(61_000);
  });

  it('with maxSdkRetries the SDK waits out a short reset itself', async () => {
    sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 0 });
    const answer = await provider({ maxSdkRetries: 1 }).addMember(AWS_READONLY, ALICE_ID);
    expect(answer).toMatchObject({ status: 204, requestId: expect.any(String) });
    expect(sandbox.groupMembers('aws-prod-readonly')).toEqual([alice.email]);
  });

  it('with maxSdkRetries a reset beyond the call budget is still rate-limited with its wait, not slept through', async () => {
    sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 40 });
    const started = Date.now();
    const err = await connectorError(provider({ maxSdkRetries: 2 }).addMember(AWS_READONLY, ALICE_ID));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.kind).toBe('rate-limited');
    expect(err.details.retryAfterMs).toBeGreaterThanOrEqual(39_000);
    expect(err.details.retryAfterMs).toBeLessThanOrEqual(41_000);
  });

  it('a server error is retryable', async () => {
    sandbox.faults.update({ failNext: 1 });
    const err = await connectorError(provider().addMember(AWS_READONLY, ALICE_ID));
    expect(err.kind).toBe('retryable');
    expect(err.details).toMatchObject({ status: 500, code: 'E0000009' });
  });

  it('an unreachable org is retryable', async () => {
    const idp = new OktaIdentityProvider(
      createOktaClient({ orgUrl: 'http://127.0.0.1:1', token: sandboxCredentials.okta.token, maxRetries: 0 }),
    );
    const err = await connectorError(idp.findUser(alice.email));
    expect(err.kind).toBe('retryable');
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('classifyOktaError', () => {
  const ctx = { what: 'read user x', secrets: ['s3cret-token'] };
  const apiError = (
    status: number,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): OktaApiError => new OktaApiError('http://okta.test/api/v1/users/x', status, body, new Headers(headers));

  it('waits until X-Rate-Limit-Reset measured from the answer Date, at least 1 s, else Retry-After, else 60 s', () => {
    const date = 'Tue, 01 Dec 2026 08:00:00 GMT';
    const reset = String(Date.parse(date) / 1000 + 7);
    const err = classifyOktaError(apiError(429, { errorCode: 'E0000047' }, { date, 'x-rate-limit-reset': reset }), ctx);
    expect([err.kind, err.details.retryAfterMs]).toEqual(['rate-limited', 7_000]);
    expect(rateLimitWaitMs(new Headers({ date, 'x-rate-limit-reset': String(Date.parse(date) / 1000 - 5) }))).toBe(
      1_000,
    );
    expect(rateLimitWaitMs(new Headers({ 'retry-after': '12' }))).toBe(12_000);
    expect(rateLimitWaitMs(new Headers({}))).toBe(60_000);
  });

  it("keeps other client errors permanent with Okta's summary, and scrubs secrets", () => {
    const err = classifyOktaError(
      apiError(400, {
        errorCode: 'E0000001',
        errorSummary: 'Api validation failed: s3cret-token',
        errorCauses: [{ errorSummary: 'login: bad' }],
      }),
      ctx,
    );
    expect(err.kind).toBe('permanent');
    expect(err.message).toBe(
      'Okta read user x failed with 400 E0000001: Api validation failed: [redacted]; login: bad',
    );
    expect(classifyOktaError(apiError(503, {}), ctx).kind).toBe('retryable');
    expect(classifyOktaError(new Error('network timeout at: http://okta.test/api/v1/users/x'), ctx).kind).toBe(
      'retryable',
    );
  });
});
