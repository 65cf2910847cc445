import { proxyActivities } from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import { apply } from './membership';
import type { GroupLeaseState, LeaseHolder, OrphanRelease } from './types';

/**
 * A lease cannot outlive its holder. Once a lease is past its end, the lease workflow asks Temporal
 * whether the holder still runs; a holder that is closed (terminated, failed, reset away) or gone has
 * no one left to release it, so the lease workflow releases it itself and says why.
 */

/** How long after a lease's end the holder has to release it itself before the lease looks. */
export const ORPHAN_GRACE_MS = 60_000;
/** How often a running holder past its lease's end is looked at again (it may be extended, or revoking). */
const RECHECK_MS = 60 * 60_000;
const MAX_ORPHAN_RECORDS = 20;

const temporal = proxyActivities<Pick<LeaseholdActivities, 'holderStatus'>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** When the holder is next looked at: after its lease's end (plus grace), or the recheck it was given. */
export function dueAt(holder: LeaseHolder): number | undefined {
  if (holder.checkAfter) return Date.parse(holder.checkAfter);
  return holder.until ? Date.parse(holder.until) + ORPHAN_GRACE_MS : undefined;
}

/** Milliseconds until the next holder is due (0 if one is), or undefined when none has an end. */
export function msUntilNextCheck(state: GroupLeaseState): number | undefined {
  const times = state.holders.map(dueAt).filter((t): t is number => t !== undefined);
  return times.length ? Math.max(0, Math.min(...times) - Date.now()) : undefined;
}

/**
 * Releases the leases of closed holders: those due (past their end), or every one when an operator
 * forces it. Running holders get their end refreshed from their search attribute.
 */
export async function releaseOrphans(
  state: GroupLeaseState,
  forced?: { operator: string; reason: string },
): Promise<OrphanRelease[]> {
  const released: OrphanRelease[] = [];
  const now = Date.now();
  const candidates = state.holders.filter((h) => forced || (dueAt(h) ?? Infinity) <= now);
  for (const holder of candidates) {
    const { status, expiresAt } = await temporal.holderStatus({ workflowId: holder.holderWorkflowId });
    if (status === 'RUNNING') {
      if (expiresAt && (!holder.until || expiresAt > holder.until)) holder.until = expiresAt;
      const end = holder.until ? Date.parse(holder.until) + ORPHAN_GRACE_MS : 0;
      holder.checkAfter = new Date(Math.max(end, Date.now() + (forced ? 0 : RECHECK_MS))).toISOString();
      continue;
    }
    const op = {
      opId: `${holder.leaseId}:orphan-release`,
      kind: 'release' as const,
      leaseId: holder.leaseId,
      holderWorkflowId: holder.holderWorkflowId,
      issueKey: holder.issueKey,
      key: state.key,
      until: holder.until,
    };
    const outcome = await apply(state, op, { releaseWaiting: () => false, notifyHolder: false });
    const why = `holder ${holder.holderWorkflowId} is ${status}${holder.until ? ` and its lease ended at ${holder.until}` : ''}`;
    const record: OrphanRelease = {
      leaseId: holder.leaseId,
      issueKey: holder.issueKey,
      holderWorkflowId: holder.holderWorkflowId,
      holderStatus: status,
      until: holder.until,
      releasedAt: new Date().toISOString(),
      ...(forced ? { operator: forced.operator } : {}),
      outcome: outcome.ok
        ? {
            ...outcome,
            reason: `${outcome.reason}: ${why}${forced ? ` (released by operator ${forced.operator}: ${forced.reason})` : ''}`,
          }
        : outcome,
    };
    released.push(record);
    const records = (state.orphanReleases ??= []);
    records.push(record);
    records.splice(0, Math.max(0, records.length - MAX_ORPHAN_RECORDS));
  }
  return released;
}
