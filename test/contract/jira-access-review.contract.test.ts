/**
 * Contract of the sandbox Jira's access review items with the real jira.js v5 clients: Leasehold raises
 * one issue of the request type Access Review per person and access under review (through
 * `POST /rest/api/3/issue`, the request type not being on the customer portal), a reviewer moves it to
 * Keep or Revoke with a comment, and the changelog and webhooks tell Leasehold who decided what.
 */
import {
  createJiraClient,
  createServiceDeskClient,
  isJiraHttpException,
  type JiraHttpException,
  type Version3Client,
} from '../../src/connectors/jira/jira-client';
import {
  JIRA_FIELD_IDS,
  type JiraSandbox,
  samplePerson,
  sandboxCredentials,
  startJiraSandbox,
} from '@leasehold/sandbox';
import { startWebhookReceiver } from './support/webhook-receiver';

const bot = sandboxCredentials.jira;
const bob = samplePerson('bob');
const erin = samplePerson('erin');

let sandbox: JiraSandbox;
let jira: Version3Client;

beforeAll(async () => {
  sandbox = await startJiraSandbox();
  jira = createJiraClient({ host: sandbox.url, email: bot.email, apiToken: bot.apiToken });
});

afterAll(async () => {
  await sandbox.close();
});

const adf = (text: string) => ({
  type: 'doc' as const,
  version: 1 as const,
  content: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text }] }],
});

/** The call's rejection, which must be jira.js's HttpException. */
async function httpError(call: Promise<unknown>): Promise<JiraHttpException> {
  const outcome = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isJiraHttpException(outcome)) throw new Error(`expected a jira.js HttpException, got ${String(outcome)}`);
  return outcome;
}

/** What Leasehold's review tool sends: the request type by its `<portal>/<key>` form, a Service Request. */
async function createReviewItem(requestType = 'access/access-review', issueType = 'Service Request'): Promise<string> {
  const created = await jira.issues.createIssue({
    fields: {
      project: { key: 'ACCESS' },
      issuetype: { name: issueType },
      summary: 'Access review: Erin Evans in SF-User (Salesforce)',
      description: adf('Does Erin Evans still need Salesforce User? Last sign-in 2026-08-02.'),
      [JIRA_FIELD_IDS.requestType]: requestType,
    },
  });
  return String(created.key);
}

describe('issues.createIssue with the Access Review request type', () => {
  it('creates a Service Request that starts in Waiting for review, with the request type field', async () => {
    const key = await createReviewItem();
    const issue = await jira.issues.getIssue({ issueIdOrKey: key });
    const fields = issue.fields as Record<string, unknown>;

    expect(issue.fields.status).toMatchObject({
      id: '10020',
      name: 'Waiting for review',
      statusCategory: { key: 'new', name: 'To Do' },
    });
    expect(issue.fields.issuetype).toMatchObject({ id: '10003', name: 'Service Request' });
    expect(issue.fields.summary).toBe('Access review: Erin Evans in SF-User (Salesforce)');
    expect(fields.description).toEqual(adf('Does Erin Evans still need Salesforce User? Last sign-in 2026-08-02.'));
    expect(fields.reporter).toMatchObject({ accountId: samplePerson('leasehold').jiraAccountId });
    expect(fields.resolution).toBeNull();
    expect(fields[JIRA_FIELD_IDS.requestType]).toMatchObject({
      requestType: {
        id: '13',
        name: 'Access Review',
        description: 'Decide whether a person keeps an access (raised by Leasehold during an access review).',
        issueTypeId: '10003',
        serviceDeskId: '1',
        groupIds: [],
      },
      currentStatus: { status: 'Waiting for review', statusCategory: 'NEW' },
    });
    expect(sandbox.issue(key)).toMatchObject({ requestType: 'Access Review', status: 'Waiting for review' });
  });

  it.each(['access-review', 'Access Review', '13'])('takes the request type as %s', async (ref) => {
    const key = await createReviewItem(ref);
    expect(sandbox.issue(key)).toMatchObject({ requestType: 'Access Review', status: 'Waiting for review' });
  });

  it('answers 400 for the request type on an issue type it does not belong to', async () => {
    const err = await httpError(createReviewItem('access/access-review', 'Service Request with Approvals'));

    expect(err.status).toBe(400);
    expect((err.response as { data?: unknown }).data).toEqual({
      errorMessages: [],
      errors: {
        [JIRA_FIELD_IDS.requestType]:
          "The request type 'Access Review' is not valid for issue type 'Service Request with Approvals'.",
      },
    });
  });
});

