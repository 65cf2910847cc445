import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import { leaseOperationSignal, leaseOutcomeSignal, leaseStateQuery, leaseTroubleSignal } from './messages';
import type { GroupLeaseState, LeaseOperation, LeaseOutcome, MembershipKey } from './types';

/**
 * One workflow per (connection, group, user): the only place that changes that membership, so
 * overlapping grants never race. Operations arrive by signal and are applied one at a time; each
 * outcome is signalled back to the grant that asked.
 */

const MAX_RECENT_OUTCOMES = 50;

/** Attempts per round of a directory call; after each failed round the holder is told (and alerts). */
const ATTEMPTS_PER_ROUND = 5;

/** Directory reads and writes: transient errors and rate limits retried (the connector sets nextRetryDelay). */
const idp = proxyActivities<LeaseholdActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: ATTEMPTS_PER_ROUND },
});

/** Reading membership back: Graph may lag a write by seconds. */
const verify = proxyActivities<LeaseholdActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 1.5, maximumInterval: '10s', maximumAttempts: 30 },
});

/** How long acquiring keeps trying through transient failures before it reports failure. */
const ACQUIRE_GIVE_UP_MS = 30 * 60_000;
/** Pause between rounds of retries of a failing operation (release never gives up). */
const ROUND_PAUSE_MS = [10_000, 60_000, 5 * 60_000, 15 * 60_000];

export async function groupLeaseWorkflow(initial: GroupLeaseState | MembershipKey, pending: LeaseOperation[] = []): Promise<GroupLeaseState> {
  const state: GroupLeaseState = 'holders' in initial ? initial : { key: initial, holders: [], membership: 'none', recentOutcomes: [] };
  const queue: LeaseOperation[] = [...pending];

  setHandler(leaseOperationSignal, (op) => {
    queue.push(op);
  });
  setHandler(leaseStateQuery, () => state);

  for (;;) {
    describe(state);
    // Idle with no holders: finish (a later grant starts a fresh run with signal-with-start).
    const idleForMs = state.holders.length === 0 ? 60_000 : undefined;
    const woke = await condition(() => queue.length > 0, idleForMs ?? '365 days');
    if (!woke && queue.length === 0) {
      if (state.holders.length === 0) break;
      continue;
    }
    const op = queue.shift()!;
    const repeated = state.recentOutcomes.find((o) => o.opId === op.opId);
    const outcome = repeated ?? (await apply(state, op));
    if (!repeated) {
      state.recentOutcomes.push(outcome);
      state.recentOutcomes.splice(0, Math.max(0, state.recentOutcomes.length - MAX_RECENT_OUTCOMES));
    }
    await getExternalWorkflowHandle(op.holderWorkflowId).signal(leaseOutcomeSignal, outcome).catch((err: unknown) => {
      // The holder may have been terminated by an operator; the membership bookkeeping stays right.
      log.warn('could not tell the holder the outcome', { holder: op.holderWorkflowId, error: String(err) });
    });
    if (queue.length === 0 && workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof groupLeaseWorkflow>(state, queue);
    }
  }
  await condition(allHandlersFinished);
  return state;
}

