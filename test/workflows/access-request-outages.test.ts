import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { leaseActivities } from '../../src/activities/leases';
import { rulesActivities } from '../../src/activities/rules';
import type { LeaseholdActivities } from '../../src/activities/contract';
import { parseRulesText } from '../../src/policy/parse';
import type { RulesStore } from '../../src/policy/rules-store';
import { revokeNowUpdate, stateQuery, statusChangedSignal } from '../../src/workflows/access-request/messages';
import type { AccessRequestInput, EvidenceRecord, RequestSnapshot } from '../../src/workflows/access-request/types';
import type { accessRequestWorkflow } from '../../src/workflows/access-request/workflow';
import { exampleRulesText } from '../harness/leasehold';
import { FakeDirectoryGroup, FakeJira, mockedWorker, outage, timeSkippingEnvironment } from '../harness/time-skipping';

/**
 * A request through outages that last an hour, on the time-skipping server with activities mocked
 * through the contract (the rules and lease activities are the real ones): the expiry clock never
 * waits for Jira, and lookups wait out outages instead of failing the request.
 */
describe('access request through outages', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let group: FakeDirectoryGroup;
  let jira: FakeJira;
  let directoryDown = false;
  const taskQueue = 'access-request-outages';

  beforeAll(async () => {
    env = await timeSkippingEnvironment();
    const parsed = parseRulesText(exampleRulesText());
    if (!parsed.ok) throw new Error('example rules invalid');
    const rules = { current: async () => ({ version: 1, rules: parsed.rules }) } as unknown as RulesStore;
    const real = { ...rulesActivities({ rules, provider: () => { throw new Error('no connector in this test'); }, jira: () => { throw new Error('no Jira in this test'); } }), ...leaseActivities({ client: () => env.client, taskQueue }) };
    const activities: Partial<LeaseholdActivities> = {
      loadPolicy: real.loadPolicy,
      sendLeaseOperation: real.sendLeaseOperation,
      holderStatus: real.holderStatus,
      resolveRequester: async ({ accountId }) => {
        if (directoryDown) throw outage('Okta get user');
        return { requester: { accountId, email: 'alice@example.com', directoryUserId: 'u-alice' }, manager: { email: 'bob@example.com', directoryUserId: 'u-bob' } };
      },
      resolveGroups: async ({ groups }) => groups.map((name) => ({ id: `g-${name}`, name })),
      isMember: (i) => group.activities().isMember(i),
      addMember: (i) => group.activities().addMember(i),
      removeMember: (i) => group.activities().removeMember(i),
      verifyMembership: (i) => group.activities().verifyMembership(i),
      commentOnIssue: (i) => jira.activities().commentOnIssue(i),
      transitionIssue: (i) => jira.activities().transitionIssue(i),
      attachEvidence: (i) => jira.activities().attachEvidence(i),
      // Every claimed decision in these tests is one Jira never recorded.
      verifyDecision: async ({ claim }) => ({ match: { confirmed: false, reason: 'Jira has no changelog entry on this issue' }, actor: { accountId: claim.actorAccountId, approverGroups: [] } }),
    };
    worker = await mockedWorker(env, taskQueue, activities);
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });
  beforeEach(() => {
    group = new FakeDirectoryGroup();
    jira = new FakeJira();
    directoryDown = false;
  });

  let n = 0;
  const start = async (duration: string, maxHistoryEvents?: number) => {
    const issueKey = `ACCESS-${++n}`;
    const input: AccessRequestInput = {
      issueKey,
      application: 'Confluence', // low risk, auto-approved
      accessType: 'User',
      duration,
      justification: 'outage test',
      requester: { accountId: '5b10a2844c20165700ede21a' },
      requestedAt: new Date(await env.currentTimeMs()).toISOString(),
      ...(maxHistoryEvents ? { maxHistoryEvents } : {}),
    };
    const handle = await env.client.workflow.start<typeof accessRequestWorkflow>('accessRequestWorkflow', { workflowId: `access-request-${issueKey}`, taskQueue, args: [input] });
    /** Polls in real time (the test server's clock does not move while we poll). */
    const until = async (check: (s: RequestSnapshot) => boolean, what: string): Promise<RequestSnapshot> => {
      let last: RequestSnapshot | undefined;
      for (let i = 0; i < 200; i++) {
        last = await handle.query(stateQuery).catch(() => last);
        if (last && check(last)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last && { state: last.state, problem: last.problem, jira: last.jiraWriteBack })}`);
    };
    return { issueKey, handle, until };
  };

  test('Jira down from the grant across the expiry: the access ends on time, and every write-back lands once Jira is back', async () => {
    jira.down = true;
    const r = await start('1 hour');
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    expect(group.members.has('u-alice')).toBe(true);

    await env.sleep('61 minutes');
    const expired = await r.until((s) => s.state === 'Expired', 'the expiry');
    const removed = expired.groupChanges.find((c) => c.action === 'removed')!;
    expect(Date.parse(removed.at) - Date.parse(active.expiresAt!)).toBeLessThanOrEqual(5_000);
    expect(group.members.has('u-alice')).toBe(false);
    // Nothing got through to Jira, visibly: the run is still open for its write-back.
    expect(expired.jiraWriteBack).toMatchObject({ pending: expect.any(Number), failing: { error: expect.stringContaining('503') } });
    expect(jira.comments).toEqual([]);

    await env.sleep('2 hours'); // a long outage: still trying, nothing dropped
    jira.down = false;
    const evidence = (await r.handle.result()) as EvidenceRecord;
    expect(evidence.outcome).toBe('Expired');
    expect(jira.comments.map((c) => c.text.split(':')[0])).toEqual(['Access granted', 'Access expired']);
    expect(jira.transitions.map((t) => t.toStatus)).toEqual(['Access Granted', 'Access Expired']);
    expect(jira.attachments.map((a) => a.fileName)).toEqual([`leasehold-evidence-${r.issueKey}.json`]);
  });

  test('an active grant flooded with forged decisions continues as new, keeps its evidence, and still ends on time', async () => {
    const r = await start('1 day', 150);
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    const firstRun = (await r.handle.describe()).runId;
    for (let i = 0; i < 40; i++) {
      await r.handle.signal(statusChangedSignal, { eventId: `forged-${i}`, issueKey: r.issueKey, decision: 'Revoked', status: 'Access Revoked', actorAccountId: '5b10a2844c20165700ede220', at: new Date().toISOString() });
    }
    const flooded = await r.until((s) => s.ignored.length === 40, 'every forged decision judged');
    expect((await r.handle.describe()).runId).not.toBe(firstRun);
    expect(flooded).toMatchObject({ state: 'Active', grantedAt: active.grantedAt, expiresAt: active.expiresAt, groupChanges: active.groupChanges });
    expect(group.members.has('u-alice')).toBe(true);
    // One answer in Jira for the lot, not forty.
    expect(jira.comments.filter((c) => c.text.startsWith('A "Access Revoked" decision'))).toHaveLength(1);

    await env.sleep('1 day');
    const evidence = (await r.handle.result()) as EvidenceRecord;
    expect(evidence).toMatchObject({ outcome: 'Expired', grantedAt: active.grantedAt, autoApproved: true });
    expect(evidence.ignoredEvents).toHaveLength(40);
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(Date.parse(evidence.groupChanges[1]!.at) - Date.parse(active.expiresAt!)).toBeLessThanOrEqual(5_000);
    expect(group.members.has('u-alice')).toBe(false);
  });

  test('a directory lookup failing for an hour is waited out, visibly, and the request then goes on', async () => {
    directoryDown = true;
    const r = await start('2 hours');
    await env.sleep('1 hour');
    const waiting = await r.until((s) => s.problem !== undefined, 'the problem on the run');
    expect(waiting.state).toBe('Resolving');
    expect(waiting.problem!.message).toMatch(/^the requester in Jira and the directory keeps failing: Okta get user: 503/);
    expect(jira.comments.filter((c) => c.text.startsWith('Leasehold is waiting for the requester'))).toHaveLength(1);

    directoryDown = false;
    await env.sleep('20 minutes');
    const active = await r.until((s) => s.state === 'Active', 'the grant after the outage');
    expect(active.problem).toBeUndefined();
    expect(group.members.has('u-alice')).toBe(true);
    await r.handle.executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    expect(((await r.handle.result()) as EvidenceRecord).outcome).toBe('Revoked');
  });
});
