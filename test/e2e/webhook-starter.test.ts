import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { runWorker as runLeaseholdWorker } from '../../src/app/worker-process';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { parseRulesText } from '../../src/policy/parse';
import { RulesStore } from '../../src/temporal/rules-store';
import {
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  JIRA_FIELD_IDS,
  sampleOktaGroups,
  samplePerson,
  sandboxCredentials,
  signWebhookBody,
  type WebhookDelivery,
} from '@leasehold/sandbox';
import { startWebhookStarter } from '../../src/starter/server';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { ensureNamespace } from '../../src/temporal/namespace';
import { stateQuery, statusChangedSignal } from '../../src/workflows/access-request/messages';
import { accessRequestWorkflowId } from '../../src/workflows/ids';
import { startWebhookReceiver, type WebhookReceiver } from '../contract/support/webhook-receiver';
import { eventually, exampleRulesText, Leasehold } from '../harness/leasehold';

/**
 * The webhook starter at its HTTP edge, on the real Temporal server and the sandbox Jira. The sandbox
 * Jira delivers its webhooks to a recorder; the tests hand those exact deliveries (bytes, signature,
 * X-Atlassian-Webhook-Identifier) to the starter themselves, as often and in whatever order Jira might.
 */

const SECRET = sandboxCredentials.jira.webhookSecret;
const alice = samplePerson('alice');
const bob = samplePerson('bob');
const erin = samplePerson('erin');

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

let lh: Leasehold;
let recorder: WebhookReceiver;
let webhookUrl: string;

beforeAll(async () => {
  lh = await Leasehold.start();
  webhookUrl = lh.starter!.webhookUrl;
  // Jira's webhook to the starter is replaced by one to a recorder (same events, same secret).
  const hook = lh.sandboxes.jira.webhooks().find((h) => h.url === webhookUrl)!;
  const removed = await fetch(`${lh.sandboxes.jira.url}/rest/webhooks/1.0/webhook/${hook.id}`, {
    method: 'DELETE',
    headers: {
      authorization: `Basic ${Buffer.from(`${sandboxCredentials.jira.email}:${sandboxCredentials.jira.apiToken}`).toString('base64')}`,
    },
  });
  expect(removed.status).toBe(204);
  recorder = await startWebhookReceiver();
  lh.sandboxes.jira.registerWebhook({
    name: 'recorder',
    url: recorder.url,
    events: ['jira:issue_created', 'jira:issue_updated'],
    secret: SECRET,
  });
});

afterAll(async () => {
  await recorder?.close();
  await lh?.stop();
});

// ---- helpers ----------------------------------------------------------------------------------

