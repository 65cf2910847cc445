/**
 * Contract of the sandbox Jira's assignee with the real jira.js v3 client: an issue created with an
 * assignee, re-assigned with `PUT /issue/{key}/assignee` (as the Jira UI does), and the changelog entry
 * that tells Leasehold who was in the field when the request was raised.
 */
import { createJiraClient, isJiraHttpException, type Version3Client } from '../../src/connectors/jira/jira-client';
import { type JiraSandbox, samplePerson, startJiraSandbox } from '@leasehold/sandbox';

const alice = samplePerson('alice');
const carol = samplePerson('carol');
const frank = samplePerson('frank');

let sandbox: JiraSandbox;
let asAlice: Version3Client;

beforeAll(async () => {
  sandbox = await startJiraSandbox();
  asAlice = createJiraClient({ host: sandbox.url, email: alice.email, apiToken: alice.jiraApiToken });
});
afterAll(async () => {
  await sandbox.close();
});

test('created with an assignee, re-assigned by the reporter: the issue and its changelog say who and when', async () => {
  const { key } = await asAlice.issues.createIssue({
    fields: {
      project: { key: 'ACCESS' },
      issuetype: { name: 'Service Request' },
      summary: 'Finance reports',
      assignee: { accountId: carol.jiraAccountId },
    },
  });
  expect((await asAlice.issues.getIssue({ issueIdOrKey: key, fields: ['assignee'] })).fields.assignee?.accountId).toBe(
    carol.jiraAccountId,
  );

  await asAlice.issues.assignIssue({ issueIdOrKey: key, accountId: frank.jiraAccountId });
  const issue = await asAlice.issues.getIssue({ issueIdOrKey: key, fields: ['assignee'] });
  expect(issue.fields.assignee?.accountId).toBe(frank.jiraAccountId);
  const log = await asAlice.issues.getChangeLogs({ issueIdOrKey: key });
  expect(log.values).toEqual([
    expect.objectContaining({
      author: expect.objectContaining({ accountId: alice.jiraAccountId }),
      items: [
        expect.objectContaining({
          field: 'assignee',
          fieldId: 'assignee',
          from: carol.jiraAccountId,
          to: frank.jiraAccountId,
          toString: 'Frank Fischer',
        }),
      ],
    }),
  ]);
});

test('an unknown account is a 400 naming the assignee field', async () => {
  const { key } = await asAlice.issues.createIssue({
    fields: { project: { key: 'ACCESS' }, issuetype: { name: 'Service Request' }, summary: 'x' },
  });
  const failure = await asAlice.issues.assignIssue({ issueIdOrKey: key, accountId: 'nobody' }).catch((e: unknown) => e);
  expect(isJiraHttpException(failure) && failure.status).toBe(400);
  expect(JSON.stringify((failure as { response?: unknown }).response ?? failure)).toContain('assignee');
});
