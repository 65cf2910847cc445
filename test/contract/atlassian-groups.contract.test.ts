/**
 * Contract of the sandbox Jira's site group API with the real jira.js v5 client: every group call the
 * Atlassian connector makes (docs/wire-contracts.md, "Atlassian site groups"), unmodified client.
 */
import { createJiraClient, isJiraHttpException, type JiraHttpException } from '../../src/connectors/jira/jira-client';
import { savedJiraSchema } from '../../packages/sandbox/src/persistence/schemas';
import {
  type JiraSandbox,
  samplePerson,
  sampleAtlassianGroups,
  sandboxCredentials,
  startJiraSandbox,
} from '@leasehold/sandbox';

const bot = sandboxCredentials.jira;
const alice = samplePerson('alice');
const bob = samplePerson('bob');
const carol = samplePerson('carol');
const erin = samplePerson('erin');
const group = (name: string): string => sampleAtlassianGroups.find((g) => g.name === name)!.id;
const JIRA_USERS = group('jira-software-users');
const BITBUCKET = group('bitbucket-users');
const SYNCED = group('okta-engineering');
const UNKNOWN_GROUP = '00000000-0000-4000-8000-000000000000';

let sandbox: JiraSandbox;
const client = (email: string = bot.email, apiToken: string = bot.apiToken) =>
  createJiraClient({ host: sandbox.url, email, apiToken });

