import { samplePerson } from '@leasehold/sandbox';
import { jiraWebhookSchema, type JiraWebhook } from '../../../src/starter/jira-payload';
import { classifyEvent, decisionFor } from '../../../src/starter/request-mapping';
import { examplePortal, sandboxFieldIds, sandboxJiraEvents, type SandboxJiraEvents } from './sandbox-events';

/**
 * How the starter reads Jira events, on the bodies the sandbox Jira renders for real actions (raise,
 * move, comment), mapped through the example rules' portal section.
 */
const portal = examplePortal();
const alice = samplePerson('alice');
const bob = samplePerson('bob');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function parse(body: Buffer | Json): JiraWebhook {
  const json: unknown = Buffer.isBuffer(body) ? JSON.parse(body.toString('utf8')) : body;
  return jiraWebhookSchema.parse(json);
}

const classify = (body: Buffer | Json) => classifyEvent(parse(body), portal, sandboxFieldIds);
const json = (body: Buffer): Json => JSON.parse(body.toString('utf8')) as Json;

describe('classifying Jira webhook events', () => {
  let jira: SandboxJiraEvents;
  let key: string;
  beforeEach(() => {
    jira = sandboxJiraEvents();
    key = jira.raise({
      reporter: 'alice',
      application: 'Jira Software',
      accessType: 'User',
      duration: '1 day',
      justification: 'release week',
    });
  });

  test('jira:issue_created for an access request becomes a request with the portal fields', () => {
    const body = jira.last(key, 'jira:issue_created');
    const raw = json(body);
    expect(raw.user).not.toHaveProperty('emailAddress');
    expect(classify(body)).toEqual({
      action: 'created',
      issue: {
        kind: 'access',
        input: {
          issueKey: key,
          issueId: raw.issue.id,
          application: 'Jira Software',
          accessType: 'User',
          duration: '1 day',
          justification: 'release week',
          requester: { accountId: alice.jiraAccountId, displayName: 'Alice Anders' },
          requestedAt: raw.issue.fields.created,
        },
      },
    });
  });

  test('unset portal fields map to null, so the workflow falls back to defaults or manual handling', () => {
    const bare = jira.raise({ reporter: 'erin' });
    const event = classify(jira.last(bare, 'jira:issue_created'));
    expect(event).toMatchObject({
      action: 'created',
      issue: { kind: 'access', input: { application: null, accessType: null, duration: null, justification: null } },
    });
  });

  test('removal and change requests are recognised by their request type', () => {
    const removal = jira.raise({
      reporter: 'alice',
      requestType: 'Request Access Removal',
      application: 'Jira Software',
      accessType: 'User',
    });
    const change = jira.raise({
      reporter: 'alice',
      requestType: 'Request Access Change',
      application: 'Jira Software',
      accessType: 'User',
      duration: '7 days',
    });
    expect(classify(jira.last(removal, 'jira:issue_created'))).toMatchObject({
      action: 'created',
      issue: { kind: 'removal', input: { issueKey: removal } },
    });
    expect(classify(jira.last(change, 'jira:issue_created'))).toMatchObject({
      action: 'created',
      issue: { kind: 'change', input: { issueKey: change, duration: '7 days' } },
    });
  });

  test('a move to a mapped status is a decision by the person who moved it', () => {
    jira.move(key, 'Approved by Manager', 'bob');
    const body = jira.last(key, 'jira:issue_updated');
    expect(json(body).changelog.items).toEqual([
      expect.objectContaining({ field: 'status', fromString: 'Waiting for approval', toString: 'Approved by Manager' }),
    ]);
    const event = classify(body);
    expect(event).toMatchObject({
      action: 'status',
      decision: 'Approved',
      status: 'Approved by Manager',
      actorAccountId: bob.jiraAccountId,
    });
    // The request itself still comes from the reporter, not from the approver who moved it.
    expect(event).toMatchObject({
      issue: { kind: 'access', input: { issueKey: key, requester: { accountId: alice.jiraAccountId } } },
    });
  });

  test.each([
    ['Rejected', 'Denied'],
    ['Declined by User', 'Declined'],
    ['Access Revoked', 'Revoked'],
  ])('a move to %s (with its resolution change) is the decision %s', (status, decision) => {
    jira.move(key, status, 'bob');
    const body = jira.last(key, 'jira:issue_updated');
    // Done statuses carry a resolution item before the status item.
    expect(json(body).changelog.items.map((i: Json) => i.field)).toEqual(['resolution', 'status']);
    expect(classify(body)).toMatchObject({ action: 'status', decision, status });
  });

  test('status names match the mapping case-insensitively', () => {
    expect(decisionFor(portal, 'approved BY manager')).toBe('Approved');
    expect(decisionFor(portal, ' Rejected ')).toBe('Denied');
    expect(decisionFor(portal, 'Approved')).toBeUndefined();
  });

  test.each(['In Progress', 'Waiting for support', 'Access Granted'])(
    'a move to the unmapped status %s is ignored with the reason',
    (status) => {
      jira.move(key, status, 'bob');
      expect(classify(jira.last(key, 'jira:issue_updated'))).toEqual({
        action: 'ignore',
        reason: `status "${status}" is not mapped to a decision`,
      });
    },
  );

  test('events of another project are ignored, whether it shows in fields.project or only in the key', () => {
    const raw = json(jira.last(key, 'jira:issue_created'));
    raw.issue.key = 'OPS-7';
    raw.issue.fields.project.key = 'OPS';
    expect(classify(raw)).toEqual({ action: 'ignore', reason: 'issue OPS-7 is in project OPS, not ACCESS' });
    delete raw.issue.fields.project;
    expect(classify(raw)).toEqual({ action: 'ignore', reason: 'issue OPS-7 is in project OPS, not ACCESS' });
  });

  test('other request types, and issues without one, are ignored', () => {
    const raw = json(jira.last(key, 'jira:issue_created'));
    raw.issue.fields.customfield_10010.requestType.name = 'Get IT help';
    expect(classify(raw)).toEqual({
      action: 'ignore',
      reason: 'request type "Get IT help" is not an access request type',
    });
    raw.issue.fields.customfield_10010 = null;
    expect(classify(raw)).toEqual({ action: 'ignore', reason: 'request type (none) is not an access request type' });
  });

  test('comments are not decisions: issue_commented updates and comment_created events are ignored', () => {
    jira.comment(key, 'Approved, go ahead', 'bob');
    const updated = jira.last(key, 'jira:issue_updated');
    expect(json(updated).issue_event_type_name).toBe('issue_commented');
    expect(classify(updated)).toEqual({ action: 'ignore', reason: 'issue_commented without a status change' });
    const commentCreated = jira.last(key, 'comment_created');
    expect(classify(commentCreated)).toMatchObject({ action: 'ignore' });
  });

  test('a field edit without a status change is ignored', () => {
    jira.move(key, 'Approved by Manager', 'bob');
    const raw = json(jira.last(key, 'jira:issue_updated'));
    raw.issue_event_type_name = 'issue_updated';
    raw.changelog.items = [
      { field: 'summary', fieldtype: 'jira', fieldId: 'summary', from: null, fromString: 'a', to: null, toString: 'b' },
    ];
    expect(classify(raw)).toEqual({ action: 'ignore', reason: 'issue_updated without a status change' });
  });

  test('a status change without an actor cannot count as a decision', () => {
    jira.move(key, 'Approved by Manager', 'bob');
    const raw = json(jira.last(key, 'jira:issue_updated'));
    delete raw.user;
    expect(classify(raw)).toEqual({
      action: 'ignore',
      reason: 'a status change without an actor cannot count as a decision',
    });
  });

  test('a create without reporter or creator falls back to the actor; with none at all it is ignored', () => {
    const raw = json(jira.last(key, 'jira:issue_created'));
    raw.issue.fields.reporter = null;
    delete raw.issue.fields.creator;
    expect(classify(raw)).toMatchObject({
      action: 'created',
      issue: { input: { requester: { accountId: alice.jiraAccountId } } },
    });
    delete raw.user;
    expect(classify(raw)).toEqual({ action: 'ignore', reason: `issue ${key} has no reporter` });
  });

  test('Automation "Jira format" bodies without webhookEvent: a changelog makes it an update, none a create', () => {
    jira.move(key, 'Approved by Manager', 'bob');
    const update = json(jira.last(key, 'jira:issue_updated'));
    delete update.webhookEvent;
    expect(classify(update)).toMatchObject({ action: 'status', decision: 'Approved' });
    const create = json(jira.last(key, 'jira:issue_created'));
    delete create.webhookEvent;
    expect(classify(create)).toMatchObject({ action: 'created' });
  });

  test('events other than issue created/updated are ignored', () => {
    const raw = json(jira.last(key, 'jira:issue_created'));
    raw.webhookEvent = 'jira:issue_deleted';
    expect(classify(raw)).toEqual({ action: 'ignore', reason: 'event jira:issue_deleted is not handled' });
  });

  test('an ADF justification (REST v3 shape) is read as plain text', () => {
    const raw = json(jira.last(key, 'jira:issue_created'));
    raw.issue.fields.customfield_10053 = {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'incident 77' }] }],
    };
    expect(classify(raw)).toMatchObject({ issue: { input: { justification: 'incident 77' } } });
  });
});

