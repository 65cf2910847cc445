/**
 * Contract of the sandbox Jira with the real jira.js v5 clients: each call Leasehold makes (the Jira
 * table of the wire-contracts reference) against the sandbox on a free port, unmodified clients.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  createJiraClient,
  createServiceDeskClient,
  isJiraHttpException,
  type JiraHttpException,
  type Version3Client,
} from '../../src/connectors/jira/jira-client';
import {
  AUTOMATION_ACCOUNT_ID,
  JIRA_FIELD_IDS,
  type JiraSandbox,
  samplePerson,
  sandboxCredentials,
  startJiraSandbox,
} from '@leasehold/sandbox';

const execFileAsync = promisify(execFile);
const bot = sandboxCredentials.jira;
const basicAuth = `Basic ${Buffer.from(`${bot.email}:${bot.apiToken}`).toString('base64')}`;
const alice = samplePerson('alice');
const frank = samplePerson('frank');

let sandbox: JiraSandbox;
let jira: Version3Client;

beforeAll(async () => {
  sandbox = await startJiraSandbox({ extraOptions: { duration: ['2 seconds'] } });
  jira = createJiraClient({ host: sandbox.url, email: bot.email, apiToken: bot.apiToken });
});

afterAll(async () => {
  await sandbox.close();
});

afterEach(() => {
  sandbox.faults.reset();
});

const adf = (text: string) => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
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

const dataOf = (err: JiraHttpException): unknown => (err.response as { data?: unknown }).data;
const headersOf = (err: JiraHttpException): Record<string, string> =>
  (err.cause as { response: { headers: Record<string, string> } }).response.headers;

async function createAccessRequest(
  client: Version3Client = jira,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; key: string; self: string }> {
  const created = await client.issues.createIssue({
    fields: {
      project: { key: 'ACCESS' },
      issuetype: { name: 'Service Request with Approvals' },
      summary: 'GitHub admin for the release',
      description: 'Need to rotate the deploy keys.',
      [JIRA_FIELD_IDS.requestType]: 'Request Application Access',
      [JIRA_FIELD_IDS.application]: { value: 'GitHub' },
      [JIRA_FIELD_IDS.accessType]: { value: 'Admin' },
      [JIRA_FIELD_IDS.duration]: { value: '1 hour' },
      [JIRA_FIELD_IDS.justification]: adf('Release 4.2 needs admin on the org.'),
      ...extra,
    },
  });
  return { id: String(created.id), key: String(created.key), self: String(created.self) };
}

describe('field discovery', () => {
  it('lists the custom fields by name with Jira field shapes', async () => {
    const fields = await jira.issueFields.getFields();
    const byName = (name: string) => fields.find((f) => f.name === name);

    expect(byName('Access Type')).toMatchObject({
      id: 'customfield_10051',
      key: 'customfield_10051',
      custom: true,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: expect.arrayContaining(['cf[10051]', 'Access Type']),
      schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10051 },
    });
    expect(byName('Application')?.id).toBe('customfield_10050');
    expect(byName('Duration')?.id).toBe('customfield_10052');
    expect(byName('Justification')?.schema).toMatchObject({
      type: 'string',
      custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea',
    });
    expect(byName('Request Type')?.id).toBe('customfield_10010');
    expect(byName('Summary')).toMatchObject({
      id: 'summary',
      custom: false,
      schema: { type: 'string', system: 'summary' },
    });
    expect(byName('Status')?.custom).toBe(false);
  });
});

describe('issues.createIssue', () => {
  it('creates an issue (201 { id, key, self }) reported by the acting user', async () => {
    const aliceClient = createJiraClient({ host: sandbox.url, email: alice.email, apiToken: alice.jiraApiToken });
    const created = await createAccessRequest(aliceClient);

    expect(created.key).toMatch(/^ACCESS-\d+$/);
    expect(created.self).toBe(`${sandbox.url}/rest/api/3/issue/${created.id}`);
    expect(sandbox.issue(created.key)).toMatchObject({
      id: created.id,
      reporterAccountId: alice.jiraAccountId,
      requestType: 'Request Application Access',
      issueType: 'Service Request with Approvals',
      status: 'Waiting for approval',
      application: 'GitHub',
      accessType: 'Admin',
      duration: '1 hour',
      justification: 'Release 4.2 needs admin on the org.',
      description: 'Need to rotate the deploy keys.',
    });
  });

  it('takes options by id, the request type by id and another reporter', async () => {
    const admin = sandbox.catalog.selectFields.accessType.options.find((o) => o.value === 'Read-only')!;
    const twoSeconds = sandbox.catalog.selectFields.duration.options.find((o) => o.value === '2 seconds')!;
    const created = await createAccessRequest(jira, {
      [JIRA_FIELD_IDS.requestType]: '12',
      [JIRA_FIELD_IDS.accessType]: { id: admin.id },
      [JIRA_FIELD_IDS.duration]: { id: twoSeconds.id },
      reporter: { accountId: alice.jiraAccountId },
    });

    expect(sandbox.issue(created.key)).toMatchObject({
      requestType: 'Request Access Change',
      accessType: 'Read-only',
      duration: '2 seconds',
      reporterAccountId: alice.jiraAccountId,
    });
  });

  it('rejects an unknown option with 400 naming the field', async () => {
    const err = await httpError(createAccessRequest(jira, { [JIRA_FIELD_IDS.accessType]: { value: 'Superuser' } }));

    expect(err.status).toBe(400);
    expect(dataOf(err)).toEqual({
      errorMessages: [],
      errors: { customfield_10051: "Option value 'Superuser' is not valid" },
    });
  });

  it('reports every invalid field at once, in Jira words', async () => {
    const err = await httpError(
      jira.issues.createIssue({
        fields: {
          project: { key: 'NOPE' },
          issuetype: { name: 'Service Request' },
          summary: '',
          [JIRA_FIELD_IDS.justification]: 'plain text in v3',
          customfield_99999: 'x',
        },
      }),
    );

    expect(err.status).toBe(400);
    expect(dataOf(err)).toEqual({
      errorMessages: [],
      errors: {
        project: 'Specify a valid project ID or key',
        summary: 'You must specify a summary of the issue.',
        customfield_10053: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
        customfield_99999: "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown.",
      },
    });
  });
});

describe('issues.getIssue', () => {
  it('returns only the requested fields', async () => {
    const { key, id } = await createAccessRequest();
    const issue = await jira.issues.getIssue({
      issueIdOrKey: key,
      fields: ['summary', 'status', JIRA_FIELD_IDS.accessType],
    });

    expect(issue).toMatchObject({ id, key, self: `${sandbox.url}/rest/api/3/issue/${id}` });
    expect(Object.keys(issue.fields).sort()).toEqual(['customfield_10051', 'status', 'summary']);
    expect(issue.fields.status).toMatchObject({
      id: '10002',
      name: 'Waiting for approval',
      statusCategory: { key: 'new', name: 'To Do' },
    });
    const accessType = sandbox.catalog.selectFields.accessType.options.find((o) => o.value === 'Admin')!;
    expect(issue.fields[JIRA_FIELD_IDS.accessType]).toEqual({
      self: `${sandbox.url}/rest/api/3/customFieldOption/${accessType.id}`,
      value: 'Admin',
      id: accessType.id,
    });
  });

  it('returns every field by default, with the JSM request type value and null for unset fields', async () => {
    const { key } = await createAccessRequest(jira, { [JIRA_FIELD_IDS.duration]: null });
    const issue = await jira.issues.getIssue({ issueIdOrKey: key });
    const fields = issue.fields as Record<string, unknown>;

    expect(fields[JIRA_FIELD_IDS.duration]).toBeNull();
    expect(fields.assignee).toBeNull();
    expect(fields.reporter).toMatchObject({
      accountId: samplePerson('leasehold').jiraAccountId,
      emailAddress: bot.email,
      accountType: 'atlassian',
    });
    expect(fields.description).toEqual(adf('Need to rotate the deploy keys.'));
    expect(fields[JIRA_FIELD_IDS.requestType]).toMatchObject({
      _links: { web: `${sandbox.url}/servicedesk/customer/portal/1/${key}` },
      requestType: {
        id: '10',
        name: 'Request Application Access',
        issueTypeId: '10004',
        serviceDeskId: '1',
        groupIds: ['1'],
      },
      currentStatus: {
        status: 'Waiting for approval',
        statusCategory: 'NEW',
        statusDate: { epochMillis: expect.any(Number) },
      },
    });
  });

  it('answers 404 in Jira format for an unknown issue', async () => {
    const err = await httpError(jira.issues.getIssue({ issueIdOrKey: 'ACCESS-999999' }));

    expect(err.status).toBe(404);
    expect(dataOf(err)).toEqual({
      errorMessages: ['Issue does not exist or you do not have permission to see it.'],
      errors: {},
    });
  });
});

describe('issues.getTransitions and issues.doTransition', () => {
  it('offers a global transition into every other status', async () => {
    const { key } = await createAccessRequest();
    const { transitions = [] } = await jira.issues.getTransitions({ issueIdOrKey: key });
    const targets = transitions.map((t) => t.to?.name);

    expect(targets).toEqual(
      expect.arrayContaining([
        'Approved by Manager',
        'Rejected',
        'Access Granted',
        'Access Expired',
        'Access Revoked',
        'Access Failed',
        'Declined by User',
      ]),
    );
    expect(targets).not.toContain('Waiting for approval');
    const approve = transitions.find((t) => t.to?.name === 'Approved by Manager');
    expect(approve).toMatchObject({
      id: '21',
      hasScreen: false,
      isGlobal: true,
      isAvailable: true,
      to: { id: '10010', statusCategory: { key: 'indeterminate' } },
    });
  });

  it('moves the issue (204) and back to Waiting for approval', async () => {
    const { key } = await createAccessRequest();
    const grant = (await jira.issues.getTransitions({ issueIdOrKey: key })).transitions!.find(
      (t) => t.to?.name === 'Access Granted',
    )!;

    await expect(jira.issues.doTransition({ issueIdOrKey: key, transition: { id: grant.id! } })).resolves.toBeFalsy();
    expect(sandbox.issue(key)?.status).toBe('Access Granted');

    const back = (await jira.issues.getTransitions({ issueIdOrKey: key })).transitions!.find(
      (t) => t.to?.name === 'Waiting for approval',
    )!;
    await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: back.id! } });
    expect(sandbox.issue(key)?.status).toBe('Waiting for approval');
  });

  it('sets the resolution on entering a done status', async () => {
    const { key } = await createAccessRequest();
    await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '61' } });
    const issue = await jira.issues.getIssue({ issueIdOrKey: key, fields: ['status', 'resolution'] });

    expect(issue.fields.status?.statusCategory?.key).toBe('done');
    expect(issue.fields.resolution).toMatchObject({ name: 'Done' });
  });

  it('answers 400 for an unknown transition and for one into the current status', async () => {
    const { key } = await createAccessRequest();

    const unknown = await httpError(jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '999' } }));
    expect(unknown.status).toBe(400);
    expect(dataOf(unknown)).toEqual({
      errorMessages: ["Transition id '999' is not valid for this issue."],
      errors: {},
    });

    const same = await httpError(jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '11' } }));
    expect(same.status).toBe(400);
  });
});

describe('issues.getChangeLogs', () => {
  it('lists every status change oldest first, with its author and time', async () => {
    const { key } = await createAccessRequest();
    await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '21' } }); // Approved by Manager
    await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: '11' } }); // back to Waiting for approval

    const page = await jira.issues.getChangeLogs({ issueIdOrKey: key });
    expect(page).toMatchObject({ startAt: 0, maxResults: 100, total: 2, isLast: true });
    expect(page.nextPage).toBeUndefined();
    const ids = page.values!.map((c) => Number(c.id));
    expect(ids[1]).toBeGreaterThan(ids[0]!);
    const [approved] = page.values!;
    expect(approved).toMatchObject({
      author: { accountId: samplePerson('leasehold').jiraAccountId, displayName: 'Leasehold Bot' },
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
    });
    expect(approved!.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  });

  it('pages with startAt and maxResults, and names the next page', async () => {
    const { key } = await createAccessRequest();
    for (const id of ['21', '11', '21']) await jira.issues.doTransition({ issueIdOrKey: key, transition: { id } });

    const first = await jira.issues.getChangeLogs({ issueIdOrKey: key, maxResults: 2 });
    expect(first).toMatchObject({ startAt: 0, maxResults: 2, total: 3, isLast: false });
    expect(first.nextPage).toBe(`${sandbox.url}/rest/api/3/issue/${key}/changelog?startAt=2&maxResults=2`);
    const second = await jira.issues.getChangeLogs({ issueIdOrKey: key, startAt: 2, maxResults: 2 });
    expect(second).toMatchObject({ startAt: 2, total: 3, isLast: true });
    expect(second.values!.map((c) => c.items![0]!.toString)).toEqual(['Approved by Manager']);
  });

  it('answers 404 for an unknown issue', async () => {
    const err = await httpError(jira.issues.getChangeLogs({ issueIdOrKey: 'ACCESS-999999' }));
    expect(err.status).toBe(404);
  });
});

describe('issueComments.addComment', () => {
  it('adds a plain-text comment (sent as ADF) and answers 201 with the comment', async () => {
    const { key, id } = await createAccessRequest();
    const comment = await jira.issueComments.addComment({ issueIdOrKey: key, comment: 'Access granted until 17:00.' });

    expect(comment).toMatchObject({
      self: `${sandbox.url}/rest/api/3/issue/${id}/comment/${comment.id}`,
      author: { accountId: samplePerson('leasehold').jiraAccountId, displayName: 'Leasehold Bot' },
      body: adf('Access granted until 17:00.'),
      jsdPublic: true,
    });
    expect(comment.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(sandbox.comments(key).map((c) => c.text)).toEqual(['Access granted until 17:00.']);
  });

  it('adds an ADF comment as given and pages comments', async () => {
    const { key } = await createAccessRequest();
    const body = {
      type: 'doc' as const,
      version: 1 as const,
      content: [
        {
          type: 'paragraph' as const,
          content: [
            { type: 'text' as const, text: 'Expires ', marks: [] },
            { type: 'text' as const, text: 'today', marks: [{ type: 'strong' as const }] },
          ],
        },
      ],
    };
    await jira.issueComments.addComment({ issueIdOrKey: key, comment: 'first' });
    await jira.issueComments.addComment({ issueIdOrKey: key, comment: body });

    const page = await jira.issueComments.getComments({ issueIdOrKey: key, startAt: 1, maxResults: 1 });
    expect(page).toMatchObject({ startAt: 1, maxResults: 1, total: 2 });
    expect(page.comments?.[0]?.body).toEqual(body);
  });

  it('rejects a body that is not a document', async () => {
    const { key } = await createAccessRequest();
    const err = await httpError(
      jira.issueComments.addComment({ issueIdOrKey: key, comment: { type: 'paragraph' } as never }),
    );

    expect(err.status).toBe(400);
    expect(dataOf(err)).toMatchObject({ errors: { comment: expect.stringContaining('Atlassian Document') } });
  });
});

describe('issueAttachments.addAttachment', () => {
  /**
   * jira.js's CommonJS build loads `node:stream` with a dynamic import inside addAttachment, which
   * jest's module sandbox refuses (it needs --experimental-vm-modules). So the unmodified call runs
   * in a plain Node process, as it does in the product.
   */
  const ATTACH = `
    const { Version3Client } = require('jira.js');
    const [host, email, apiToken, issueIdOrKey, filename, base64, mimeType] = process.argv.slice(1);
    new Version3Client({ host, authentication: { basic: { email, apiToken } } }).issueAttachments
      .addAttachment({ issueIdOrKey, attachment: { filename, file: Buffer.from(base64, 'base64'), mimeType } })
      .then((result) => process.stdout.write(JSON.stringify(result)), (err) => { process.stderr.write(String((err && err.stack) || err)); process.exit(1); });
  `;

  async function addAttachment(
    issueKey: string,
    filename: string,
    content: Buffer,
    mimeType: string,
  ): Promise<Array<Record<string, unknown>>> {
    const { stdout } = await execFileAsync(
      process.execPath,
      ['-e', ATTACH, sandbox.url, bot.email, bot.apiToken, issueKey, filename, content.toString('base64'), mimeType],
      {
        cwd: path.resolve(__dirname, '../..'),
      },
    );
    return JSON.parse(stdout) as Array<Record<string, unknown>>;
  }

  it('uploads an evidence file as multipart and answers with attachment objects', async () => {
    const { key } = await createAccessRequest();
    const evidence = Buffer.from(JSON.stringify({ grant: 'github-admins', at: '2026-11-22T10:00:00Z' }));
    const [attachment] = await addAttachment(key, 'evidence.json', evidence, 'application/json');

    expect(attachment).toMatchObject({
      filename: 'evidence.json',
      size: evidence.length,
      mimeType: 'application/json',
      author: { accountId: samplePerson('leasehold').jiraAccountId },
      content: `${sandbox.url}/rest/api/3/attachment/content/${String(attachment?.id)}`,
    });
    expect(sandbox.attachments(key)[0]?.content.equals(evidence)).toBe(true);
  });

  it('refuses an upload without X-Atlassian-Token: no-check', async () => {
    const { key } = await createAccessRequest();
    const form = new FormData();
    form.append('file', new Blob(['{}'], { type: 'application/json' }), 'evidence.json');
    const res = await fetch(`${sandbox.url}/rest/api/3/issue/${key}/attachments`, {
      method: 'POST',
      headers: { authorization: basicAuth },
      body: form,
    });

    expect(res.status).toBe(403);
    expect(await res.text()).toBe('XSRF check failed');
    expect(sandbox.attachments(key)).toEqual([]);
  });
});

