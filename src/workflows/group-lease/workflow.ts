import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { decidePatchesAtStart } from '../patches';
import { apply } from './membership';
import { Preempted } from './rounds';
import {
  leaseEndedSignal,
  leaseOperationSignal,
  leaseOutcomeSignal,
  leaseStateQuery,
  releaseOrphansUpdate,
  retryNowSignal,
} from './messages';
import { msUntilNextCheck, releaseOrphans } from './orphans';
import type { GroupLeaseState, LeaseEnded, LeaseOperation, LeaseOutcome, MembershipKey, OrphanRelease } from './types';

/**
 * One workflow per (connection, group, user): the only place that changes that membership, so
 * overlapping grants never race. Operations arrive by signal and are applied one at a time, releases
 * first; each outcome is signalled back to the grant that asked. A lease whose holder closed without
 * releasing it is released here once its end has passed.
 */

const MAX_RECENT_OUTCOMES = 50;

export async function groupLeaseWorkflow(
  initial: GroupLeaseState | MembershipKey,
  pending: LeaseOperation[] = [],
): Promise<GroupLeaseState> {
  const state: GroupLeaseState =
    'holders' in initial ? initial : { key: initial, holders: [], membership: 'none', recentOutcomes: [] };
  const queue: LeaseOperation[] = [...pending];
  // Runs from before releases came first (and leases watched their holders) replay the old way.
  const releasesFirst = patched('releases-first');
  decidePatchesAtStart(['lease-check-local', 'lease-ensure', 'release-outage-back-off', 'retry-now-during-round']);
  interface ForcedCheck {
    request: { operator: string; reason: string };
    result?: OrphanRelease[];
  }
  let forced: ForcedCheck | undefined;

  setHandler(leaseOperationSignal, (op) => {
    queue.push(op);
  });
  setHandler(leaseStateQuery, () => state);
  // An operator's "retry now" ends the pause between rounds of a failing call (see `persist`).
  let retryAsks = 0;
  setHandler(retryNowSignal, (ask) => {
    retryAsks++;
    log.info('retry now asked by an operator', ask);
  });
  const retryAsked = (): number => retryAsks;
  if (releasesFirst) {
    setHandler(
      releaseOrphansUpdate,
      async (request) => {
        const ask: ForcedCheck = { request };
        forced = ask;
        await condition(() => ask.result !== undefined);
        return ask.result!;
      },
      {
        validator: ({ operator, reason }) => {
          if (!operator?.trim() || !reason?.trim()) throw new Error('an operator name and a reason are required');
        },
      },
    );
  }
  const releaseWaiting = (): boolean => queue.some((op) => op.kind === 'release');

  for (;;) {
    describe(state);
    // Idle with no holders: finish (a later grant starts a fresh run with signal-with-start).
    const idleForMs =
      state.holders.length === 0 ? 60_000 : releasesFirst ? (msUntilNextCheck(state) ?? '365 days') : '365 days';
    const woke = await condition(
      () => queue.length > 0 || (forced !== undefined && forced.result === undefined),
      idleForMs,
    );
    if (forced && forced.result === undefined) {
      forced.result = await releaseOrphans(state, forced.request);
      continue;
    }
    if (!woke && queue.length === 0) {
      if (state.holders.length === 0) break;
      if (releasesFirst) await releaseOrphans(state);
      continue;
    }
    const op = releasesFirst ? takeNext(queue) : queue.shift()!;
    const repeated = state.recentOutcomes.find((o) => o.opId === op.opId);
    let outcome: LeaseOutcome;
    try {
      outcome = repeated ?? (await apply(state, op, releasesFirst ? { releaseWaiting, retryAsked } : { retryAsked }));
    } catch (err) {
      if (!(err instanceof Preempted)) throw err;
      queue.unshift(op); // applied again, from the start, once the release is done
      continue;
    }
    if (!repeated) remember(state, outcome);
    await tell(op, outcome);
    if (!repeated && outcome.ok && outcome.endedLeases) await tellEnded(op, outcome);
    if (releasesFirst && op.kind === 'release') await dropAcquiresOf(op.leaseId, queue, state);
    if (queue.length === 0 && workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof groupLeaseWorkflow>(state, queue);
    }
  }
  await condition(allHandlersFinished);
  return state;
}

/** Releases go before acquires (in arrival order within each kind). */
function takeNext(queue: LeaseOperation[]): LeaseOperation {
  const release = queue.findIndex((op) => op.kind === 'release');
  return queue.splice(release >= 0 ? release : 0, 1)[0]!;
}

/** An acquire still queued for a lease just released would grant after the end: answered as failed instead. */
async function dropAcquiresOf(leaseId: string, queue: LeaseOperation[], state: GroupLeaseState): Promise<void> {
  for (let i = queue.length - 1; i >= 0; i--) {
    const op = queue[i]!;
    if (op.kind !== 'acquire' || op.leaseId !== leaseId) continue;
    queue.splice(i, 1);
    const outcome: LeaseOutcome = {
      ok: false,
      opId: op.opId,
      kind: 'acquire',
      leaseId,
      groupId: op.key.groupId,
      error: 'the lease was released before it was acquired',
      at: new Date().toISOString(),
    };
    remember(state, outcome);
    await tell(op, outcome);
  }
}

function remember(state: GroupLeaseState, outcome: LeaseOutcome): void {
  state.recentOutcomes.push(outcome);
  state.recentOutcomes.splice(0, Math.max(0, state.recentOutcomes.length - MAX_RECENT_OUTCOMES));
}

async function tell(op: LeaseOperation, outcome: LeaseOutcome): Promise<void> {
  await getExternalWorkflowHandle(op.holderWorkflowId)
    .signal(leaseOutcomeSignal, outcome)
    .catch((err: unknown) => {
      // The holder may have been terminated by an operator; the membership bookkeeping stays right.
      log.warn('could not tell the holder the outcome', { holder: op.holderWorkflowId, error: String(err) });
    });
}

/** A forced removal's holders: their lease ended (they close as revoked, saying by whom and why). */
async function tellEnded(op: LeaseOperation, outcome: Extract<LeaseOutcome, { ok: true }>): Promise<void> {
  const { at, verifiedAt, idpAnswer } = outcome;
  for (const lease of outcome.endedLeases ?? []) {
    const ended: LeaseEnded = {
      leaseId: lease.leaseId,
      opId: op.opId,
      groupId: op.key.groupId,
      by: op.force!.by,
      reason: op.force!.reason,
      at,
      ...(verifiedAt ? { verifiedAt } : {}),
      ...(idpAnswer ? { idpAnswer } : {}),
    };
    await getExternalWorkflowHandle(lease.holderWorkflowId)
      .signal(leaseEndedSignal, ended)
      .catch((err: unknown) =>
        log.warn('could not tell a holder its lease ended', { holder: lease.holderWorkflowId, error: String(err) }),
      );
  }
}

function describe(state: GroupLeaseState): void {
  const holders =
    state.holders.map((h) => `- ${h.issueKey}${h.until ? ` until ${h.until}` : ''}`).join('\n') || '- none';
  const orphans = state.orphanReleases?.length
    ? `\n\nreleased for closed holders: ${state.orphanReleases.map((o) => o.issueKey).join(', ')}`
    : '';
  setCurrentDetails(
    `**${state.key.userLogin}** in **${state.key.groupName}** (${state.key.connectionName})\n\nmembership: ${state.membership}\n\nheld by:\n${holders}${orphans}`,
  );
}