async function apply(state: GroupLeaseState, op: LeaseOperation): Promise<LeaseOutcome> {
  state.key = op.key; // the holder's pinned connection settings are the freshest we know
  const ref = { connectionName: op.key.connectionName, connection: op.key.connection, groupId: op.key.groupId, userId: op.key.userId };
  const base = { opId: op.opId, kind: op.kind, leaseId: op.leaseId, groupId: op.key.groupId };
  const others = (): string[] => state.holders.filter((h) => h.leaseId !== op.leaseId).map((h) => h.issueKey);
  const now = (): string => new Date().toISOString();

  try {
    if (op.kind === 'acquire') {
      const holding = state.holders.some((h) => h.leaseId === op.leaseId);
      if (!holding) state.holders.push({ leaseId: op.leaseId, holderWorkflowId: op.holderWorkflowId, issueKey: op.issueKey, since: now(), until: op.until });
      else state.holders = state.holders.map((h) => (h.leaseId === op.leaseId ? { ...h, until: op.until } : h));

      const member = await persist(op, () => idp.isMember(ref));
      if (member) {
        if (state.membership === 'none') state.membership = 'pre-existing';
        const preExisting = state.membership === 'pre-existing';
        return {
          ok: true, ...base, action: 'already-member', preExisting, at: now(), otherHolders: others(),
          reason: preExisting ? 'member before this grant: the membership will be kept when it ends' : `already granted by ${others().join(', ')}`,
        };
      }
      const wasManaged = state.membership === 'managed';
      const answer = await persist(op, () => idp.addMember(ref));
      const verifiedAt = await persist(op, () => verify.verifyMembership({ ...ref, expected: true }));
      state.membership = 'managed';
      return {
        ok: true, ...base, action: wasManaged ? 'restored' : 'added', preExisting: false, at: now(), verifiedAt, idpAnswer: answer,
        otherHolders: others(), reason: wasManaged ? 'membership was missing (removed outside Leasehold) and was restored' : 'added for this grant',
      };
    }

    // release
    const held = state.holders.some((h) => h.leaseId === op.leaseId);
    state.holders = state.holders.filter((h) => h.leaseId !== op.leaseId);
    if (!held) {
      // Never acquired (or already released): nothing of this grant's to undo.
      return { ok: true, ...base, action: 'kept', preExisting: state.membership === 'pre-existing', at: now(), otherHolders: others(), reason: 'this grant held no lease' };
    }
    if (state.holders.length > 0) {
      const latest = state.holders.map((h) => h.until ?? '').sort().at(-1);
      return {
        ok: true, ...base, action: 'kept', preExisting: state.membership === 'pre-existing', at: now(), otherHolders: others(),
        reason: `still held by ${others().join(', ')}${latest ? ` (until ${latest})` : ''}`,
      };
    }
    if (state.membership === 'pre-existing') {
      state.membership = 'none';
      return { ok: true, ...base, action: 'kept', preExisting: true, at: now(), otherHolders: [], reason: 'member before the grant: membership kept' };
    }
    const answer = await persist(op, () => idp.removeMember(ref));
    const verifiedAt = await persist(op, () => verify.verifyMembership({ ...ref, expected: false }));
    state.membership = 'none';
    return { ok: true, ...base, action: 'removed', preExisting: false, at: now(), verifiedAt, idpAnswer: answer, otherHolders: [], reason: 'last grant ended' };
  } catch (err) {
    if (op.kind === 'acquire') {
      state.holders = state.holders.filter((h) => h.leaseId !== op.leaseId);
      if (state.holders.length === 0 && state.membership === 'pre-existing') state.membership = 'none';
    }
    return { ok: false, ...base, error: reasonOf(err), at: now() };
  }
}

/**
 * Runs a directory call through rounds of retries. A permanent failure ends at once; a transient one
 * tells the holder after each round (so it can alert) and goes on: forever for a release, up to
 * {@link ACQUIRE_GIVE_UP_MS} for an acquire.
 */
async function persist<T>(op: LeaseOperation, call: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let round = 0; ; round++) {
    try {
      return await call();
    } catch (err) {
      if (isPermanent(err)) throw err;
      if (op.kind === 'acquire' && Date.now() - started > ACQUIRE_GIVE_UP_MS) throw err;
      const trouble = { opId: op.opId, kind: op.kind, leaseId: op.leaseId, groupId: op.key.groupId, attempts: (round + 1) * ATTEMPTS_PER_ROUND, error: reasonOf(err), since: new Date(started).toISOString() };
      await getExternalWorkflowHandle(op.holderWorkflowId).signal(leaseTroubleSignal, trouble).catch(() => undefined);
      await sleep(ROUND_PAUSE_MS[Math.min(round, ROUND_PAUSE_MS.length - 1)]!);
    }
  }
}

function isPermanent(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}

function reasonOf(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

function describe(state: GroupLeaseState): void {
  const holders = state.holders.map((h) => `- ${h.issueKey}${h.until ? ` until ${h.until}` : ''}`).join('\n') || '- none';
  setCurrentDetails(
    `**${state.key.userLogin}** in **${state.key.groupName}** (${state.key.connectionName})\n\nmembership: ${state.membership}\n\nheld by:\n${holders}`,
  );
}