describe('users', () => {
  it('getUser returns the Jira user with email address', async () => {
    const user = await jira.users.getUser({ accountId: alice.jiraAccountId });

    expect(user).toMatchObject({
      self: `${sandbox.url}/rest/api/3/user?accountId=${alice.jiraAccountId}`,
      accountId: alice.jiraAccountId,
      accountType: 'atlassian',
      emailAddress: 'alice@example.com',
      displayName: 'Alice Anders',
      active: true,
      timeZone: expect.any(String),
      avatarUrls: { '48x48': expect.any(String) },
    });
  });

  it('getUser hides the email address of a user whose privacy settings hide it', async () => {
    const user = await jira.users.getUser({ accountId: frank.jiraAccountId });

    expect(user.displayName).toBe('Frank Fischer');
    expect(user).not.toHaveProperty('emailAddress');
  });

  it('getUser answers 404 for an unknown account', async () => {
    const err = await httpError(jira.users.getUser({ accountId: '000000000000000000000000' }));
    expect(err.status).toBe(404);
  });

  it('getUser answers an app account (Automation for Jira) with accountType app and no email', async () => {
    const user = await jira.users.getUser({ accountId: AUTOMATION_ACCOUNT_ID });
    expect(user).toMatchObject({
      accountId: AUTOMATION_ACCOUNT_ID,
      accountType: 'app',
      displayName: 'Automation for Jira',
    });
    expect(user).not.toHaveProperty('emailAddress');
  });

  it('a deleted account stays in the changelog as "Former user", and getUser answers 404', async () => {
    const site = await startJiraSandbox();
    try {
      const client = createJiraClient({ host: site.url, email: bot.email, apiToken: bot.apiToken });
      const { key } = await createAccessRequest(client);
      site.moveIssue(key, 'Approved by Manager', 'mallory');
      site.deleteAccount('mallory');

      const [entry] = (await client.issues.getChangeLogs({ issueIdOrKey: key })).values!;
      expect(entry!.author).toMatchObject({
        accountId: samplePerson('mallory').jiraAccountId,
        displayName: 'Former user',
        active: false,
      });
      expect((await httpError(client.users.getUser({ accountId: samplePerson('mallory').jiraAccountId }))).status).toBe(
        404,
      );
    } finally {
      await site.close();
    }
  });

  it('myself and user search find people', async () => {
    expect((await jira.myself.getCurrentUser()).emailAddress).toBe(bot.email);
    const found = await jira.userSearch.findUsers({ query: 'ali' });
    expect(found.map((u) => u.accountId)).toEqual([alice.jiraAccountId]);
    expect(await jira.userSearch.findUsers({ query: 'frank@' })).toEqual([]);
  });

  it('answers 401 to a bad API token', async () => {
    const wrong = createJiraClient({ host: sandbox.url, email: bot.email, apiToken: 'not-the-token' });
    const err = await httpError(wrong.myself.getCurrentUser());

    expect(err.status).toBe(401);
    expect(dataOf(err)).toBe('Client must be authenticated to access this resource.');
  });
});