beforeAll(async () => {
  sandbox = await startJiraSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

/** The call's rejection, which must be jira.js's HttpException. */
async function httpError(call: Promise<unknown>): Promise<JiraHttpException> {
  const outcome = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isJiraHttpException(outcome)) throw new Error(`expected a jira.js HttpException, got ${String(outcome)}`);
  return outcome;
}

const body = (err: JiraHttpException): unknown => (err.response as { data?: unknown }).data;
const header = (err: JiraHttpException, name: string): unknown =>
  (err.cause as { response: { headers: Record<string, unknown> } }).response.headers[name];

describe('groups.bulkGetGroups (GET /rest/api/3/group/bulk)', () => {
  it('finds a group by name (any case) and by groupId, in a page', async () => {
    const byName = await client().groups.bulkGetGroups({ groupName: ['Bitbucket-Users'] });
    expect(byName).toMatchObject({ startAt: 0, maxResults: 50, total: 1, isLast: true });
    expect(byName.values).toEqual([{ name: 'bitbucket-users', groupId: BITBUCKET }]);
    const byId = await client().groups.bulkGetGroups({ groupId: [SYNCED] });
    expect(byId.values).toEqual([{ name: 'okta-engineering', groupId: SYNCED }]);
  });

  it('answers an empty page for a group that does not exist, and pages through all groups', async () => {
    expect((await client().groups.bulkGetGroups({ groupName: ['no-such-group'] })).values).toEqual([]);
    const first = await client().groups.bulkGetGroups({ maxResults: 3 });
    expect(first).toMatchObject({ total: 4, isLast: false, nextPage: expect.stringContaining('startAt=3') });
    const second = await client().groups.bulkGetGroups({ startAt: 3, maxResults: 3 });
    expect(second).toMatchObject({ isLast: true, startAt: 3 });
    expect([...first.values!, ...second.values!].map((g) => g.name).sort()).toEqual([
      'bitbucket-users',
      'confluence-users',
      'jira-software-users',
      'okta-engineering',
    ]);
  });
});

describe('groups.getUsersFromGroup (GET /rest/api/3/group/member)', () => {
  it('pages the members with startAt, maxResults, isLast and values (user objects)', async () => {
    const first = await client().groups.getUsersFromGroup({ groupId: JIRA_USERS, maxResults: 1 });
    expect(first).toMatchObject({ startAt: 0, maxResults: 1, total: 2, isLast: false });
    expect(first.values).toEqual([
      expect.objectContaining({ accountId: bob.jiraAccountId, emailAddress: bob.email, displayName: 'Bob Baker' }),
    ]);
    const second = await client().groups.getUsersFromGroup({ groupId: JIRA_USERS, startAt: 1, maxResults: 1 });
    expect(second).toMatchObject({ startAt: 1, isLast: true });
    expect(second.values?.map((u) => u.accountId)).toEqual([erin.jiraAccountId]);
  });

  it("takes a group name too, caps a page at 50, and answers 404 in Jira's shape for an unknown group", async () => {
    const byName = await client().groups.getUsersFromGroup({ groupname: 'bitbucket-users', maxResults: 500 });
    expect(byName).toMatchObject({ maxResults: 50, isLast: true });
    expect(byName.values?.map((u) => u.accountId)).toEqual([carol.jiraAccountId]);
    const err = await httpError(client().groups.getUsersFromGroup({ groupId: UNKNOWN_GROUP }));
    expect(err.status).toBe(404);
    expect(body(err)).toEqual({ errorMessages: ['Specified group does not exist.'], errors: {} });
  });
});

describe('groups.addUserToGroup / removeUserFromGroup (POST|DELETE /rest/api/3/group/user)', () => {
  it('adds (201, the Group) and removes (200) a member, each recorded once', async () => {
    const added = await client().groups.addUserToGroup({ groupId: BITBUCKET, accountId: alice.jiraAccountId });
    expect(added).toMatchObject({ name: 'bitbucket-users', groupId: BITBUCKET, users: { size: 2 } });
    expect(sandbox.groupMembers('bitbucket-users')).toEqual([alice.email, carol.email]);
    expect((await client().users.getUserGroups({ accountId: alice.jiraAccountId })).map((g) => g.name)).toContain(
      'bitbucket-users',
    );
    await client().groups.removeUserFromGroup({ groupId: BITBUCKET, accountId: alice.jiraAccountId });
    expect(sandbox.groupMembers('bitbucket-users')).toEqual([carol.email]);
    expect(sandbox.groups().membershipChanges.map((c) => [c.op, c.group, c.account])).toEqual([
      ['add', 'bitbucket-users', alice.email],
      ['remove', 'bitbucket-users', alice.email],
    ]);
  });

  it('answers 400 to adding a member and to removing a non-member, changing nothing', async () => {
    const again = await httpError(
      client().groups.addUserToGroup({ groupId: BITBUCKET, accountId: carol.jiraAccountId }),
    );
    expect(again.status).toBe(400);
    expect(body(again)).toEqual({
      errorMessages: ["Cannot add user. User is already a member of 'bitbucket-users'"],
      errors: {},
    });
    const absent = await httpError(
      client().groups.removeUserFromGroup({ groupId: BITBUCKET, accountId: alice.jiraAccountId }),
    );
    expect(absent.status).toBe(400);
    expect((body(absent) as { errorMessages: string[] }).errorMessages[0]).toMatch(
      /is not a member of 'bitbucket-users'/,
    );
    expect(sandbox.groups().membershipChanges).toEqual([]);
  });

  it('answers 404 for an unknown group or account, 403 to a non-admin and for an IdP-synced group', async () => {
    const noGroup = await httpError(
      client().groups.addUserToGroup({ groupId: UNKNOWN_GROUP, accountId: alice.jiraAccountId }),
    );
    expect([noGroup.status, body(noGroup)]).toEqual([
      404,
      { errorMessages: ['Specified group does not exist.'], errors: {} },
    ]);
    const noUser = await httpError(client().groups.addUserToGroup({ groupId: BITBUCKET, accountId: '557058:nobody' }));
    expect(noUser.status).toBe(404);
    expect(body(noUser)).toMatchObject({ errorMessages: [expect.stringContaining('Specified user does not exist')] });

    const asAlice = client(alice.email, alice.jiraApiToken);
    const forbidden = await httpError(
      asAlice.groups.addUserToGroup({ groupId: BITBUCKET, accountId: alice.jiraAccountId }),
    );
    expect(forbidden.status).toBe(403);
    expect(body(forbidden)).toMatchObject({
      errorMessages: [expect.stringContaining('does not have the relevant permissions')],
    });

    const synced = await httpError(client().groups.addUserToGroup({ groupId: SYNCED, accountId: carol.jiraAccountId }));
    expect(synced.status).toBe(403);
    expect(body(synced)).toMatchObject({ errorMessages: [expect.stringContaining('externalDirectory.scim')] });
    const syncedRemove = await httpError(
      client().groups.removeUserFromGroup({ groupId: SYNCED, accountId: alice.jiraAccountId }),
    );
    expect(syncedRemove.status).toBe(403);
    expect(sandbox.groupMembers('okta-engineering')).toEqual([alice.email, bob.email]);
    expect(sandbox.groups().membershipChanges).toEqual([]);
  });

  it('answers a bad API token with the plain-text 401', async () => {
    const err = await httpError(
      client(bot.email, 'wrong-token').groups.bulkGetGroups({ groupName: ['bitbucket-users'] }),
    );
    expect(err.status).toBe(401);
    expect(body(err)).toBe('Client must be authenticated to access this resource.');
  });
});

describe('users.getUserGroups (GET /rest/api/3/user/groups) and the user search', () => {
  it("lists a user's groups with groupId and name, 404 for an unknown account", async () => {
    const groups = await client().users.getUserGroups({ accountId: bob.jiraAccountId });
    expect(groups.map((g) => [g.name, g.groupId])).toEqual([
      ['jira-software-users', JIRA_USERS],
      ['confluence-users', group('confluence-users')],
      ['okta-engineering', SYNCED],
    ]);
    const err = await httpError(client().users.getUserGroups({ accountId: '557058:nobody' }));
    expect(err.status).toBe(404);
  });

  it('finds an account by its email address (userSearch.findUsers)', async () => {
    const found = await client().userSearch.findUsers({ query: alice.email });
    expect(found.map((u) => [u.accountId, u.emailAddress])).toEqual([[alice.jiraAccountId, alice.email]]);
  });
});

describe('rate limits', () => {
  it('a 429 on a group read carries Retry-After and the X-RateLimit headers', async () => {
    sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 7 });
    const err = await httpError(client().groups.getUsersFromGroup({ groupId: BITBUCKET }));
    expect(err.status).toBe(429);
    expect(header(err, 'retry-after')).toBe('7');
    expect(header(err, 'ratelimit-reason')).toBe('jira-burst-based');
    expect(String(header(err, 'x-ratelimit-reset'))).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
    expect(body(err)).toEqual({ errorMessages: ['Rate limit exceeded.'], errors: {} });
    expect((await client().groups.getUsersFromGroup({ groupId: BITBUCKET })).values).toHaveLength(1);
  });

  it('the group write fault switch throttles the next membership write only, which then changes nothing', async () => {
    sandbox.groupWriteFaults.update({ throttleNext: 1, retryAfterSeconds: 3 });
    // Reads pass untouched.
    expect((await client().groups.getUsersFromGroup({ groupId: BITBUCKET })).total).toBe(1);
    const err = await httpError(client().groups.addUserToGroup({ groupId: BITBUCKET, accountId: alice.jiraAccountId }));
    expect([err.status, header(err, 'retry-after')]).toEqual([429, '3']);
    expect(sandbox.groupMembers('bitbucket-users')).toEqual([carol.email]);
    await client().groups.addUserToGroup({ groupId: BITBUCKET, accountId: alice.jiraAccountId });
    expect(sandbox.groups().membershipChanges).toHaveLength(1);
  });
});

describe('saved state', () => {
  it('memberships survive a restart from the saved state', async () => {
    await client().groups.addUserToGroup({ groupId: BITBUCKET, accountId: alice.jiraAccountId });
    // As the state file holds it: JSON, read back through its schema.
    const saved = savedJiraSchema.parse(JSON.parse(JSON.stringify(sandbox.savedState())));
    expect(saved.groups?.members[BITBUCKET]).toEqual([carol.jiraAccountId, alice.jiraAccountId]);
    const restarted = await startJiraSandbox({ savedState: saved });
    try {
      expect(restarted.groupMembers('bitbucket-users')).toEqual([alice.email, carol.email]);
      expect(restarted.groups().membershipChanges).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  });
});
