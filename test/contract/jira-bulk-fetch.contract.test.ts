/**
 * Contract of the sandbox Jira's bulk fetch (`POST /rest/api/3/issue/bulkfetch`) with the real
 * jira.js v5 client: the webhook starter's stale check reads many issues' statuses in one call.
 */
import { createJiraClient, isJiraHttpException, type Version3Client } from '../../src/connectors/jira/jira-client';
import { JiraGateway } from '../../src/connectors/jira/jira-gateway';
import { type JiraSandbox, sandboxCredentials, startJiraSandbox } from '@leasehold/sandbox';

const bot = sandboxCredentials.jira;
let sandbox: JiraSandbox;
let jira: Version3Client;

beforeAll(async () => {
  sandbox = await startJiraSandbox();
  jira = createJiraClient({ host: sandbox.url, email: bot.email, apiToken: bot.apiToken });
});

afterAll(async () => {
  await sandbox.close();
});

afterEach(() => {
  sandbox.faults.reset();
});

const raise = (why: string): string =>
  sandbox.raiseRequest({ reporter: 'alice', application: 'Jira Software', accessType: 'User', justification: why }).key;

describe('issues.bulkFetchIssues', () => {
  it('answers the requested issues in ascending id order with only the fields asked for; keys match in any case', async () => {
    const [first, second, third] = [raise('one'), raise('two'), raise('three')];
    sandbox.moveIssue(second, 'Approved by Manager', 'bob');

    const answer = await jira.issues.bulkFetchIssues({
      issueIdsOrKeys: [third, second.toLowerCase(), first],
      fields: ['status'],
    });
    expect(answer.issueErrors).toEqual([]);
    expect(answer.issues!.map((i) => i.key)).toEqual([first, second, third]);
    const approved = answer.issues![1]!;
    expect(approved).toMatchObject({ key: second, self: expect.stringContaining(`/rest/api/3/issue/${approved.id}`) });
    expect(Object.keys(approved.fields)).toEqual(['status']);
    expect(approved.fields.status).toMatchObject({
      name: 'Approved by Manager',
      statusCategory: { key: 'indeterminate' },
    });
    expect(answer.issues![0]!.fields.status?.name).toBe('Waiting for approval');
  });

  it('leaves out an issue it cannot find, and reports no error for it', async () => {
    const key = raise('real');
    const answer = await jira.issues.bulkFetchIssues({ issueIdsOrKeys: ['ACCESS-999999', key], fields: ['status'] });
    expect(answer.issues!.map((i) => i.key)).toEqual([key]);
    expect(answer.issueErrors).toEqual([]);
  });

  it('refuses more than 100 issues with a 400', async () => {
    const keys = Array.from({ length: 101 }, (_, i) => `ACCESS-${i + 1}`);
    const err = await jira.issues
      .bulkFetchIssues({ issueIdsOrKeys: keys, fields: ['status'] })
      .catch((e: unknown) => e);
    expect(isJiraHttpException(err) && err.status).toBe(400);
  });

  it("through Leasehold's gateway: each found issue's status by upper-case key, the missing ones absent", async () => {
    const key = raise('gateway');
    sandbox.moveIssue(key, 'Rejected', 'bob');
    const gateway = JiraGateway.connect({ host: sandbox.url, email: bot.email, apiToken: bot.apiToken });
    const statuses = await gateway.issueStatuses([key.toLowerCase(), 'ACCESS-999998']);
    expect([...statuses]).toEqual([[key, 'Rejected']]);
  });

  it("through Leasehold's gateway: a 429 is rate-limited with Jira's Retry-After, a 5xx retryable, a bad token permanent", async () => {
    const gateway = JiraGateway.connect({ host: sandbox.url, email: bot.email, apiToken: bot.apiToken });
    sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 7 });
    expect(await gateway.issueStatuses(['ACCESS-1']).catch((e: unknown) => e)).toMatchObject({
      kind: 'rate-limited',
      details: { status: 429, retryAfterMs: 7_000 },
    });
    sandbox.faults.update({ failNext: 1 });
    expect(await gateway.issueStatuses(['ACCESS-1']).catch((e: unknown) => e)).toMatchObject({
      kind: 'retryable',
      details: { status: 500 },
    });
    const stranger = JiraGateway.connect({ host: sandbox.url, email: bot.email, apiToken: 'not-the-token' });
    const refused = await stranger.issueStatuses(['ACCESS-1']).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'permanent', details: { status: 401 } });
    expect((refused as Error).message).toMatch(/check the Jira email and API token/);
  });
});