describe('JSM request.createCustomerRequest', () => {
  it('raises a request on behalf of a customer, creating the same kind of issue', async () => {
    const serviceDesk = createServiceDeskClient({ host: sandbox.url, email: bot.email, apiToken: bot.apiToken });
    const application = sandbox.catalog.selectFields.application.options.find((o) => o.value === 'Salesforce')!;
    const request = (await serviceDesk.request.createCustomerRequest({
      serviceDeskId: '1',
      requestTypeId: '10',
      raiseOnBehalfOf: alice.jiraAccountId,
      requestFieldValues: {
        summary: 'Salesforce for the quarter close',
        [JIRA_FIELD_IDS.application]: { id: application.id },
        [JIRA_FIELD_IDS.accessType]: { value: 'User' },
        [JIRA_FIELD_IDS.duration]: { value: '7 days' },
        [JIRA_FIELD_IDS.justification]: 'Quarter close reporting.',
      },
    })) as {
      issueKey: string;
      requestTypeId: string;
      reporter: { accountId: string };
      currentStatus: { status: string };
    };

    expect(request).toMatchObject({
      requestTypeId: '10',
      reporter: { accountId: alice.jiraAccountId },
      currentStatus: { status: 'Waiting for approval' },
    });
    expect(sandbox.issue(request.issueKey)).toMatchObject({
      requestType: 'Request Application Access',
      application: 'Salesforce',
      reporterAccountId: alice.jiraAccountId,
      justification: 'Quarter close reporting.',
    });
    const issue = await jira.issues.getIssue({ issueIdOrKey: request.issueKey, fields: [JIRA_FIELD_IDS.requestType] });
    expect(issue.fields[JIRA_FIELD_IDS.requestType]).toMatchObject({ requestType: { id: '10' } });
  });

  it('answers a JSM error for an unknown option', async () => {
    const serviceDesk = createServiceDeskClient({ host: sandbox.url, email: bot.email, apiToken: bot.apiToken });
    const err = await httpError(
      serviceDesk.request.createCustomerRequest({
        serviceDeskId: '1',
        requestTypeId: '10',
        requestFieldValues: { summary: 'x', [JIRA_FIELD_IDS.duration]: { value: 'forever' } },
      }),
    );

    expect(err.status).toBe(400);
    expect(dataOf(err)).toMatchObject({
      errorMessage: expect.stringContaining("Option value 'forever' is not valid"),
      i18nErrorMessage: { i18nKey: expect.any(String) },
    });
  });
});

