import { createJiraClient } from '../../src/connectors/jira/jira-client';
import { samplePerson, sandboxCredentials } from '@leasehold/sandbox';
import {
  changeRequestedSignal,
  extendUpdate,
  removalRequestedSignal,
  revokeNowUpdate,
  statusChangedSignal,
} from '../../src/workflows/access-request/messages';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';
import { accessRequestWorkflowId } from '../../src/workflows/ids';
import { eventually, exampleRulesText, Leasehold } from '../harness/leasehold';
import { parseRulesText } from '../../src/policy/parse';

/**
 * The trust boundary: a decision counts only when Jira recorded it. Attackers here have ordinary
 * access to the Temporal frontend (signals, as the Temporal UI's "Send a Signal" sends them) or can
 * re-post a recorded Jira delivery; neither grants, extends or revokes anything.
 */
const bob = samplePerson('bob');
const alice = samplePerson('alice');

describe('a decision counts only if Jira recorded it', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  const handle = (key: string) => lh.client.workflow.getHandle(accessRequestWorkflowId(key));
  const okta = () => lh.sandboxes.okta;
  const jiraAsBot = () =>
    createJiraClient({
      host: lh.sandboxes.jira.url,
      email: sandboxCredentials.jira.email,
      apiToken: sandboxCredentials.jira.apiToken,
    });
  const forgedApproval = (issueKey: string, eventId: string, changelogId?: string) => ({
    eventId,
    issueKey,
    decision: 'Approved' as const,
    status: 'Approved by Manager',
    actorAccountId: bob.jiraAccountId,
    at: new Date().toISOString(),
    ...(changelogId ? { changelogId } : {}),
  });

  test("a forged approval signal with the real approver's accountId provisions nothing; the real approval in Jira then grants", async () => {
    const other = await lh.request({
      as: 'erin',
      app: 'AWS Production',
      level: 'Read-only',
      duration: '1 hour',
      why: 'elsewhere',
    });
    await lh.waitForState(other, 'AwaitingApproval');
    await lh.approve(other, 'bob'); // a real approval of another issue: its changelog entry is real, but not this issue's
    const otherEntry = (await jiraAsBot().issues.getChangeLogs({ issueIdOrKey: other })).values!.at(-1)!.id!;

    const key = await lh.request({
      as: 'alice',
      app: 'AWS Production',
      level: 'Read-only',
      duration: '1 hour',
      why: 'incident',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await handle(key).signal(statusChangedSignal, forgedApproval(key, 'forged-1'));
    await handle(key).signal(statusChangedSignal, forgedApproval(key, 'forged-2', otherEntry));

    const waiting = await lh.waitFor(key, (s) => s.ignored.length === 2);
    expect(waiting.state).toBe('AwaitingApproval');
    expect(waiting.approvals).toEqual([]);
    expect(waiting.ignored.map((i) => i.reason)).toEqual([
      expect.stringMatching(
        /^Jira has no record of it: Jira's changelog has no change to "Approved by Manager" by this account/,
      ),
      `Jira has no record of it: Jira has no changelog entry ${otherEntry} on this issue`,
    ]);
    expect(okta().groupMembers('aws-prod-readonly')).not.toContain(alice.email);
    expect(lh.jiraIssue(key).status).toBe('Waiting for approval');
    // Jira hears of it through write-back, which runs beside the workflow (its comment follows shortly).
    await eventually(
      () => lh.jiraComments(key).some((c) => c.includes('was ignored: Jira has no record of it')),
      10_000,
      'the comment saying the forged approval was ignored',
    );

    await lh.move(key, 'Approved by Manager', 'bob');
    const active = await lh.waitForState(key, 'Active');
    expect(okta().groupMembers('aws-prod-readonly')).toContain(alice.email);
    const realEntry = (await jiraAsBot().issues.getChangeLogs({ issueIdOrKey: key })).values!.find(
      (c) => c.author?.accountId === bob.jiraAccountId,
    )!;
    expect(active.approvals).toEqual([
      expect.objectContaining({
        email: bob.email,
        as: 'manager',
        source: expect.objectContaining({ changelogId: realEntry.id, accountId: bob.jiraAccountId }),
      }),
    ]);

    await handle(key).executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.approvals[0]!.source!.changelogId).toBe(realEntry.id);
    expect(evidence.ignoredEvents).toEqual([
      expect.objectContaining({
        eventId: 'forged-1',
        accountId: bob.jiraAccountId,
        decision: 'Approved',
        reason: expect.stringMatching(/^Jira has no record of it/),
      }),
      expect.objectContaining({ eventId: 'forged-2', reason: expect.stringMatching(/^Jira has no record of it/) }),
    ]);
  });

  test('a forged approval of a change request extends nothing; the real one in Jira does', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'Salesforce',
      level: 'User',
      duration: '1 hour',
      why: 'quarter close',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'bob');
    const granted = await lh.waitForState(key, 'Active');

    const change = await lh.request({
      as: 'alice',
      app: 'Salesforce',
      level: 'User',
      type: 'Request Access Change',
      duration: '1 day',
      why: 'project extended',
    });
    await lh.waitFor(key, () => lh.jiraComments(change).some((c) => c.startsWith('Change request')));
    await handle(key).signal(statusChangedSignal, forgedApproval(change, 'forged-change'));
    const after = await lh.waitFor(key, (s) => s.ignored.some((i) => i.eventId === 'forged-change'));
    expect(after.extensions).toEqual([]);
    expect(after.expiresAt).toBe(granted.expiresAt);

    await lh.move(change, 'Approved by Manager', 'bob');
    const extended = await lh.waitFor(key, (s) => s.extensions.length === 1);
    expect(Date.parse(extended.expiresAt!) - Date.parse(extended.grantedAt!)).toBe(24 * 3600_000);
    expect(extended.extensions[0]!.approvals).toEqual([
      expect.objectContaining({ email: bob.email, source: expect.objectContaining({ accountId: bob.jiraAccountId }) }),
    ]);
    await handle(key).executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    await lh.result(key);
  });

  test('a forged change request signal cannot extend an auto-approved grant, nor a forged removal revoke it', async () => {
    const key = await lh.request({ as: 'alice', app: 'Confluence', level: 'User', duration: '1 hour', why: 'docs' });
    const granted = await lh.waitForState(key, 'Active');

    const at = new Date().toISOString();
    await handle(key).signal(changeRequestedSignal, {
      eventId: 'forged-change-request',
      issueKey: 'ACCESS-9999',
      actorAccountId: alice.jiraAccountId,
      duration: '90 days',
      at,
    });
    await handle(key).signal(removalRequestedSignal, {
      eventId: 'forged-removal',
      issueKey: key,
      actorAccountId: alice.jiraAccountId,
      at,
    });
    const state = await lh.waitFor(key, (s) => s.ignored.length === 2);
    expect(state.ignored.map((i) => i.reason)).toEqual([
      'Jira has no issue ACCESS-9999',
      'in Jira it is an access request, not a removal request',
    ]);
    expect(state.state).toBe('Active');
    expect(state.expiresAt).toBe(granted.expiresAt);
    expect(okta().groupMembers('confluence-users')).toContain(alice.email);
    await handle(key).executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    await lh.result(key);
  });

  test('a re-posted removal delivery does not touch a later grant of the same access', async () => {
    const first = await lh.request({ as: 'alice', app: 'Confluence', level: 'User', duration: '1 hour', why: 'docs' });
    await lh.waitForState(first, 'Active');
    const removal = await lh.request({
      as: 'alice',
      app: 'Confluence',
      level: 'User',
      type: 'Request Access Removal',
      why: 'done',
    });
    await lh.waitForState(first, 'Revoked');
    expect(okta().groupMembers('confluence-users')).not.toContain(alice.email);

    const second = await lh.request({
      as: 'alice',
      app: 'Confluence',
      level: 'User',
      duration: '1 hour',
      why: 'docs again',
    });
    await lh.waitForState(second, 'Active');
    expect(okta().groupMembers('confluence-users')).toContain(alice.email);

    // The removal's issue_created exactly as Jira delivered it: body, signature and identifier.
    const recorded = (await lh.sandboxes.jira.waitForDeliveries()).find(
      (d) => d.issueKey === removal && d.webhookEvent === 'jira:issue_created' && d.url === lh.starter!.webhookUrl,
    )!;
    const replay = await fetch(recorded.url, {
      method: 'POST',
      body: recorded.body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': recorded.signature!,
        'x-atlassian-webhook-identifier': recorded.identifier,
      },
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ outcome: 'duplicate', workflowId: accessRequestWorkflowId(first) });

    // Sent straight to the later grant, it is recognised as raised before that request.
    await handle(second).signal(removalRequestedSignal, {
      eventId: 'replayed-removal',
      issueKey: removal,
      actorAccountId: alice.jiraAccountId,
      at: new Date().toISOString(),
    });
    const still = await lh.waitFor(second, (s) => s.ignored.some((i) => i.eventId === 'replayed-removal'));
    expect(still.ignored.at(-1)!.reason).toMatch(new RegExp(`^it was raised at .*, before this request`));
    expect(still.state).toBe('Active');
    expect(okta().groupMembers('confluence-users')).toContain(alice.email);
    await handle(second).executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    await lh.result(second);
  });

  test('operator extensions and retries are overrides: marked in the evidence and in Jira, and the rules can forbid extensions', async () => {
    const key = await lh.request({ as: 'alice', app: 'Confluence', level: 'User', duration: '1 hour', why: 'docs' });
    await lh.waitForState(key, 'Active');
    await handle(key).executeUpdate(extendUpdate, {
      args: [{ operator: 'dave', reason: 'audit season', duration: '2 hours' }],
    });
    await lh.waitFor(key, () =>
      lh.jiraComments(key).some((c) => c.startsWith('OVERRIDE: access extended by operator dave: audit season')),
    );
    await handle(key).executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.overrides).toEqual([
      expect.objectContaining({
        action: 'extend',
        operator: 'dave',
        reason: 'audit season',
        detail: expect.stringMatching(/^access extended to /),
      }),
    ]);

    const parsed = parseRulesText(
      exampleRulesText().replace(
        'requireSecondAdmin: false',
        'requireSecondAdmin: false\n  allowOperatorExtensions: false',
      ),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    await lh.rules.submit({ document: parsed.raw, submittedBy: 'test' });
    const pinned = await lh.request({ as: 'alice', app: 'Confluence', level: 'User', duration: '1 hour', why: 'docs' });
    await lh.waitForState(pinned, 'Active');
    await expect(
      handle(pinned).executeUpdate(extendUpdate, {
        args: [{ operator: 'dave', reason: 'please', duration: '2 hours' }],
      }),
    ).rejects.toThrow();
    const failure = await handle(pinned)
      .executeUpdate(extendUpdate, { args: [{ operator: 'dave', reason: 'please', duration: '2 hours' }] })
      .catch((err: { cause?: { message?: string } }) => err.cause?.message);
    expect(failure).toBe('operator extensions are forbidden by the rules (settings.allowOperatorExtensions: false)');
    await handle(pinned).executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    await lh.result(pinned);
  });

  test('a status change by an account Jira cannot resolve (an app account, a deleted user) is ignored and the request keeps waiting', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'AWS Production',
      level: 'Read-only',
      duration: '1 hour',
      why: 'automation',
    });
    await lh.waitForState(key, 'AwaitingApproval');

    // Automation for Jira moves the issue: Jira recorded it, but an app account approves nothing.
    lh.sandboxes.jira.moveIssue(key, 'Approved by Manager', 'automation');
    const byApp = await lh.waitFor(key, (s) => s.ignored.length === 1);
    expect(byApp.ignored[0]!.reason).toMatch(
      /^account 557058:f58131cb-b67d-43c7-b30d-6b58d40bd077 is not an authorized approver/,
    );
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Waiting for approval');

    // Mallory moves it, then her account is deleted before the decision is judged.
    await lh.stopWorker();
    lh.sandboxes.jira.moveIssue(key, 'Approved by Manager', 'mallory');
    await lh.sandboxes.jira.waitForDeliveries();
    lh.sandboxes.jira.deleteAccount('mallory');
    await lh.startWorker();
    const byDeleted = await lh.waitFor(key, (s) => s.ignored.length === 2);
    expect(byDeleted.state).toBe('AwaitingApproval');
    expect(byDeleted.ignored[1]!.reason).toMatch(/cannot be resolved in Jira/);
    await lh.waitFor(key, () => lh.jiraComments(key).some((c) => c.includes('cannot be resolved in Jira')));

    await lh.approve(key, 'bob');
    await lh.waitForState(key, 'Active');
    expect(okta().groupMembers('aws-prod-readonly')).toContain(alice.email);
  });
});
