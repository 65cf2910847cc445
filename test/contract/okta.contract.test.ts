import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, OktaApiError, type Group, type User } from '@okta/okta-sdk-nodejs';
import { useOktaSandbox } from './support/okta-sandbox';
import { logger } from '../../src/logging';
import { OKTA_READONLY_TOKEN, samplePerson, sandboxCredentials } from '@leasehold/sandbox';

/**
 * Contract of the sandbox Okta org with the real, unmodified @okta/okta-sdk-nodejs: one test per call
 * of the Okta table in shared/reference/saas-wire-contracts.md, plus errors, rate limits and caching.
 */

const TOKEN = sandboxCredentials.okta.token;
const alice = samplePerson('alice');
const bob = samplePerson('bob');
const ALICE_ID = alice.oktaId!;
const BOB_ID = bob.oktaId!;
const AWS_READONLY = '00gawsprodread000004';
const JIRA_USERS = '00gjirasoftware00001';
const GITHUB_ADMINS = '00ggithubadmins00003';
const APP_GROUP = '00gsalesforceapp0006';
const EVERYONE = '00geveryone000000007';

const org = useOktaSandbox();
const client = org.client;

/** The OktaApiError a call fails with (fails the test when it succeeds or throws something else). */
async function oktaError(call: Promise<unknown>): Promise<OktaApiError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OktaApiError);
  return err as OktaApiError;
}

function header(err: OktaApiError, name: string): string | null {
  const value: unknown = err.headers.get(name);
  return typeof value === 'string' ? value : null;
}

async function collect<T>(collection: AsyncIterable<T | null>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) if (item) items.push(item);
  return items;
}