/** POSTs like Jira does; Jira gives up on an answer after 10 s, and so does this. */
async function post(body: string | Buffer, headers: Record<string, string>, url = webhookUrl): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Atlassian Webhook HTTP Client',
      'x-atlassian-webhook-flow': 'Primary',
      ...headers,
    },
    signal: AbortSignal.timeout(DEFAULT_WEBHOOK_TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

/** The recorded delivery exactly as Jira sent it (a retry when `retry` is given). */
function deliver(d: WebhookDelivery, options: { url?: string; retry?: number } = {}): Promise<Answer> {
  const headers: Record<string, string> = {
    'x-hub-signature': d.signature!,
    'x-atlassian-webhook-identifier': d.identifier,
  };
  if (options.retry) headers['x-atlassian-webhook-retry'] = String(options.retry);
  return post(d.body, headers, options.url);
}

/** A body signed with the webhook secret, as a new delivery. */
function postSigned(body: string | Buffer): Promise<Answer> {
  return post(body, {
    'x-hub-signature': signWebhookBody(SECRET, body),
    'x-atlassian-webhook-identifier': randomUUID(),
  });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const bodyOf = (d: WebhookDelivery): Json => JSON.parse(d.body) as Json;
/** A Jira changelog item: `toString` is the new value as text (Jira's name, shadowing Object's method). */
interface ChangelogItem {
  field: string;
  toString: string | null;
}

/** The delivery the sandbox Jira made for the issue's creation. */
function recordedCreate(key: string): Promise<WebhookDelivery> {
  return eventually(
    () => lh.sandboxes.jira.deliveries().find((d) => d.issueKey === key && d.webhookEvent === 'jira:issue_created'),
    10_000,
    `the create of ${key}`,
  );
}

/** The delivery the sandbox Jira made when `actor` moved the issue to `status`. */
function recordedMove(key: string, status: string, actor: { jiraAccountId: string }): Promise<WebhookDelivery> {
  return eventually(
    () =>
      lh.sandboxes.jira.deliveries().find((d) => {
        if (d.issueKey !== key || d.webhookEvent !== 'jira:issue_updated') return false;
        const body = bodyOf(d) as { user?: { accountId: string }; changelog?: { items: ChangelogItem[] } };
        return (
          body.user?.accountId === actor.jiraAccountId &&
          (body.changelog?.items ?? []).some((i) => i.field === 'status' && i.toString === status)
        );
      }),
    10_000,
    `the move of ${key} to ${status}`,
  );
}

/** Whether Temporal knows a run of the issue's request (describe is strongly consistent, unlike visibility). */
async function exists(key: string, client: Client = lh.client): Promise<boolean> {
  try {
    await client.workflow.getHandle(accessRequestWorkflowId(key)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Every workflow run in the test namespace, as `id/runId`. */
async function allRuns(): Promise<string[]> {
  const runs: string[] = [];
  for await (const wf of lh.client.workflow.list()) runs.push(`${wf.workflowId}/${wf.runId}`);
  return runs.sort();
}

/** Runs (not just the latest) of the issue's request, from visibility. */
async function runsOf(key: string): Promise<number> {
  let n = 0;
  for await (const _wf of lh.client.workflow.list({ query: `WorkflowId = '${accessRequestWorkflowId(key)}'` })) n++;
  return n;
}

/** A value of the starter's /metrics (summed over series matching `labels`). */
async function metric(name: string, labels: Record<string, string> = {}, baseUrl = lh.starter!.url): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const series = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => series[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

const rejected = (reason: string, baseUrl?: string) => metric('leasehold_webhooks_rejected_total', { reason }, baseUrl);

// ---- the acceptance criteria ------------------------------------------------------------------

describe('the webhook starter', () => {
  test("Atlassian's HMAC test vector: a starter keyed with its secret accepts the signature (then 400, the body is no JSON); one changed digit is 401", async () => {
    const saved = process.env.JIRA_WEBHOOK_SECRET;
    // The rules point the webhook secret at this variable; the starter reads it per delivery.
    process.env.JIRA_WEBHOOK_SECRET = "It's a Secret to Everybody";
    try {
      const signature = 'sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9';
      const accepted = await post('Hello World!', { 'x-hub-signature': signature });
      expect(accepted.status).toBe(400);
      expect(accepted.body.error).toMatch(/^malformed JSON/);
      const refused = await post('Hello World!', { 'x-hub-signature': signature.replace(/9$/, '8') });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('signature does not match the body');
    } finally {
      process.env.JIRA_WEBHOOK_SECRET = saved;
    }
  });

  test('a tampered body, a tampered or foreign signature, or none at all is 401 and leaves no trace in Temporal; the genuine delivery is accepted', async () => {
    const key = await lh.request({ as: 'alice', app: 'Jira Software', level: 'User', why: 'tamper test' });
    const created = await recordedCreate(key);
    const before = await allRuns();
    const unauthorized = await rejected('unauthorized');

    // Someone on the path upgrades the request to Admin but cannot sign it.
    const escalated = created.body.replace('"value":"User"', '"value":"Admin"');
    expect(escalated).not.toBe(created.body);
    const last = created.signature!.at(-1)!;
    const answers = [
      await post(escalated, {
        'x-hub-signature': created.signature!,
        'x-atlassian-webhook-identifier': created.identifier,
      }),
      await post(created.body, {
        'x-hub-signature': created.signature!.slice(0, -1) + (last === '0' ? '1' : '0'),
        'x-atlassian-webhook-identifier': created.identifier,
      }),
      await post(created.body, {
        'x-hub-signature': signWebhookBody('not-the-secret', created.body),
        'x-atlassian-webhook-identifier': created.identifier,
      }),
      await post(created.body, { 'x-atlassian-webhook-identifier': created.identifier }),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(answers[0]!.body.error).toBe('signature does not match the body');
    expect(answers[3]!.body.error).toMatch(/missing X-Hub-Signature/);

    expect(await exists(key)).toBe(false);
    expect(await allRuns()).toEqual(before);
    expect(await rejected('unauthorized')).toBe(unauthorized + 4);

    const genuine = await deliver(created);
    expect(genuine.status).toBe(200);
    expect(genuine.body).toMatchObject({ outcome: 'started', workflowId: accessRequestWorkflowId(key) });
    const state = await lh.waitForState(key, 'AwaitingApproval');
    expect(state.input.accessType).toBe('User');
  });

  test('malformed JSON and schema violations are 400 with the reason, and leave no trace in Temporal', async () => {
    const key = await lh.request({ as: 'erin', app: 'Confluence', level: 'User', why: 'bad bodies' });
    const created = await recordedCreate(key);
    const json = bodyOf(created);
    const before = await allRuns();
    const [malformedBefore, invalidBefore] = [await rejected('malformed_json'), await rejected('invalid_payload')];

    const truncated = await postSigned(created.body.slice(0, Math.floor(created.body.length / 2)));
    expect(truncated.status).toBe(400);
    expect(truncated.body.error).toMatch(/^malformed JSON: /);
    const empty = await postSigned('');
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatch(/^malformed JSON: /);

    const badKey = await postSigned(JSON.stringify({ ...json, issue: { ...json.issue, key: 'access 7' } }));
    expect(badKey.status).toBe(400);
    expect(badKey.body).toEqual({
      error: 'the payload is not a Jira issue event',
      problems: [{ path: 'issue.key', message: 'not a Jira issue key' }],
    });
    const noIssue = await postSigned(
      JSON.stringify({ timestamp: json.timestamp, webhookEvent: 'jira:issue_created', user: json.user }),
    );
    expect(noIssue.status).toBe(400);
    expect(noIssue.body.problems).toEqual([expect.objectContaining({ path: 'issue' })]);
    const badActor = await postSigned(JSON.stringify({ ...json, user: { displayName: 'no account id' } }));
    expect(badActor.status).toBe(400);
    expect(badActor.body.problems).toEqual([expect.objectContaining({ path: 'user.accountId' })]);
    const notAnObject = await postSigned('[]');
    expect(notAnObject.status).toBe(400);

    expect(await exists(key)).toBe(false);
    expect(await allRuns()).toEqual(before);
    expect(await rejected('malformed_json')).toBe(malformedBefore + 2);
    expect(await rejected('invalid_payload')).toBe(invalidBefore + 4);
  });

  test('a signed delivery nesting 20,000 levels deep (in the Justification) is 400 with the reason, not 500', async () => {
    const key = await lh.request({ as: 'erin', app: 'Confluence', level: 'User', why: 'deep' });
    const json = bodyOf(await recordedCreate(key));
    const before = await allRuns();
    // Written as text: JSON.stringify itself could not nest that deep.
    const deep = `${'{"type":"paragraph","content":['.repeat(20_000)}{"type":"text","text":"x"}${']}'.repeat(20_000)}`;
    const fields = { ...json.issue.fields, [JIRA_FIELD_IDS.justification]: '__DEEP__' };
    const answer = await postSigned(
      JSON.stringify({ ...json, issue: { ...json.issue, fields } }).replace('"__DEEP__"', deep),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('the payload nests deeper than 64 levels');
    expect(await allRuns()).toEqual(before);
  });

  test('a body over the limit is 413, declared or streamed, and leaves no trace in Temporal', async () => {
    const before = await allRuns();
    const tooLarge = await rejected('too_large');
    // Valid JSON, padded past 1 MiB, correctly signed: only its size is wrong.
    const big = Buffer.from(
      `{"webhookEvent":"jira:issue_created","issue":{"id":"1","key":"ACCESS-99999","fields":{}}}${' '.repeat(1024 * 1024)}`,
    );
    const declared = await postSigned(big);
    expect(declared.status).toBe(413);
    expect(declared.body.error).toBe('body exceeds 1048576 bytes');

    const res = await fetch(webhookUrl, {
      method: 'POST',
      body: new Blob([big]).stream(),
      duplex: 'half',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signWebhookBody(SECRET, big) },
      signal: AbortSignal.timeout(DEFAULT_WEBHOOK_TIMEOUT_MS),
    } as RequestInit);
    expect(res.status).toBe(413);

    expect(await exists('ACCESS-99999')).toBe(false);
    expect(await allRuns()).toEqual(before);
    expect(await rejected('too_large')).toBe(tooLarge + 2);
  });

  test('events of another project or request type, and comments, are 202 and ignored', async () => {
    const key = await lh.request({ as: 'alice', app: 'GitHub', level: 'Admin', why: 'ignored events' });
    const created = await recordedCreate(key);
    const json = bodyOf(created);

    const otherProject = structuredClone(json);
    otherProject.issue.key = 'OPS-7';
    otherProject.issue.fields.project.key = 'OPS';
    const a = await postSigned(JSON.stringify(otherProject));
    expect(a.status).toBe(202);
    expect(a.body).toMatchObject({ outcome: 'ignored', reason: 'issue OPS-7 is in project OPS, not ACCESS' });

    const otherType = structuredClone(json);
    otherType.issue.fields.customfield_10010.requestType.name = 'Get IT help';
    const b = await postSigned(JSON.stringify(otherType));
    expect(b.status).toBe(202);
    expect(b.body).toMatchObject({
      outcome: 'ignored',
      reason: 'request type "Get IT help" is not an access request type',
    });

    lh.sandboxes.jira.comment(key, 'Looks fine to me', 'bob');
    const commented = await eventually(
      () =>
        lh.sandboxes.jira.deliveries().find((d) => d.issueKey === key && d.issueEventTypeName === 'issue_commented'),
      10_000,
      'the comment delivery',
    );
    const c = await deliver(commented);
    expect(c.status).toBe(202);
    expect(c.body).toMatchObject({ outcome: 'ignored', reason: 'issue_commented without a status change' });

    expect(await exists('OPS-7')).toBe(false);
    expect(await exists(key)).toBe(false);
  });

  test('/readyz is not ready, and says why, while no rules are in force (every delivery would get 503)', async () => {
    const connectors = new ConnectorRegistry();
    let current: Awaited<ReturnType<typeof lh.rules.current>> | undefined;
    const rules = { current: () => Promise.resolve(current) };
    const starter = await startWebhookStarter({
      client: lh.client,
      taskQueue: lh.taskQueue,
      rules,
      jira: connectors.jira.bind(connectors),
      port: 0,
    });
    try {
      const before = await fetch(`${starter.url}/readyz`);
      expect(before.status).toBe(503);
      expect(await before.json()).toEqual({
        status: 'not ready',
        error: expect.stringContaining('no rules applied yet'),
      });
      current = await lh.rules.current();
      const after = await fetch(`${starter.url}/readyz`);
      expect(after.status).toBe(200);
      expect(await after.json()).toEqual({ status: 'ready', rulesVersion: current!.version });
    } finally {
      await starter.close();
    }
  });

  test('with no webhook secret configured it refuses to start, unless unsigned deliveries are explicitly allowed', async () => {
    const connectors = new ConnectorRegistry();
    const options = {
      client: lh.client,
      taskQueue: lh.taskQueue,
      rules: lh.rules,
      jira: connectors.jira.bind(connectors),
      port: 0,
    };
    const saved = process.env.JIRA_WEBHOOK_SECRET;
    delete process.env.JIRA_WEBHOOK_SECRET;
    try {
      await expect(startWebhookStarter(options)).rejects.toThrow(/the webhook starter needs a secret/);
      const open = await startWebhookStarter({ ...options, allowUnsigned: true });
      try {
        const key = await lh.request({ as: 'alice', app: 'GitHub', level: 'Admin', why: 'unsigned' });
        const body = bodyOf(await recordedCreate(key));
        body.issue.key = 'OPS-8';
        body.issue.fields.project.key = 'OPS';
        const unsigned = await post(
          JSON.stringify(body),
          { 'x-atlassian-webhook-identifier': randomUUID() },
          open.webhookUrl,
        );
        expect(unsigned.status).toBe(202);
        expect(unsigned.body.outcome).toBe('ignored');
      } finally {
        await open.close();
      }
    } finally {
      process.env.JIRA_WEBHOOK_SECRET = saved;
    }
  });

  test('the same delivery 5 times has one effect: one workflow for the create, one approval and one group add for the status change', async () => {
    const key = await lh.request({ as: 'alice', app: 'Jira Software', level: 'User', why: 'five times' });
    const created = await recordedCreate(key);
    const creates = await Promise.all([0, 1, 2, 3, 4].map((retry) => deliver(created, { retry })));
    expect(creates.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(creates.map((a) => a.body.outcome).sort()).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'started',
    ]);
    await lh.waitForState(key, 'AwaitingApproval');
    expect(await eventually(async () => (await runsOf(key)) || undefined, 10_000, 'the run in visibility')).toBe(1);

    const assignsBefore = lh.sandboxes.okta.requestCount('assignUserToGroup');
    await lh.move(key, 'Approved by Manager', 'bob');
    const approval = await recordedMove(key, 'Approved by Manager', bob);
    const decisions = await Promise.all([0, 1, 2, 3, 4].map((retry) => deliver(approval, { retry })));
    for (const answer of decisions) expect([200, 202]).toContain(answer.status);
    expect(decisions.filter((a) => a.body.outcome === 'signalled').length).toBeGreaterThanOrEqual(1);

    const active = await lh.waitForState(key, 'Active');
    expect(active.approvals).toEqual([
      expect.objectContaining({ eventId: approval.identifier, email: 'bob@example.com', as: 'manager' }),
    ]);
    expect(active.ignored).toEqual([]);
    expect(active.groupChanges.map((c) => c.action)).toEqual(['added']);

    // Jira keeps retrying after the request moved on: the starter remembers the delivery, answers it as
    // the duplicate it is without asking Jira or Temporal again, and nothing changes.
    await eventually(() => lh.jiraIssue(key).status === 'Access Granted', 10_000, 'the issue to show Access Granted');
    const late = await deliver(approval, { retry: 5 });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ outcome: 'duplicate', reason: 'delivery already handled (signalled)' });

    const group = sampleOktaGroups.find((g) => g.name === 'jira-software-users')!;
    const adds = lh.sandboxes.okta
      .membershipChanges()
      .filter((c) => c.op === 'add' && c.groupId === group.id && c.userId === alice.oktaId);
    expect(adds).toHaveLength(1);
    expect(lh.sandboxes.okta.requestCount('assignUserToGroup') - assignsBefore).toBe(1);
    expect((await lh.state(key)).approvals).toHaveLength(1);
    expect(lh.jiraComments(key).filter((c) => c.includes('already approved'))).toEqual([]);
    expect(await runsOf(key)).toBe(1);
  });

  test('a status change delivered before its create starts the request, which proceeds; the late create is a duplicate', async () => {
    const key = await lh.request({ as: 'alice', app: 'AWS Production', level: 'Read-only', why: 'incident 77' });
    const created = await recordedCreate(key);
    await lh.move(key, 'Approved by Manager', 'bob');
    const approval = await recordedMove(key, 'Approved by Manager', bob);
    expect(await exists(key)).toBe(false);

    const first = await deliver(approval);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ outcome: 'signalled', workflowId: accessRequestWorkflowId(key) });

    const active = await lh.waitForState(key, 'Active');
    expect(active.input).toMatchObject({
      issueKey: key,
      application: 'AWS Production',
      accessType: 'Read-only',
      requester: { accountId: alice.jiraAccountId },
    });
    expect(active.approvals).toEqual([
      expect.objectContaining({ eventId: approval.identifier, email: 'bob@example.com', as: 'manager' }),
    ]);
    expect(lh.sandboxes.okta.groupMembers('aws-prod-readonly')).toContain('alice@example.com');

    const late = await deliver(created);
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ outcome: 'duplicate', workflowId: accessRequestWorkflowId(key) });
    expect(await runsOf(key)).toBe(1);
  });

  test('a replayed old status change cannot approve: the issue had moved on before it arrived, so the request records it and ignores it', async () => {
    const key = await lh.request({ as: 'erin', app: 'AWS Production', level: 'Read-only', why: 'stale replay' });
    expect((await deliver(await recordedCreate(key))).status).toBe(200);
    await lh.waitForState(key, 'AwaitingApproval');

    // Bob approves, then changes his mind; the approval's delivery only arrives afterwards.
    await lh.move(key, 'Approved by Manager', 'bob');
    const approval = await recordedMove(key, 'Approved by Manager', bob);
    await lh.move(key, 'Rejected', 'bob');
    const rejection = await recordedMove(key, 'Rejected', bob);

    const replay = await deliver(approval);
    expect(replay.status).toBe(200);
    expect(replay.body.outcome).toBe('signalled');
    const ignored = await lh.waitFor(key, (s) => s.ignored.length === 1);
    expect(ignored.state).toBe('AwaitingApproval');
    expect(ignored.approvals).toEqual([]);
    expect(ignored.ignored[0]!.reason).toMatch(
      /^superseded: the issue moved on to "Rejected" \(changelog entry \d+, .*\) before this change was delivered/,
    );

    // The same claim sent straight to Temporal with a made-up receipt dated before the rejection: no
    // valid receipt, so it is judged as of now, and the rejection supersedes it just the same.
    const claim = bodyOf(approval) as { changelog: { id: string }; timestamp: number };
    await lh.client.workflow.getHandle(accessRequestWorkflowId(key)).signal(statusChangedSignal, {
      eventId: 'forged-receipt',
      issueKey: key,
      decision: 'Approved',
      status: 'Approved by Manager',
      actorAccountId: bob.jiraAccountId,
      at: new Date(claim.timestamp).toISOString(),
      changelogId: claim.changelog.id,
      received: { receivedAt: new Date(claim.timestamp + 10).toISOString(), attestation: '00'.repeat(32) },
    });
    const forged = await lh.waitFor(key, (s) => s.ignored.length === 2);
    expect(forged.approvals).toEqual([]);
    expect(forged.ignored[1]!.reason).toMatch(
      /^superseded: the issue moved on to "Rejected" .* before it was verified$/,
    );

    const current = await deliver(rejection);
    expect(current.status).toBe(200);
    expect(current.body.outcome).toBe('signalled');
    const denied = await lh.waitForState(key, 'Denied');
    expect(denied.approvals).toEqual([]);
    expect(lh.sandboxes.okta.groupMembers('aws-prod-readonly')).not.toContain(erin.email);
  });

  test('a status change of an issue Jira does not find (deleted, or hidden from Leasehold) is recorded and never counts', async () => {
    const key = await lh.request({ as: 'erin', app: 'AWS Production', level: 'Read-only', why: 'vanished issue' });
    await lh.move(key, 'Approved by Manager', 'bob');
    const body = bodyOf(await recordedMove(key, 'Approved by Manager', bob));
    body.issue.key = 'ACCESS-999999';
    body.issue.id = '999999';

    const answer = await postSigned(JSON.stringify(body));
    expect(answer.status).toBe(200);
    const state = await lh.waitFor('ACCESS-999999', (s) => s.ignored.length === 1);
    expect(state.approvals).toEqual([]);
    expect(state.ignored[0]!.reason).toMatch(/^it could not be verified in Jira: Jira get changelog failed with 404/);
  });

  test("Temporal down: 503 with Retry-After before Jira's timeout; once it is back, Jira's retry of the same delivery succeeds and the request proceeds", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-outage-'));
    const dbFilename = path.join(dir, 'temporal.db');
    const namespace = 'leasehold-outage';
    const taskQueue = 'leasehold-outage';
    // A second Temporal server on a fixed port, persisted to a file, so it can be stopped and started again.
    const first = await devServerOnFreePort(dbFilename);
    const port = first.port;
    let server = first.server;
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace });
    let stopWorker: (() => Promise<void>) | undefined;
    let closeStarter: (() => Promise<void>) | undefined;
    try {
      await ensureNamespace(connection, namespace, 1);
      stopWorker = await runWorker(server.address, namespace, taskQueue);
      const rules = new RulesStore(client, taskQueue, 0);
      const parsed = parseRulesText(exampleRulesText());
      if (!parsed.ok) throw new Error('example rules invalid');
      await rules.submit({ document: parsed.raw, submittedBy: 'webhook-starter test' });
      const connectors = new ConnectorRegistry();
      const starter = await startWebhookStarter({
        client,
        taskQueue,
        rules,
        jira: connectors.jira.bind(connectors),
        port: 0,
      });
      closeStarter = () => starter.close();

      await stopWorker();
      stopWorker = undefined;
      await server.stop();

      const key = await lh.request({ as: 'erin', app: 'Jira Software', level: 'Admin', why: 'during the outage' });
      const created = await recordedCreate(key);
      const down = await deliver(created, { url: starter.webhookUrl });
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('30');
      expect(down.body.error).toMatch(/Temporal/);
      expect((await fetch(`${starter.url}/readyz`)).status).toBe(503);
      expect(await rejected('unavailable', starter.url)).toBe(1);

      // Temporal is back, the workers not yet: the starter needs Temporal only (the rules it read last
      // stand in while nobody answers the rules query), and Jira retries the same delivery until accepted.
      server = await startDevServer({ port, dbFilename, startTimeoutMs: 60_000 });
      let retry = 0;
      const accepted = await eventually(
        async () => {
          const answer = await deliver(created, { url: starter.webhookUrl, retry: ++retry });
          if (answer.status !== 503) return answer;
          return undefined;
        },
        60_000,
        'a retry to be accepted',
      );
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ outcome: 'started', workflowId: accessRequestWorkflowId(key) });
      expect(await exists(key, client)).toBe(true);

      stopWorker = await runWorker(server.address, namespace, taskQueue);
      const proceeding = await eventually(
        async () => {
          const s = await client.workflow
            .getHandle(accessRequestWorkflowId(key))
            .query(stateQuery)
            .catch(() => undefined);
          return s?.state === 'AwaitingApproval' ? s : undefined;
        },
        30_000,
        'the request to await approval',
      );
      expect(proceeding.requester?.email).toBe(erin.email);
      expect((await fetch(`${starter.url}/readyz`)).status).toBe(200);
      // Nothing of this reached the test namespace of the other server.
      expect(await exists(key)).toBe(false);
    } finally {
      await closeStarter?.();
      await stopWorker?.();
      await connection.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('/healthz, /readyz and /metrics: received, rejected by reason, outcomes and latency', async () => {
    const base = lh.starter!.url;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', rulesVersion: expect.any(Number) });

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);

    const received = await metric('leasehold_webhooks_received_total');
    expect(await metric('leasehold_webhooks_received_total', { event: 'jira:issue_created' })).toBeGreaterThan(0);
    expect(await metric('leasehold_webhooks_received_total', { event: 'jira:issue_updated' })).toBeGreaterThan(0);
    // Rejected deliveries are received too: the 401s, 413s and unparseable bodies of the tests above.
    expect(await metric('leasehold_webhooks_received_total', { event: 'unparsed' })).toBeGreaterThanOrEqual(
      4 + 2 + 2 + 4,
    );
    for (const reason of ['unauthorized', 'malformed_json', 'invalid_payload', 'too_large'])
      expect(await rejected(reason)).toBeGreaterThan(0);
    for (const outcome of ['started', 'duplicate', 'signalled', 'ignored']) {
      expect(await metric('leasehold_webhooks_outcome_total', { outcome })).toBeGreaterThan(0);
    }
    // Every delivery received was answered and timed.
    expect(await metric('leasehold_webhook_duration_seconds_count')).toBe(received);
    expect(await metric('leasehold_webhook_duration_seconds_bucket', { le: '+Inf' })).toBe(received);
  });
});

/** A dev server on a port found free (another, should something take it before the server binds it). */
async function devServerOnFreePort(dbFilename: string): Promise<{ server: DevServer; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { server: await startDevServer({ port, dbFilename, startTimeoutMs: 60_000 }), port };
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/** A Leasehold worker on another Temporal server (the outage test's), with the real activities. */
async function runWorker(address: string, namespace: string, taskQueue: string): Promise<() => Promise<void>> {
  const worker = await runLeaseholdWorker({ address, namespace }, taskQueue, {
    workflowBundlePath: process.env.LEASEHOLD_WORKFLOW_BUNDLE,
    rulesCacheMs: 0,
  });
  return () => worker.stop();
}
