import { condition, getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { retryNowSignal } from '../group-lease/messages';
import { groupLeaseWorkflowId } from '../ids';
import type { OperatorAction } from './messages';
import type { LeaseOperation, LeaseOutcome } from '../group-lease/types';
import { leases, localLeases } from './activities';
import type { RequestRun } from './run';

/**
 * The request's side of its group leases: one operation per group, handed to the group-lease workflow
 * of that membership (the only place that changes it), and the outcomes it signals back.
 * `step` names this round (`acquire-2`, `rollback-2`, `revoke`): the same step is never applied twice.
 */
export async function sendLeases(run: RequestRun, kind: 'acquire' | 'release', step: string): Promise<LeaseOutcome[]> {
  const { rule, snapshot, info } = run;
  const ops: LeaseOperation[] = run.groups.map((g) => ({
    opId: `${info.workflowId}:${g.id}:${step}`,
    kind,
    leaseId: `${info.workflowId}:${g.id}`,
    holderWorkflowId: info.workflowId,
    issueKey: run.input.issueKey,
    // The lease knows its end (an acquire's: the expected one), so it can release it should this run die.
    until: snapshot.expiresAt ?? new Date(Date.now() + (snapshot.grantedDurationMs ?? 0)).toISOString(),
    key: {
      connectionName: rule.connectionName,
      connection: rule.connection,
      groupId: g.id,
      groupName: g.name,
      userId: snapshot.requester!.directoryUserId!,
      userLogin: snapshot.requester!.email,
      ...(rule.directoryTaskQueue ? { taskQueue: rule.directoryTaskQueue } : {}),
    },
  }));
  const summary = (op: LeaseOperation) => `${op.kind} ${op.key.groupName} for ${op.key.userLogin} (to its lease)`;
  const handOff = patched('lease-handoff-local') ? localLeases : leases;
  await Promise.all(ops.map((op) => handOff.sendLeaseOperation.executeWithOptions({ summary: summary(op) }, [op])));
  // Outcomes come back as signals from each membership's workflow.
  await condition(() => ops.every((op) => run.outcomes.has(op.opId)));
  return ops.map((op) => run.outcomes.get(op.opId)!);
}

/** The directory changes the outcomes report, into the evidence. */
export function recordChanges(run: RequestRun, results: LeaseOutcome[]): void {
  for (const r of results) {
    if (!r.ok) continue;
    const { groupId, action, reason, preExisting, at, verifiedAt, idpAnswer } = r;
    const group = run.groupName(groupId);
    const connection = run.rule.connectionName;
    run.snapshot.groupChanges.push({
      group,
      groupId,
      connection,
      action,
      reason,
      preExisting,
      at,
      verifiedAt,
      idpAnswer,
    });
  }
}

/**
 * An operator's "retry now" for a failing revocation: every lease of this request tries its release again
 * at once. A lease whose workflow has already closed (its release went through) has nothing to retry.
 */
export async function retryReleasesNow(run: RequestRun, action: OperatorAction): Promise<void> {
  const userId = run.snapshot.requester!.directoryUserId!;
  const ask = { ...action, holderWorkflowId: run.info.workflowId };
  await Promise.all(
    run.groups.map((g) =>
      getExternalWorkflowHandle(groupLeaseWorkflowId(run.rule.connectionName, g.id, userId))
        .signal(retryNowSignal, ask)
        .catch(() => undefined),
    ),
  );
}