function raw(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${org.sandbox().url}${pathAndQuery}`, {
    ...init,
    headers: { Authorization: `SSWS ${TOKEN}`, Accept: 'application/json', ...init.headers },
  });
}

describe('groupApi.assignUserToGroup: PUT /api/v1/groups/{g}/users/{u}', () => {
  it('answers 204 with no body and is idempotent: twice is one membership and one change', async () => {
    const okta = client();
    await okta.groupApi.assignUserToGroup({ groupId: AWS_READONLY, userId: ALICE_ID });
    await okta.groupApi.assignUserToGroup({ groupId: AWS_READONLY, userId: ALICE_ID });

    expect(org.sandbox().groupMembers('aws-prod-readonly')).toEqual([alice.email]);
    expect(org.sandbox().requestCount('assignUserToGroup')).toBe(2);
    expect(org.sandbox().membershipChanges()).toEqual([
      expect.objectContaining({ op: 'add', groupId: AWS_READONLY, userId: ALICE_ID }),
    ]);

    const wire = await raw(`/api/v1/groups/${AWS_READONLY}/users/${ALICE_ID}`, { method: 'PUT' });
    expect(wire.status).toBe(204);
    expect(await wire.text()).toBe('');
    expect(org.sandbox().membershipChanges()).toHaveLength(1);
  });

  it('refuses APP_GROUP and BUILT_IN memberships with 403 E0000006 and changes nothing', async () => {
    const okta = client();
    for (const groupId of [APP_GROUP, EVERYONE]) {
      const err = await oktaError(
        okta.groupApi.unassignUserFromGroup({ groupId, userId: samplePerson('carol').oktaId! }),
      );
      expect(err.status).toBe(403);
      expect(err.errorCode).toBe('E0000006');
    }
    const err = await oktaError(okta.groupApi.assignUserToGroup({ groupId: APP_GROUP, userId: ALICE_ID }));
    expect(err.errorSummary).toBe('You do not have permission to perform the requested action');
    expect(org.sandbox().groupMembers('salesforce-imported')).toEqual(['carol@example.com']);
    expect(org.sandbox().membershipChanges()).toEqual([]);
  });
});

describe('groupApi.unassignUserFromGroup: DELETE /api/v1/groups/{g}/users/{u}', () => {
  it('answers 204, also when the user is no longer a member', async () => {
    const okta = client();
    expect(org.sandbox().groupMembers('jira-software-users')).toContain(bob.email);
    await okta.groupApi.unassignUserFromGroup({ groupId: JIRA_USERS, userId: BOB_ID });
    await okta.groupApi.unassignUserFromGroup({ groupId: JIRA_USERS, userId: BOB_ID });

    expect(org.sandbox().groupMembers('jira-software-users')).toEqual(['erin@example.com']);
    expect(org.sandbox().membershipChanges()).toEqual([
      expect.objectContaining({ op: 'remove', groupId: JIRA_USERS, userId: BOB_ID }),
    ]);
    const wire = await raw(`/api/v1/groups/${JIRA_USERS}/users/${BOB_ID}`, { method: 'DELETE' });
    expect(wire.status).toBe(204);
  });
});

describe('groupApi.listGroupUsers: GET /api/v1/groups/{g}/users', () => {
  it('pages through several pages by absolute Link rel="next" URLs', async () => {
    const seeded = Array.from(
      { length: 7 },
      (_, i) =>
        org.sandbox().addUser({
          login: `pager${i}@example.com`,
          firstName: 'Page',
          lastName: `User${i}`,
          groups: ['github-admins'],
        }).profile.login,
    );
    const okta = client();

    const members = await collect<User>(await okta.groupApi.listGroupUsers({ groupId: GITHUB_ADMINS, limit: 3 }));

    expect(members.map((u) => u.profile?.login).sort()).toEqual(['dave@example.com', ...seeded].sort());
    expect(new Set(members.map((u) => u.id)).size).toBe(8);
    expect(org.sandbox().requestCount('listGroupUsers')).toBe(3); // pages of 3, 3 and 2

    const first = await raw(`/api/v1/groups/${GITHUB_ADMINS}/users?limit=3`);
    expect(first.headers.get('content-type')).toBe('application/json');
    const link = first.headers.get('link') ?? '';
    expect(link).toContain(`<${org.sandbox().url}/api/v1/groups/${GITHUB_ADMINS}/users?limit=3>; rel="self"`);
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1];
    expect(next).toMatch(new RegExp(`^${org.sandbox().url}/api/v1/groups/${GITHUB_ADMINS}/users\\?limit=3&after=`));
    const last = await raw(`/api/v1/groups/${GITHUB_ADMINS}/users?limit=10`);
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });

  it('answers 404 E0000007 (UserGroup) for an unknown group', async () => {
    const err = await oktaError(collect(await client().groupApi.listGroupUsers({ groupId: '00gnosuchgroup000000' })));
    expect(err.status).toBe(404);
    expect(err.errorSummary).toBe('Not found: Resource not found: 00gnosuchgroup000000 (UserGroup)');
  });
});

describe('groupApi.listGroups: GET /api/v1/groups', () => {
  it('finds groups by name prefix with q, case-insensitively', async () => {
    const okta = client();
    const aws = await collect<Group>(await okta.groupApi.listGroups({ q: 'aws-prod' }));
    expect(aws.map((g) => g.profile?.name).sort()).toEqual(['aws-prod-admin', 'aws-prod-readonly']);
    expect(aws.every((g) => g.type === 'OKTA_GROUP')).toBe(true);
    expect(aws.find((g) => g.id === AWS_READONLY)?.profile?.description).toBe('AWS production read-only');

    const one = await collect<Group>(await okta.groupApi.listGroups({ q: 'AWS-PROD-R' }));
    expect(one.map((g) => g.id)).toEqual([AWS_READONLY]);
    expect(await collect<Group>(await okta.groupApi.listGroups({ q: 'prod' }))).toEqual([]);
  });

  it('finds a group by exact name with search, and tells group types apart', async () => {
    const okta = client();
    const found = await collect<Group>(
      await okta.groupApi.listGroups({ search: 'profile.name eq "confluence-users"' }),
    );
    expect(found.map((g) => g.id)).toEqual(['00gconfluence0000002']);
    const appGroups = await collect<Group>(await okta.groupApi.listGroups({ search: 'type eq "APP_GROUP"' }));
    expect(appGroups.map((g) => g.profile?.name)).toEqual(['salesforce-imported']);
    const err = await oktaError(collect(await okta.groupApi.listGroups({ search: 'profile.name eq' })));
    expect([err.status, err.errorCode]).toEqual([400, 'E0000031']);
  });
});

describe('userApi.getUser: GET /api/v1/users/{idOrLogin}', () => {
  it('returns the Okta user shape by id, with manager and last login', async () => {
    const user = await client().userApi.getUser({ userId: ALICE_ID });
    expect(user.id).toBe(ALICE_ID);
    expect(user.status).toBe('ACTIVE');
    expect(new Date(user.lastLogin ?? 0).toISOString()).toBe(alice.lastLogin);
    expect(user.profile).toMatchObject({
      login: alice.email,
      email: alice.email,
      firstName: 'Alice',
      lastName: 'Anders',
      managerId: BOB_ID,
      manager: bob.email,
    });
    expect(user._links?.self?.href).toBe(`${org.sandbox().url}/api/v1/users/${ALICE_ID}`);
  });

  it('finds a user by URL-encoded login, and reports no last login as null', async () => {
    const added = org.sandbox().addUser({
      login: 'pat+ops@example.com',
      firstName: 'Pat',
      lastName: 'Ops',
      manager: 'dave@example.com',
    });
    const user = await client().userApi.getUser({ userId: 'pat+ops@example.com' });
    expect(user.id).toBe(added.id);
    expect(user.lastLogin).toBeNull();
    expect(user.profile?.managerId).toBe(samplePerson('dave').oktaId);
  });

  it('answers 404 E0000007 for an unknown user', async () => {
    const err = await oktaError(client().userApi.getUser({ userId: 'nobody@example.com' }));
    expect(err.status).toBe(404);
    expect(err.errorCode).toBe('E0000007');
    expect(err.errorSummary).toBe('Not found: Resource not found: nobody@example.com (User)');
    expect(err.errorId).toMatch(/^oae[\w-]{22}$/);
  });
});

describe('userApi.listUsers: GET /api/v1/users', () => {
  it('finds users with search (case-insensitive), filter and q', async () => {
    const okta = client();
    const bySearch = await collect<User>(
      await okta.userApi.listUsers({ search: 'profile.email eq "CAROL@example.com"' }),
    );
    expect(bySearch.map((u) => u.profile?.login)).toEqual(['carol@example.com']);
    const byFilter = await collect<User>(
      await okta.userApi.listUsers({ filter: 'profile.login eq "carol@example.com"' }),
    );
    expect(byFilter.map((u) => u.id)).toEqual([samplePerson('carol').oktaId]);
    const byQuery = await collect<User>(await okta.userApi.listUsers({ q: 'Evans' }));
    expect(byQuery.map((u) => u.profile?.login)).toEqual(['erin@example.com']);
  });
});

describe('userApi.listUserGroups: GET /api/v1/users/{id}/groups', () => {
  it("lists the user's groups, Everyone included, and sees a change at once", async () => {
    const okta = client();
    const names = async (): Promise<string[]> =>
      (await collect<Group>(await okta.userApi.listUserGroups({ userId: BOB_ID })))
        .map((g) => g.profile?.name ?? '')
        .sort();

    expect(await names()).toEqual(['Everyone', 'confluence-users', 'jira-software-users']);
    await okta.groupApi.assignUserToGroup({ groupId: AWS_READONLY, userId: BOB_ID });
    expect(await names()).toEqual(['Everyone', 'aws-prod-readonly', 'confluence-users', 'jira-software-users']);
    const everyone = (await collect<Group>(await okta.userApi.listUserGroups({ userId: BOB_ID }))).find(
      (g) => g.id === EVERYONE,
    );
    expect(everyone?.type).toBe('BUILT_IN');
  });
});

describe('authentication and permissions', () => {
  it('answers 401 E0000011 to a wrong token', async () => {
    const err = await oktaError(client({ token: 'not-the-token' }).userApi.getUser({ userId: ALICE_ID }));
    expect(err.status).toBe(401);
    expect(err.errorCode).toBe('E0000011');
    expect(err.errorSummary).toBe('Invalid token provided');
    const missing = await fetch(`${org.sandbox().url}/api/v1/users/${ALICE_ID}`);
    expect(missing.status).toBe(401);
  });

  it('lets a read-only token read but answers its writes with 403 E0000006', async () => {
    const readOnly = client({ token: OKTA_READONLY_TOKEN });
    expect((await readOnly.userApi.getUser({ userId: ALICE_ID })).id).toBe(ALICE_ID);
    const err = await oktaError(readOnly.groupApi.assignUserToGroup({ groupId: AWS_READONLY, userId: ALICE_ID }));
    expect(err.status).toBe(403);
    expect(err.errorCode).toBe('E0000006');
    expect(org.sandbox().groupMembers('aws-prod-readonly')).toEqual([]);
    expect(org.sandbox().requestCount('assignUserToGroup')).toBe(0);
  });
});

describe('rate limits', () => {
  it('a forced 429 with X-Rate-Limit-Reset is retried by the SDK itself, then succeeds once', async () => {
    org.sandbox().faults.update({ throttleNext: 1, retryAfterSeconds: 0 });
    const okta = client({ maxRetries: 2 });
    const delays: number[] = [];
    okta.requestExecutor.on('backoff', (_req: unknown, _res: unknown, _id: unknown, delayMs: number) =>
      delays.push(delayMs),
    );

    await okta.groupApi.assignUserToGroup({ groupId: AWS_READONLY, userId: ALICE_ID });

    // The SDK waits X-Rate-Limit-Reset - Date + 1 s: both headers come from one clock reading.
    expect(delays).toEqual([1000]);
    expect(org.sandbox().groupMembers('aws-prod-readonly')).toEqual([alice.email]);
    expect(org.sandbox().requestCount('assignUserToGroup')).toBe(1);
    expect(org.sandbox().faults.current.throttleNext).toBe(0);
  });

  it('with maxRetries 0 the caller gets OktaApiError 429 E0000047 with the rate-limit headers', async () => {
    org.sandbox().faults.update({ throttleNext: 1, retryAfterSeconds: 30 });
    const err = await oktaError(
      client({ maxRetries: 0 }).groupApi.assignUserToGroup({ groupId: AWS_READONLY, userId: ALICE_ID }),
    );

    expect(err.status).toBe(429);
    expect(err.errorCode).toBe('E0000047');
    expect(err.errorSummary).toBe('API call exceeded rate limit due to too many requests.');
    expect(header(err, 'x-rate-limit-limit')).toBe('600');
    expect(header(err, 'x-rate-limit-remaining')).toBe('0');
    const date = Date.parse(header(err, 'date') ?? '') / 1000;
    expect(Number(header(err, 'x-rate-limit-reset')) - date).toBe(30);
    expect(header(err, 'content-type')).toBe('application/json');
    expect(org.sandbox().groupMembers('aws-prod-readonly')).toEqual([]);
  });

  it('the per-minute limit answers 429 once a bucket is used up, and counts down in the headers', async () => {
    org.sandbox().setRateLimit(3);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++)
      remaining.push((await raw(`/api/v1/users/${ALICE_ID}`)).headers.get('x-rate-limit-remaining'));
    expect(remaining).toEqual(['2', '1', '0']);

    const err = await oktaError(client({ maxRetries: 0 }).userApi.getUser({ userId: ALICE_ID }));
    expect([err.status, err.errorCode]).toEqual([429, 'E0000047']);
    expect(header(err, 'x-rate-limit-limit')).toBe('3');
    expect(Number(header(err, 'x-rate-limit-reset'))).toBeGreaterThan(Date.parse(header(err, 'date') ?? '') / 1000);
    expect(org.sandbox().requestCount('getUser')).toBe(3);

    // Okta counts each endpoint family on its own: the groups bucket is untouched.
    const groups = await raw('/api/v1/groups?q=aws');
    expect(groups.status).toBe(200);
    expect(groups.headers.get('x-rate-limit-remaining')).toBe('2');
  });
});

describe('server errors and unknown endpoints', () => {
  it('answers an injected server error with 500 E0000009', async () => {
    org.sandbox().faults.update({ failNext: 1 });
    const err = await oktaError(client().userApi.getUser({ userId: ALICE_ID }));
    expect([err.status, err.errorCode, err.errorSummary]).toEqual([500, 'E0000009', 'Internal Server Error']);
  });

  it('answers unknown paths with 404 E0000007 and unsupported methods with 405 E0000022, as JSON', async () => {
    const unknown = await raw('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/json');
    expect(await unknown.json()).toMatchObject({ errorCode: 'E0000007', errorLink: 'E0000007', errorCauses: [] });

    const method = await raw(`/api/v1/groups/${AWS_READONLY}`, {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(method.status).toBe(405);
    expect(await method.json()).toMatchObject({
      errorCode: 'E0000022',
      errorSummary: 'The endpoint does not support the provided HTTP method',
    });
  });
});

describe('createOktaClient', () => {
  it('reads fresh (no SDK cache): a second getUser reaches Okta and sees a new last login', async () => {
    const okta = client();
    await okta.userApi.getUser({ userId: ALICE_ID });
    org.sandbox().recordLogin(ALICE_ID, new Date('2026-12-01T08:00:00.000Z'));
    const again = await okta.userApi.getUser({ userId: ALICE_ID });
    expect(new Date(again.lastLogin ?? 0).toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(org.sandbox().requestCount('getUser')).toBe(2);
  });

  it('where the SDK default cache would have answered the second read itself, stale', async () => {
    const cached = new Client({ orgUrl: org.sandbox().url, token: TOKEN });
    await cached.userApi.getUser({ userId: ALICE_ID });
    org.sandbox().recordLogin(ALICE_ID, new Date('2026-12-01T08:00:00.000Z'));
    const again = await cached.userApi.getUser({ userId: ALICE_ID });
    expect(new Date(again.lastLogin ?? 0).toISOString()).toBe(alice.lastLogin);
    expect(org.sandbox().requestCount('getUser')).toBe(1);
  });

  it('is not steered by OKTA_CLIENT_* variables or an okta.yaml in the working directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-okta-yaml-'));
    fs.writeFileSync(
      path.join(dir, 'okta.yaml'),
      'okta:\n  client:\n    orgUrl: "http://127.0.0.1:9"\n    token: "yaml-token"\n    authorizationMode: "PrivateKey"\n    userAgent: "from-yaml"\n',
    );
    const cwd = process.cwd();
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    process.env.OKTA_CLIENT_ORGURL = 'http://127.0.0.1:9';
    process.env.OKTA_CLIENT_TOKEN = 'env-token';
    process.env.OKTA_CLIENT_AUTHORIZATIONMODE = 'PrivateKey';
    let okta: Client;
    let warnings: unknown[][];
    try {
      process.chdir(dir);
      okta = client();
    } finally {
      process.chdir(cwd);
      delete process.env.OKTA_CLIENT_ORGURL;
      delete process.env.OKTA_CLIENT_TOKEN;
      delete process.env.OKTA_CLIENT_AUTHORIZATIONMODE;
      fs.rmSync(dir, { recursive: true, force: true });
      warnings = [...warn.mock.calls];
      warn.mockRestore();
    }
    expect(warnings).toContainEqual([
      {
        files: [path.join(fs.realpathSync(os.tmpdir()), path.basename(dir), 'okta.yaml')],
        vars: ['OKTA_CLIENT_ORGURL', 'OKTA_CLIENT_TOKEN', 'OKTA_CLIENT_AUTHORIZATIONMODE'],
      },
      expect.stringContaining('ignores them'),
    ]);
    expect(okta.baseUrl).toBe(org.sandbox().url);
    expect(okta.authorizationMode).toBe('SSWS');
    expect((await okta.userApi.getUser({ userId: ALICE_ID })).id).toBe(ALICE_ID);
  });
});

describe('sandbox admin API (/__sandbox/...)', () => {
  it('seeds users, sets the rate limit, shows state and resets, without a token', async () => {
    const admin = (method: string, pathName: string, body?: unknown): Promise<Response> =>
      fetch(`${org.sandbox().url}/__sandbox/${pathName}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    const created = await admin('POST', 'users', {
      login: 'sam@example.com',
      firstName: 'Sam',
      lastName: 'Seed',
      groups: ['aws-prod-admin'],
    });
    expect(created.status).toBe(201);
    expect(org.sandbox().groupMembers('aws-prod-admin')).toEqual(['sam@example.com']);
    expect(
      (await admin('POST', 'users', { login: 'sam@example.com', firstName: 'Sam', lastName: 'Again' })).status,
    ).toBe(409);
    expect((await admin('POST', 'users', { firstName: 'No login' })).status).toBe(400);

    expect((await admin('PUT', 'rate-limit', { perMinute: 5 })).status).toBe(200);
    expect(org.sandbox().rateLimitPerMinute).toBe(5);
    expect((await raw('/api/v1/groups')).headers.get('x-rate-limit-limit')).toBe('5');

    const state = (await (await admin('GET', 'state')).json()) as {
      rateLimitPerMinute: number;
      groups: { name: string; members: string[] }[];
    };
    expect(state.rateLimitPerMinute).toBe(5);
    expect(state.groups.find((g) => g.name === 'aws-prod-admin')?.members).toEqual(['sam@example.com']);

    expect((await admin('POST', 'reset')).status).toBe(200);
    expect(org.sandbox().rateLimitPerMinute).toBe(600);
    expect(org.sandbox().groupMembers('aws-prod-admin')).toEqual([]);
    expect(() => org.sandbox().userGroups('sam@example.com')).toThrow();
  });
});