describe('REST v2', () => {
  it('shows rich text as wiki strings', async () => {
    const { key } = await createAccessRequest();
    const res = await fetch(
      `${sandbox.url}/rest/api/2/issue/${key}?fields=description,${JIRA_FIELD_IDS.justification}`,
      {
        headers: { authorization: basicAuth },
      },
    );
    const issue = (await res.json()) as { self: string; fields: Record<string, unknown> };

    expect(issue.self).toContain('/rest/api/2/issue/');
    expect(issue.fields).toEqual({
      description: 'Need to rotate the deploy keys.',
      customfield_10053: 'Release 4.2 needs admin on the org.',
    });
  });
});

describe('faults', () => {
  it('passes a 429 with Retry-After, X-RateLimit-Reset and RateLimit-Reason to the caller (jira.js does not retry)', async () => {
    const { key } = await createAccessRequest();
    sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 7 });

    const err = await httpError(jira.issues.getIssue({ issueIdOrKey: key }));
    expect(err.status).toBe(429);
    const headers = headersOf(err);
    expect(headers['retry-after']).toBe('7');
    expect(headers['x-ratelimit-reset']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
    expect(Number.isNaN(Date.parse(headers['x-ratelimit-reset']!))).toBe(false);
    expect(headers['ratelimit-reason']).toBe('jira-burst-based');
    expect(dataOf(err)).toMatchObject({ errorMessages: [expect.any(String)] });

    await expect(jira.issues.getIssue({ issueIdOrKey: key })).resolves.toMatchObject({ key });
  });

  it('answers injected server errors in Jira body format', async () => {
    sandbox.faults.update({ failNext: 1 });
    const err = await httpError(jira.myself.getCurrentUser());

    expect(err.status).toBe(500);
    expect(dataOf(err)).toEqual({ errorMessages: ['Internal server error'], errors: {} });
  });
});
