/**
 * Contract of the sandbox Jira's admin webhooks: registration through `/rest/webhooks/1.0/webhook`,
 * the bodies and headers Jira POSTs for issue events (HMAC over the raw body), and delivery retries.
 * Actions go through the real jira.js client; a plain node HTTP server receives the webhooks.
 */
import { createHmac } from 'node:crypto';
import { createJiraClient, type Version3Client } from '../../src/connectors/jira/jira-client';
import {
  JIRA_FIELD_IDS,
  type JiraSandbox,
  samplePerson,
  sandboxCredentials,
  signWebhookBody,
  startJiraSandbox,
} from '@leasehold/sandbox';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const bot = sandboxCredentials.jira;
const alice = samplePerson('alice');
const SECRET = 'leasehold-webhook-secret';
const authHeader = (email: string, token: string): string =>
  `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

let sandbox: JiraSandbox;
let jira: Version3Client;
let receiver: WebhookReceiver;

beforeAll(async () => {
  sandbox = await startJiraSandbox({ webhookRetryDelaysMs: [5, 5], webhookTimeoutMs: 2_000 });
  jira = createJiraClient({ host: sandbox.url, email: bot.email, apiToken: bot.apiToken });
});

beforeEach(async () => {
  sandbox.reset();
  receiver = await startWebhookReceiver();
});

afterEach(async () => {
  await receiver.close();
});

afterAll(async () => {
  await sandbox.close();
});

async function registerWebhook(
  body: Record<string, unknown>,
  auth = authHeader(bot.email, bot.apiToken),
): Promise<Response> {
  return fetch(`${sandbox.url}/rest/webhooks/1.0/webhook`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function registerReceiver(events = ['jira:issue_created', 'jira:issue_updated']): Promise<string> {
  const res = await registerWebhook({
    name: 'Leasehold',
    url: receiver.url,
    events,
    filters: { 'issue-related-events-section': 'project = ACCESS' },
    secret: SECRET,
  });
  expect(res.status).toBe(201);
  return String(((await res.json()) as { self: string }).self);
}

async function createIssue(): Promise<string> {
  const created = await jira.issues.createIssue({
    fields: {
      project: { key: 'ACCESS' },
      issuetype: { name: 'Service Request with Approvals' },
      summary: 'AWS production read-only',
      description: 'Incident 77 follow-up.',
      reporter: { accountId: alice.jiraAccountId },
      [JIRA_FIELD_IDS.requestType]: '10',
      [JIRA_FIELD_IDS.application]: { value: 'AWS Production' },
      [JIRA_FIELD_IDS.accessType]: { value: 'Read-only' },
      [JIRA_FIELD_IDS.duration]: { value: '8 hours' },
    },
  });
  return String(created.key);
}

describe('webhook signature', () => {
  it("matches Atlassian's test vector", () => {
    expect(signWebhookBody("It's a Secret to Everybody", 'Hello World!')).toBe(
      'sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9',
    );
  });
});

describe('webhook registration', () => {
  it('registers (201 with self), lists and deletes admin webhooks', async () => {
    const self = await registerReceiver();
    expect(self).toMatch(new RegExp(`^${sandbox.url}/rest/webhooks/1\\.0/webhook/\\d+$`));

    const auth = { authorization: authHeader(bot.email, bot.apiToken) };
    const list = (await (await fetch(`${sandbox.url}/rest/webhooks/1.0/webhook`, { headers: auth })).json()) as Array<
      Record<string, unknown>
    >;
    expect(list).toEqual([
      expect.objectContaining({
        self,
        name: 'Leasehold',
        url: receiver.url,
        events: ['jira:issue_created', 'jira:issue_updated'],
        enabled: true,
      }),
    ]);
    expect(list[0]).not.toHaveProperty('secret');

    expect((await fetch(self, { method: 'DELETE', headers: auth })).status).toBe(204);
    await createIssue();
    await sandbox.waitForDeliveries();
    expect(receiver.received).toEqual([]);
    expect((await fetch(self, { headers: auth })).status).toBe(404);
  });

  it('is for Jira administrators only', async () => {
    const res = await registerWebhook(
      { name: 'x', url: receiver.url, events: ['jira:issue_created'] },
      authHeader(alice.email, alice.jiraApiToken),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ errorMessages: [expect.stringContaining('Administrator')] });
  });

  it('validates the registration', async () => {
    const res = await registerWebhook({ name: 'x', url: 'not a url', events: [] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: { url: expect.any(String), events: expect.any(String) } });
  });
});

describe('issue events', () => {
  it('POSTs jira:issue_created with the documented headers and an HMAC over the raw body', async () => {
    await registerReceiver();
    const key = await createIssue();
    await sandbox.waitForDeliveries();

    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.headers['x-atlassian-webhook-identifier']).toEqual(expect.any(String));
    expect(hook!.headers['x-atlassian-webhook-flow']).toBe('Primary');
    expect(hook!.headers).not.toHaveProperty('x-atlassian-webhook-retry');
    const expected = `sha256=${createHmac('sha256', SECRET).update(hook!.rawBody).digest('hex')}`;
    expect(hook!.headers['x-hub-signature']).toBe(expected);

    const body = hook!.json();
    expect(body).toMatchObject({
      timestamp: expect.any(Number),
      webhookEvent: 'jira:issue_created',
      issue_event_type_name: 'issue_created',
    });
    expect(body).not.toHaveProperty('changelog');
    expect(body.user).toMatchObject({
      accountId: samplePerson('leasehold').jiraAccountId,
      accountType: 'atlassian',
      displayName: 'Leasehold Bot',
      active: true,
    });
    expect(body.user).not.toHaveProperty('emailAddress');

    const issue = body.issue as { id: string; key: string; self: string; fields: Record<string, unknown> };
    expect(issue.key).toBe(key);
    expect(issue.self).toBe(`${sandbox.url}/rest/api/2/issue/${issue.id}`);
    expect(issue.fields.description).toBe('Incident 77 follow-up.');
    expect(issue.fields.status).toMatchObject({
      id: '10002',
      name: 'Waiting for approval',
      statusCategory: { key: 'new' },
    });
    expect(issue.fields.reporter).toMatchObject({ accountId: alice.jiraAccountId });
    expect(issue.fields.reporter).not.toHaveProperty('emailAddress');
    expect(issue.fields.assignee).toBeNull();
    expect(issue.fields[JIRA_FIELD_IDS.accessType]).toMatchObject({
      value: 'Read-only',
      id: expect.any(String),
      self: expect.stringContaining('/customFieldOption/'),
    });
    expect(issue.fields[JIRA_FIELD_IDS.justification]).toBeNull();
    expect(issue.fields[JIRA_FIELD_IDS.requestType]).toMatchObject({
      requestType: { id: '10', name: 'Request Application Access' },
      currentStatus: { status: 'Waiting for approval' },
    });
  });

  it('POSTs jira:issue_updated (issue_generic) with the status changelog on a transition', async () => {
    await registerReceiver();
    const key = await createIssue();
    await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '21' } });
    await sandbox.waitForDeliveries();

    const updated = receiver.received.map((r) => r.json()).find((b) => b.webhookEvent === 'jira:issue_updated');
    expect(updated).toMatchObject({
      issue_event_type_name: 'issue_generic',
      issue: { key, fields: { status: { name: 'Approved by Manager' } } },
      changelog: {
        id: expect.any(String),
        items: [
          {
            field: 'status',
            fieldtype: 'jira',
            fieldId: 'status',
            from: '10002',
            fromString: 'Waiting for approval',
            to: '10010',
            toString: 'Approved by Manager',
          },
        ],
      },
    });
    // The same entry, by id, in the issue's changelog: what Leasehold verifies a decision against.
    const { values = [] } = await jira.issues.getChangeLogs({ issueIdOrKey: key });
    expect(values.map((c) => c.id)).toEqual([(updated as { changelog: { id: string } }).changelog.id]);
  });

  it('POSTs jira:issue_updated (issue_commented) with the comment, and comment_created to its subscribers', async () => {
    await registerReceiver(['jira:issue_updated', 'comment_created']);
    const key = await createIssue();
    await jira.issueComments.addComment({ issueIdOrKey: key, comment: 'Approved for 8 hours.' });
    await sandbox.waitForDeliveries();

    const bodies = receiver.received.map((r) => r.json());
    expect(bodies.map((b) => b.webhookEvent).sort()).toEqual(['comment_created', 'jira:issue_updated']);
    const commented = bodies.find((b) => b.webhookEvent === 'jira:issue_updated');
    expect(commented).toMatchObject({
      issue_event_type_name: 'issue_commented',
      comment: { body: 'Approved for 8 hours.', author: { accountId: samplePerson('leasehold').jiraAccountId } },
    });
    expect(commented).not.toHaveProperty('changelog');
    expect((commented!.comment as Record<string, unknown>).author).not.toHaveProperty('emailAddress');
  });

  it('sends only the events a webhook listens to', async () => {
    await registerReceiver(['jira:issue_created']);
    const key = await createIssue();
    await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '21' } });
    await sandbox.waitForDeliveries();

    expect(receiver.received.map((r) => r.json().webhookEvent)).toEqual(['jira:issue_created']);
  });

  it('reports a person approving in the Jira UI as a transition by that person', async () => {
    await registerReceiver(['jira:issue_updated']);
    const key = await createIssue();
    sandbox.moveIssue(key, 'Approved by Manager', 'bob');
    await sandbox.waitForDeliveries();

    expect(receiver.received[0]!.json()).toMatchObject({
      user: { accountId: samplePerson('bob').jiraAccountId },
      changelog: { items: [{ toString: 'Approved by Manager' }] },
    });
  });
});

describe('delivery retries', () => {
  it('retries a 500 with the same identifier and X-Atlassian-Webhook-Retry: 1', async () => {
    await registerReceiver(['jira:issue_created']);
    receiver.answerWith([500, 200]);
    await createIssue();
    const [delivery] = await sandbox.waitForDeliveries();

    expect(receiver.received.map((r) => r.status)).toEqual([500, 200]);
    const [first, second] = receiver.received;
    expect(second!.headers['x-atlassian-webhook-identifier']).toBe(first!.headers['x-atlassian-webhook-identifier']);
    expect(first!.headers).not.toHaveProperty('x-atlassian-webhook-retry');
    expect(second!.headers['x-atlassian-webhook-retry']).toBe('1');
    expect(second!.rawBody.equals(first!.rawBody)).toBe(true);
    expect(second!.headers['x-hub-signature']).toBe(first!.headers['x-hub-signature']);
    expect(delivery).toMatchObject({
      state: 'delivered',
      identifier: first!.headers['x-atlassian-webhook-identifier'],
      attempts: [
        { retry: 0, status: 500 },
        { retry: 1, status: 200 },
      ],
    });
  });

  it('gives up after the last retry, and does not retry a 400', async () => {
    await registerReceiver(['jira:issue_created']);
    receiver.answerWith([503, 429, 502]);
    await createIssue();
    await sandbox.waitForDeliveries();
    receiver.answerWith([400]);
    await createIssue();
    const deliveries = await sandbox.waitForDeliveries();

    expect(deliveries.map((d) => ({ state: d.state, statuses: d.attempts.map((a) => a.status) }))).toEqual([
      { state: 'failed', statuses: [503, 429, 502] },
      { state: 'failed', statuses: [400] },
    ]);
  });

  it('retries when the receiver cannot be reached or does not answer in time', async () => {
    const unreachable = await startWebhookReceiver();
    const unreachableUrl = unreachable.url;
    await unreachable.close();
    await registerWebhook({ name: 'gone', url: unreachableUrl, events: ['jira:issue_created'] });
    await registerReceiver(['jira:issue_created']);
    receiver.answerWith(['hang', 200]);
    await createIssue();
    const deliveries = await sandbox.waitForDeliveries();

    const gone = deliveries.find((d) => d.url === unreachableUrl)!;
    expect(gone.state).toBe('failed');
    expect(gone.attempts).toHaveLength(3);
    expect(gone.attempts.every((a) => a.status === undefined && typeof a.error === 'string')).toBe(true);
    const slow = deliveries.find((d) => d.url === receiver.url)!;
    expect(slow).toMatchObject({
      state: 'delivered',
      attempts: [
        { retry: 0, error: expect.stringContaining('timed out') },
        { retry: 1, status: 200 },
      ],
    });
  });

  it('shows the delivery log on the admin route', async () => {
    await registerReceiver(['jira:issue_created']);
    const key = await createIssue();
    await sandbox.waitForDeliveries();

    const log = (await (await fetch(`${sandbox.url}/__sandbox/webhook-deliveries`)).json()) as Array<
      Record<string, unknown>
    >;
    expect(log).toEqual([
      expect.objectContaining({
        url: receiver.url,
        webhookEvent: 'jira:issue_created',
        issueKey: key,
        state: 'delivered',
        attempts: [expect.objectContaining({ status: 200 })],
      }),
    ]);
  });
});
