import { revokeNowUpdate, statusChangedSignal } from '../../src/workflows/access-request/messages';
import { people, requestSuite } from '../harness/requests';

/**
 * A request through outages that last an hour, on the time-skipping server with activities mocked
 * through the contract (the rules and lease activities are the real ones): the expiry clock never
 * waits for Jira, and lookups wait out outages instead of failing the request.
 */
describe('access request through outages', () => {
  const suite = requestSuite('access-request-outages');
  const group = () => suite.world.directory.group('confluence-users');
  const awsReaders = () => suite.world.directory.group('aws-prod-readonly');
  // Confluence User: low risk, auto-approved.
  const start = (
    duration: string,
    maxHistoryEvents?: number,
    access = { application: 'Confluence', accessType: 'User' },
  ) => suite.start({ ...access, duration, maxHistoryEvents });

  test('Jira down from the grant across the expiry: the access ends on time, and every write-back lands once Jira is back', async () => {
    suite.world.jira.down = true;
    const r = await start('1 hour');
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    expect(group().members.has('u-alice')).toBe(true);

    await suite.env.sleep('61 minutes');
    const expired = await r.until((s) => s.state === 'Expired', 'the expiry');
    const removed = expired.groupChanges.find((c) => c.action === 'removed')!;
    expect(Date.parse(removed.at) - Date.parse(active.expiresAt!)).toBeLessThanOrEqual(5_000);
    expect(group().members.has('u-alice')).toBe(false);
    // Nothing got through to Jira, visibly: the run is still open for its write-back.
    expect(expired.jiraWriteBack).toMatchObject({
      pending: expect.any(Number),
      failing: { error: expect.stringContaining('503') },
    });
    expect(suite.world.jira.comments).toEqual([]);

    await suite.env.sleep('2 hours'); // a long outage: still trying, nothing dropped
    suite.world.jira.down = false;
    const evidence = await r.evidence();
    expect(evidence.outcome).toBe('Expired');
    expect(suite.world.jira.comments.map((c) => c.text.split(':')[0])).toEqual(['Access granted', 'Access expired']);
    expect(suite.world.jira.transitions.map((t) => t.toStatus)).toEqual(['Access Granted', 'Access Expired']);
    expect(suite.world.jira.attachments.map((a) => a.fileName)).toEqual([`leasehold-evidence-${r.issueKey}.json`]);
  });

  test('an active grant flooded with forged decisions continues as new, keeps its evidence, and still ends on time', async () => {
    const r = await start('1 day', 80);
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    const firstRun = (await r.handle.describe()).runId;
    for (let i = 0; i < 40; i++) {
      await r.handle.signal(statusChangedSignal, {
        eventId: `forged-${i}`,
        issueKey: r.issueKey,
        decision: 'Revoked',
        status: 'Access Revoked',
        actorAccountId: '5b10a2844c20165700ede220',
        at: new Date().toISOString(),
      });
    }
    const flooded = await r.until((s) => s.ignored.length === 40, 'every forged decision judged');
    expect((await r.handle.describe()).runId).not.toBe(firstRun);
    expect(flooded).toMatchObject({
      state: 'Active',
      grantedAt: active.grantedAt,
      expiresAt: active.expiresAt,
      groupChanges: active.groupChanges,
    });
    expect(group().members.has('u-alice')).toBe(true);
    // One answer in Jira for the lot, not forty.
    expect(suite.world.jira.comments.filter((c) => c.text.startsWith('A "Access Revoked" decision'))).toHaveLength(1);

    await suite.env.sleep('1 day');
    const evidence = await r.evidence();
    expect(evidence).toMatchObject({ outcome: 'Expired', grantedAt: active.grantedAt, autoApproved: true });
    expect(evidence.ignoredEvents).toHaveLength(40);
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(Date.parse(evidence.groupChanges[1]!.at) - Date.parse(active.expiresAt!)).toBeLessThanOrEqual(5_000);
    expect(group().members.has('u-alice')).toBe(false);
  });

  test('a request waiting for approval, flooded with forged approvals, continues as new and is still granted by the real one', async () => {
    const r = await start('1 hour', 80, { application: 'AWS Production', accessType: 'Read-only' });
    await r.until((s) => s.state === 'AwaitingApproval', 'the wait for approval');
    const firstRun = (await r.handle.describe()).runId;
    const bob = people.bob.accountId;
    for (let i = 0; i < 40; i++) {
      await r.handle.signal(statusChangedSignal, {
        eventId: `forged-${i}`,
        issueKey: r.issueKey,
        decision: 'Approved',
        status: 'Approved by Manager',
        actorAccountId: bob,
        at: new Date().toISOString(),
      });
    }
    const flooded = await r.until((s) => s.ignored.length === 40, 'every forged approval judged');
    expect((await r.handle.describe()).runId).not.toBe(firstRun);
    expect(flooded).toMatchObject({ state: 'AwaitingApproval', approvals: [] });
    expect(awsReaders().members.has('u-alice')).toBe(false);

    await r.handle.signal(statusChangedSignal, {
      eventId: 'real',
      issueKey: r.issueKey,
      decision: 'Approved',
      status: 'Approved by Manager',
      actorAccountId: bob,
      at: new Date().toISOString(),
      changelogId: 'real-10101',
    });
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    expect(active.approvals).toEqual([
      expect.objectContaining({
        email: 'bob@example.com',
        as: 'manager',
        source: expect.objectContaining({ changelogId: 'real-10101' }),
      }),
    ]);
    expect(awsReaders().members.has('u-alice')).toBe(true);
    expect(suite.world.jira.comments.filter((c) => c.text.startsWith('Leasehold received this request'))).toHaveLength(
      1,
    );
    await r.handle.executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    expect((await r.evidence()).ignoredEvents).toHaveLength(40);
  });

  test('a directory lookup failing for an hour is waited out, visibly, and the request then goes on', async () => {
    suite.world.peopleDown = true;
    const r = await start('2 hours');
    await suite.env.sleep('1 hour');
    const waiting = await r.until((s) => s.problem !== undefined, 'the problem on the run');
    expect(waiting.state).toBe('Resolving');
    expect(waiting.problem!.message).toMatch(
      /^the requester in Jira and the directory keeps failing: Okta get user: 503/,
    );
    expect(
      suite.world.jira.comments.filter((c) => c.text.startsWith('Leasehold is waiting for the requester')),
    ).toHaveLength(1);

    suite.world.peopleDown = false;
    await suite.env.sleep('20 minutes');
    const active = await r.until((s) => s.state === 'Active', 'the grant after the outage');
    expect(active.problem).toBeUndefined();
    expect(group().members.has('u-alice')).toBe(true);
    await r.handle.executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'test done' }] });
    expect((await r.evidence()).outcome).toBe('Revoked');
  });
});