describe('issues.getTransitions and issues.doTransition on a review item', () => {
  it('offers Keep and Revoke (global transitions into done statuses)', async () => {
    const key = await createReviewItem();
    const { transitions = [] } = await jira.issues.getTransitions({ issueIdOrKey: key });

    expect(transitions.find((t) => t.name === 'Keep')).toMatchObject({
      id: '121',
      isGlobal: true,
      to: { id: '10021', name: 'Keep', statusCategory: { key: 'done' } },
    });
    expect(transitions.find((t) => t.name === 'Revoke')).toMatchObject({
      id: '131',
      isGlobal: true,
      to: { id: '10022', name: 'Revoke', statusCategory: { key: 'done' } },
    });
    expect(transitions.map((t) => t.to?.name)).not.toContain('Waiting for review');
  });

  it("records a reviewer's Revoke with a comment: changelog entry and comment by the reviewer", async () => {
    const key = await createReviewItem();
    const asBob = createJiraClient({ host: sandbox.url, email: bob.email, apiToken: bob.jiraApiToken });
    const revoke = (await asBob.issues.getTransitions({ issueIdOrKey: key })).transitions!.find(
      (t) => t.to?.name === 'Revoke',
    )!;

    await expect(
      asBob.issues.doTransition({
        issueIdOrKey: key,
        transition: { id: revoke.id! },
        update: { comment: [{ add: { body: adf('Erin moved to Finance; no Salesforce any more.') } }] },
      }),
    ).resolves.toBeFalsy();

    const { values = [] } = await jira.issues.getChangeLogs({ issueIdOrKey: key });
    expect(values).toHaveLength(1);
    expect(values[0]).toMatchObject({
      author: { accountId: bob.jiraAccountId, displayName: 'Bob Baker' },
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/),
    });
    expect(values[0]!.items).toContainEqual({
      field: 'status',
      fieldtype: 'jira',
      fieldId: 'status',
      from: '10020',
      fromString: 'Waiting for review',
      to: '10022',
      toString: 'Revoke',
    });

    const { comments = [] } = await jira.issueComments.getComments({ issueIdOrKey: key });
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({
      author: { accountId: bob.jiraAccountId },
      body: adf('Erin moved to Finance; no Salesforce any more.'),
    });

    const issue = await jira.issues.getIssue({ issueIdOrKey: key, fields: ['status', 'resolution'] });
    expect(issue.fields.status).toMatchObject({ id: '10022', name: 'Revoke', statusCategory: { key: 'done' } });
    expect(issue.fields.resolution).toMatchObject({ name: 'Done' });
  });
});

describe('JSM serviceDesk.getRequestTypes', () => {
  it('lists Access Review in no portal group (groupIds: []), the access request types in group 1', async () => {
    const serviceDesk = createServiceDeskClient({ host: sandbox.url, email: bot.email, apiToken: bot.apiToken });
    const page = await serviceDesk.serviceDesk.getRequestTypes({ serviceDeskId: '1' });
    const groupsOf = Object.fromEntries((page.values ?? []).map((rt) => [rt.name, rt.groupIds]));

    expect(groupsOf).toEqual({
      'Request Application Access': ['1'],
      'Request Access Removal': ['1'],
      'Request Access Change': ['1'],
      'Access Review': [],
    });
  });
});

describe('webhooks of a review item', () => {
  it('carry the request type on issue_created, and the status change and comment on issue_updated', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const registered = await fetch(`${sandbox.url}/rest/webhooks/1.0/webhook`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${bot.email}:${bot.apiToken}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          name: 'Leasehold',
          url: receiver.url,
          events: ['jira:issue_created', 'jira:issue_updated'],
        }),
      });
      expect(registered.status).toBe(201);
      const key = await createReviewItem();
      const asBob = createJiraClient({ host: sandbox.url, email: bob.email, apiToken: bob.jiraApiToken });
      await asBob.issues.doTransition({
        issueIdOrKey: key,
        transition: { id: '121' },
        update: { comment: [{ add: { body: adf('Still on the Salesforce rollout.') } }] },
      });
      await sandbox.waitForDeliveries();

      const bodies = receiver.received.map((r) => r.json());
      const created = bodies.find((b) => b.webhookEvent === 'jira:issue_created');
      expect(created).toMatchObject({
        issue: {
          key,
          fields: {
            status: { id: '10020', name: 'Waiting for review' },
            [JIRA_FIELD_IDS.requestType]: {
              requestType: { id: '13', name: 'Access Review' },
              currentStatus: { status: 'Waiting for review' },
            },
          },
        },
      });
      const updated = bodies.find((b) => b.webhookEvent === 'jira:issue_updated');
      expect(updated).toMatchObject({
        issue_event_type_name: 'issue_generic',
        user: { accountId: bob.jiraAccountId },
        issue: {
          key,
          fields: {
            status: { id: '10021', name: 'Keep' },
            [JIRA_FIELD_IDS.requestType]: { requestType: { name: 'Access Review' }, currentStatus: { status: 'Keep' } },
          },
        },
      });
      // v2 shape: the comment body is a wiki string.
      expect(updated!.comment).toMatchObject({
        author: { accountId: bob.jiraAccountId },
        body: 'Still on the Salesforce rollout.',
      });
      const changelog = (updated as { changelog: { items: unknown[] } }).changelog;
      expect(changelog.items).toContainEqual(
        expect.objectContaining({ field: 'status', fromString: 'Waiting for review', to: '10021', toString: 'Keep' }),
      );
    } finally {
      await receiver.close();
    }
  });
});

describe('the portal requests beside review items', () => {
  it('an access request still starts in Waiting for approval', async () => {
    const issue = sandbox.raiseRequest({ reporter: erin.handle, application: 'Salesforce', accessType: 'User' });
    expect(issue.status).toBe('Waiting for approval');
  });
});