describe('parsing webhook bodies at the edge', () => {
  test('numeric ids (issue, status, changelog) are accepted and read as strings', () => {
    const jira = sandboxJiraEvents();
    const key = jira.raise({ reporter: 'alice', application: 'Jira Software', accessType: 'User' });
    jira.move(key, 'Approved by Manager', 'bob');
    const raw = json(jira.last(key, 'jira:issue_updated'));
    raw.issue.id = Number(raw.issue.id);
    raw.changelog.id = Number(raw.changelog.id);
    raw.issue.fields.status.id = Number(raw.issue.fields.status.id);
    const parsed = parse(raw);
    expect(parsed.issue.id).toBe(String(raw.issue.id));
    expect(parsed.changelog?.id).toBe(String(raw.changelog.id));
    expect(parsed.issue.fields.status?.id).toBe('10010');
  });

  test.each<[string, Json]>([
    ['no issue', { webhookEvent: 'jira:issue_created', timestamp: 1 }],
    ['an issue without key', { webhookEvent: 'jira:issue_created', issue: { id: '1', fields: {} } }],
    [
      'a key that is not a Jira key',
      { webhookEvent: 'jira:issue_created', issue: { id: '1', key: 'access 1', fields: {} } },
    ],
    [
      'a user without accountId',
      {
        webhookEvent: 'jira:issue_updated',
        user: { displayName: 'x' },
        issue: { id: '1', key: 'ACCESS-1', fields: {} },
      },
    ],
    [
      'a changelog without items',
      { webhookEvent: 'jira:issue_updated', issue: { id: '1', key: 'ACCESS-1', fields: {} }, changelog: { id: '1' } },
    ],
    ['a timestamp that is not a number', { timestamp: 'yesterday', issue: { id: '1', key: 'ACCESS-1', fields: {} } }],
  ])('%s is a schema violation', (_what, body) => {
    expect(jiraWebhookSchema.safeParse(body).success).toBe(false);
  });
});
