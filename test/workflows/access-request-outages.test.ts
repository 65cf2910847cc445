import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { leaseActivities } from '../../src/activities/leases';
import { rulesActivities } from '../../src/activities/rules';
import type { LeaseholdActivities } from '../../src/activities/contract';
import { parseRulesText } from '../../src/policy/parse';
import type { RulesStore } from '../../src/temporal/rules-store';
import { revokeNowUpdate, stateQuery, statusChangedSignal } from '../../src/workflows/access-request/messages';
import type { AccessRequestInput, EvidenceRecord, RequestSnapshot } from '../../src/workflows/access-request/types';
import type { accessRequestWorkflow } from '../../src/workflows/access-request/workflow';
import { exampleRulesText } from '../harness/leasehold';
import { FakeDirectoryGroup, FakeJira, mockedTemporal, outage, pollUntil } from '../harness/time-skipping';

/**
 * A request through outages that last an hour, on the time-skipping server with activities mocked
 * through the contract (the rules and lease activities are the real ones): the expiry clock never
 * waits for Jira, and lookups wait out outages instead of failing the request.
 */
// The time-skipping test server now and then stalls a client call (it rejects the client's keepalive
// pings: "excess pings"); a stalled test is run again rather than reddening the suite. Known, open.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

describe('access request through outages', () => {
  let env: TestWorkflowEnvironment;
  let temporal: Awaited<ReturnType<typeof mockedTemporal>>;
  let group: FakeDirectoryGroup;
  let jira: FakeJira;
  let directoryDown = false;
  const taskQueue = 'access-request-outages';

  beforeAll(async () => {
    temporal = await mockedTemporal(taskQueue, activities);
    env = temporal.env;
  });
  afterAll(async () => {
    await temporal?.stop();
  });

  /** The contract's activities: the rules and lease ones real, the rest mocked. */
  function activities(testEnv: TestWorkflowEnvironment): Partial<LeaseholdActivities> {
    const parsed = parseRulesText(exampleRulesText());
    if (!parsed.ok) throw new Error('example rules invalid');
    const rules = { current: async () => ({ version: 1, rules: parsed.rules }) } as unknown as RulesStore;
    const real = { ...rulesActivities({ rules, provider: () => { throw new Error('no connector in this test'); }, jira: () => { throw new Error('no Jira in this test'); } }), ...leaseActivities({ client: () => testEnv.client, taskQueue }) };
    return {
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
      // Jira recorded only the decisions claimed with a changelog id starting "real-" (made by bob).
      verifyDecision: async ({ claim }) =>
        claim.changelogId?.startsWith('real-')
          ? { match: { confirmed: true, source: { changelogId: claim.changelogId, accountId: claim.actorAccountId, at: claim.at, status: claim.status } }, actor: { accountId: claim.actorAccountId, email: 'bob@example.com', approverGroups: [] } }
          : { match: { confirmed: false, reason: 'Jira has no changelog entry on this issue' }, actor: { accountId: claim.actorAccountId, approverGroups: [] } },
    };
  }
  beforeEach(() => {
    group = new FakeDirectoryGroup();
    jira = new FakeJira();
    directoryDown = false;
  });

  let n = 0;
  const start = async (duration: string, maxHistoryEvents?: number, access = { application: 'Confluence', accessType: 'User' }) => {
    const issueKey = `ACCESS-${++n}`;
    const input: AccessRequestInput = {
      issueKey,
      ...access, // Confluence User: low risk, auto-approved
      duration,
      justification: 'outage test',
      requester: { accountId: '5b10a2844c20165700ede21a' },
      requestedAt: new Date(await env.currentTimeMs()).toISOString(),
      ...(maxHistoryEvents ? { maxHistoryEvents } : {}),
    };
    await env.client.workflow.start<typeof accessRequestWorkflow>('accessRequestWorkflow', { workflowId: `access-request-${issueKey}`, taskQueue, args: [input] });
    // By id, not by first run: the run it reaches may be one continued as new.
    const handle = env.client.workflow.getHandle<typeof accessRequestWorkflow>(`access-request-${issueKey}`);
    const until = (check: (s: RequestSnapshot) => boolean, what: string): Promise<RequestSnapshot> =>
      pollUntil(() => handle.query(stateQuery), check, what, (s) => s && { state: s.state, problem: s.problem, jira: s.jiraWriteBack });
    /**
     * The evidence once the run (maybe one continued as new) has closed: polled, since the test server's
     * long poll on a chain of continued runs can miss the last one's completion.
     */
    const evidence = async (): Promise<EvidenceRecord> => {
      for (let i = 0; i < 120 && (await handle.describe()).status.name === 'RUNNING'; i++) await env.sleep('1 minute');
      return (await handle.result()) as EvidenceRecord;
    };
    return { issueKey, handle, until, evidence };
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
    const evidence = await r.evidence();
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
    const evidence = await r.evidence();
    expect(evidence).toMatchObject({ outcome: 'Expired', grantedAt: active.grantedAt, autoApproved: true });
    expect(evidence.ignoredEvents).toHaveLength(40);
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(Date.parse(evidence.groupChanges[1]!.at) - Date.parse(active.expiresAt!)).toBeLessThanOrEqual(5_000);
    expect(group.members.has('u-alice')).toBe(false);
  });

  test('a request waiting for approval, flooded with forged approvals, continues as new and is still granted by the real one', async () => {
    const r = await start('1 hour', 150, { application: 'AWS Production', accessType: 'Read-only' });
    await r.until((s) => s.state === 'AwaitingApproval', 'the wait for approval');
    const firstRun = (await r.handle.describe()).runId;
    const bob = '5b10a2844c20165700ede21b';
    for (let i = 0; i < 40; i++) {
      await r.handle.signal(statusChangedSignal, { eventId: `forged-${i}`, issueKey: r.issueKey, decision: 'Approved', status: 'Approved by Manager', actorAccountId: bob, at: new Date().toISOString() });
    }
    const flooded = await r.until((s) => s.ignored.length === 40, 'every forged approval judged');
    expect((await r.handle.describe()).runId).not.toBe(firstRun);
    expect(flooded).toMatchObject({ state: 'AwaitingApproval', approvals: [] });
    expect(group.members.has('u-alice')).toBe(false);

    await r.handle.signal(statusChangedSignal, { eventId: 'real', issueKey: r.issueKey, decision: 'Approved', status: 'Approved by Manager', actorAccountId: bob, at: new Date().toISOString(), changelogId: 'real-10101' });
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    expect(active.approvals).toEqual([expect.objectContaining({ email: 'bob@example.com', as: 'manager', source: expect.objectContaining({ changelogId: 'real-10101' }) })]);
    expect(group.members.has('u-alice')).toBe(true);
    expect(jira.comments.filter((c) => c.text.startsWith('Leasehold received this request'))).toHaveLength(1);
    await r.handle.executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    expect((await r.evidence()).ignoredEvents).toHaveLength(40);
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
    expect((await r.evidence()).outcome).toBe('Revoked');
  });
});
