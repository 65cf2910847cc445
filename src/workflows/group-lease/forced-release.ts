import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import { leaseOutcomeSignal } from './messages';
import type { LeaseOutcome, MembershipKey } from './types';

/**
 * A membership removed because a person decided (an inactivity reclaim, a review's revoke), for a
 * workflow that holds no lease on it: the operation goes to the membership's group lease, which removes
 * it whoever holds it, reads it back, and ends every grant on it (their requests close as revoked).
 */

const handOff = proxyActivities<Pick<LeaseholdActivities, 'sendLeaseOperation'>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Listens for lease outcomes; call once, at the start of the workflow (before any signal can arrive). */
export function listenForLeaseOutcomes(): Map<string, LeaseOutcome> {
  const outcomes = new Map<string, LeaseOutcome>();
  setHandler(leaseOutcomeSignal, (outcome) => void outcomes.set(outcome.opId, outcome));
  return outcomes;
}

/**
 * Removes the membership and waits for the lease's answer. Releases are retried until the directory
 * answers (never given up); a permanent refusal comes back as `ok: false`.
 */
export async function forcedRelease(
  outcomes: Map<string, LeaseOutcome>,
  op: { key: MembershipKey; issueKey: string; by: string; reason: string; leaseSuffix: string },
): Promise<LeaseOutcome> {
  const info = workflowInfo();
  const opId = `${info.workflowId}:${info.runId}:remove`;
  await handOff.sendLeaseOperation.executeWithOptions(
    { summary: `remove ${op.key.userLogin} from ${op.key.groupName}` },
    [
      {
        opId,
        kind: 'release',
        leaseId: `${info.workflowId}:${op.leaseSuffix}`,
        holderWorkflowId: info.workflowId,
        issueKey: op.issueKey,
        key: op.key,
        force: { by: op.by, reason: op.reason },
      },
    ],
  );
  await condition(() => outcomes.has(opId));
  return outcomes.get(opId)!;
}
