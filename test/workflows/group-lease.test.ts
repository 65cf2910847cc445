import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { leaseOperationSignal, leaseStateQuery, releaseOrphansUpdate } from '../../src/workflows/group-lease/messages';
import type { GroupLeaseState, LeaseOperation, MembershipKey } from '../../src/workflows/group-lease/types';
import type { groupLeaseWorkflow } from '../../src/workflows/group-lease/workflow';
import { directoryCallsTo, FakeDirectoryGroup } from '../harness/fakes';
import { answeredQuery, mockedTemporal, pollUntil } from '../harness/time-skipping';

/**
 * The membership workflow under faults that take minutes to hours, on the time-skipping server:
 * releases never wait behind acquires, and a lease never outlives its holder.
 */
describe('group-lease workflow', () => {
  let env: TestWorkflowEnvironment;
  let temporal: Awaited<ReturnType<typeof mockedTemporal>>;
  let group: FakeDirectoryGroup;
  const holders = new Map<string, string>();
  const taskQueue = 'group-lease-test';

  const startTemporal = () =>
    mockedTemporal(taskQueue, () => ({
      ...directoryCallsTo(({ groupId }) => groups.get(groupId)!),
      holderStatus: async ({ workflowId }) => ({ workflowId, status: holders.get(workflowId) ?? 'NOT_FOUND' }),
    }));
  beforeAll(async () => {
    temporal = await startTemporal();
    env = temporal.env;
  });
  afterAll(async () => {
    await temporal?.stop();
  });
  // Each test has a directory group of its own: a call still in flight from an earlier test's lease (a
  // release being verified) lands in that test's group, not in the next one's.
  const groups = new Map<string, FakeDirectoryGroup>();
  let groupId = '';
  beforeEach(() => {
    group = new FakeDirectoryGroup();
    groupId = `g-${groups.size + 1}`;
    groups.set(groupId, group);
    holders.clear();
  });

  let n = 0;
  let directoryQueue: string | undefined;
  beforeEach(() => {
    directoryQueue = undefined;
  });
  const key = (): MembershipKey => ({
    connectionName: 'okta',
    connection: { type: 'okta', orgUrl: 'http://okta.invalid', token: { env: 'OKTA_API_TOKEN' }, maxSdkRetries: 0 },
    groupId,
    groupName: 'jira-software-users',
    userId: 'u-alice',
    userLogin: 'alice@example.com',
    ...(directoryQueue ? { taskQueue: directoryQueue } : {}),
  });
  const lease = (env = temporal.env) => {
    const workflowId = `group-lease-${++n}`;
    const handle = env.client.workflow.getHandle<typeof groupLeaseWorkflow>(workflowId);
    const send = (op: LeaseOperation) =>
      env.client.workflow.signalWithStart<typeof groupLeaseWorkflow, [LeaseOperation]>('groupLeaseWorkflow', {
        workflowId,
        taskQueue,
        args: [key()],
        signal: leaseOperationSignal,
        signalArgs: [op],
      });
    const op = (kind: 'acquire' | 'release', leaseId: string, until?: number): LeaseOperation => ({
      opId: `${leaseId}:${kind}`,
      kind,
      leaseId,
      holderWorkflowId: `holder-${leaseId}`,
      issueKey: leaseId,
      key: key(),
      until: until === undefined ? undefined : new Date(until).toISOString(),
    });
    const state = () => answeredQuery(env, () => handle.query(leaseStateQuery));
    const until = (check: (s: GroupLeaseState) => boolean, what: string): Promise<GroupLeaseState> =>
      pollUntil(state, check, what);
    return { handle, send, op, state, until };
  };
  const hour = 3600_000;

  test('a release queued behind an acquire that keeps failing is applied at once, and the acquire resumes after', async () => {
    const l = lease();
    const now = await env.currentTimeMs();
    await l.send(l.op('acquire', 'ACCESS-1', now + 24 * hour));
    await l.until((s) => s.holders.length === 1, 'the first lease');
    expect(group.members.has('u-alice')).toBe(true);

    // A second grant of the same membership: its acquire cannot read the directory for a while.
    group.readsFail = true;
    await l.send(l.op('acquire', 'ACCESS-2', now + 24 * hour));
    await env.sleep('7 minutes'); // the acquire is deep in its round pauses

    const releasedAt = await env.currentTimeMs();
    await l.send(l.op('release', 'ACCESS-1'));
    const after = await l.until(
      (s) => s.holders.every((h) => h.leaseId !== 'ACCESS-1') && s.membership === 'none',
      'the release',
    );
    expect(after.membership).toBe('none');
    expect(group.members.has('u-alice')).toBe(false);
    expect((await env.currentTimeMs()) - releasedAt).toBeLessThan(5_000);
    expect(after.recentOutcomes.find((o) => o.opId === 'ACCESS-1:release')).toMatchObject({
      ok: true,
      action: 'removed',
    });

    // The directory recovers: the waiting acquire starts over and grants.
    group.readsFail = false;
    await env.sleep('16 minutes');
    const reacquired = await l.until((s) => s.holders.some((h) => h.leaseId === 'ACCESS-2'), 'the resumed acquire');
    expect(reacquired.membership).toBe('managed');
    expect(group.changes.map(({ op, userId }) => ({ op, userId }))).toEqual([
      { op: 'add', userId: 'u-alice' },
      { op: 'remove', userId: 'u-alice' },
      { op: 'add', userId: 'u-alice' },
    ]);
  });

  // On a test server of its own: see the time lock below.
  test("a connection's directory queue that no worker serves: after 15 minutes the lease's own queue makes the change", async () => {
    const own = await startTemporal();
    try {
      directoryQueue = 'group-lease-test-directory-gone'; // the connection left the rules before a restart
      // The holder runs: should the test clock run past the lease's end while the test looks, the lease
      // keeps it (a holder that is gone would have its lease released, which is another test's subject).
      holders.set('holder-ACCESS-9', 'RUNNING');
      const l = lease(own.env);
      const now = await own.env.currentTimeMs();
      await l.send(l.op('acquire', 'ACCESS-9', now + 24 * hour));
      // The test server stops its clock while an activity is scheduled, until the activity closes: the add
      // waiting on the unserved queue would hold the clock for good. Its lock is released here, and taken
      // back once the add has timed out (its timeout releases it a second time); until then the server's
      // count of locks is one short, so this test has the server to itself.
      await pollUntil(
        () => l.handle.describe(),
        (d) => d.raw.pendingActivities?.length === 1,
        'the add, scheduled on the unserved queue',
      );
      const testService = own.env.connection.testService!;
      await testService.unlockTimeSkipping({});
      await own.env.sleep('10 minutes');
      // The check runs in the lease's own workflow task; the add waits on the unserved queue.
      expect(group.attempts.isMember).toBe(1);
      expect(group.attempts.addMember).toBe(0);
      expect(group.members.has('u-alice')).toBe(false);
      await own.env.sleep('6 minutes');
      const held = await l.until((s) => s.holders.length === 1, 'the lease, on the fallback queue');
      await testService.lockTimeSkipping({});
      expect(held.membership).toBe('managed');
      expect(group.members.has('u-alice')).toBe(true);

      directoryQueue = undefined; // the holder's release, from a worker that serves the queue again
      await l.send(l.op('release', 'ACCESS-9'));
      await l.until((s) => s.membership === 'none', 'the release');
    } finally {
      await own.stop();
    }
  });

  test('a holder terminated while holding a lease is released by the lease at its end, saying why', async () => {
    const l = lease();
    const now = await env.currentTimeMs();
    holders.set('holder-ACCESS-3', 'RUNNING');
    await l.send(l.op('acquire', 'ACCESS-3', now + 2 * hour));
    await l.until((s) => s.holders.length === 1, 'the lease');

    await env.sleep('1 hour');
    holders.set('holder-ACCESS-3', 'TERMINATED'); // an operator terminated the request mid-grant
    await env.sleep('58 minutes');
    expect(group.members.has('u-alice')).toBe(true); // not before its end

    await env.sleep('4 minutes');
    // The record is written once the release is verified (holders empty out as it starts).
    const released = await l.until((s) => (s.orphanReleases?.length ?? 0) > 0, 'the orphan release');
    expect(group.members.has('u-alice')).toBe(false);
    expect(released.orphanReleases).toEqual([
      expect.objectContaining({
        leaseId: 'ACCESS-3',
        holderStatus: 'TERMINATED',
        outcome: expect.objectContaining({
          ok: true,
          action: 'removed',
          reason: expect.stringContaining('holder holder-ACCESS-3 is TERMINATED and its lease ended at'),
        }),
      }),
    ]);
  });

  test('a running holder past its end keeps its lease (it may be extending or revoking); an operator releases closed holders at once', async () => {
    const l = lease();
    const now = await env.currentTimeMs();
    holders.set('holder-ACCESS-4', 'RUNNING');
    holders.set('holder-ACCESS-5', 'FAILED');
    await l.send(l.op('acquire', 'ACCESS-4', now + hour));
    await l.send(l.op('acquire', 'ACCESS-5', now + 48 * hour));
    await l.until((s) => s.holders.length === 2, 'two leases');

    await env.sleep('3 hours');
    expect((await l.state()).holders.map((h) => h.leaseId)).toEqual(['ACCESS-4', 'ACCESS-5']);

    const released = await l.handle.executeUpdate(releaseOrphansUpdate, {
      args: [{ operator: 'dave', reason: 'cleanup after incident' }],
    });
    expect(released).toEqual([
      expect.objectContaining({ leaseId: 'ACCESS-5', holderStatus: 'FAILED', operator: 'dave' }),
    ]);
    const state = await l.state();
    expect(state.holders.map((h) => h.leaseId)).toEqual(['ACCESS-4']);
    expect(group.members.has('u-alice')).toBe(true); // ACCESS-4 still holds it
    await expect(
      l.handle.executeUpdate(releaseOrphansUpdate, { args: [{ operator: '', reason: 'x' }] }),
    ).rejects.toThrow();
  });
});
