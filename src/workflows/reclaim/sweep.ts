import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, setCurrentDetails, startChild } from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import { failureMessage } from '../failures';
import { reclaimWorkflowId } from '../ids';
import type { SweepSummary } from './types';
import { reclaimWorkflow } from './workflow';

const reads = proxyActivities<Pick<LeaseholdActivities, 'reclaimScope' | 'inactiveMembers'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * The daily sweep (the `leasehold-reclaim` Schedule, or `leasehold reclaim run`): every group of every
 * access level with a `reclaim` policy is read from its directory, and each member found inactive gets a
 * reclaim of their own (one per membership: a reclaim already under way is left to finish).
 */
export async function reclaimSweepWorkflow(): Promise<SweepSummary> {
  const at = new Date().toISOString();
  const scope = await reads.reclaimScope();
  const summary: SweepSummary = {
    at,
    groups: scope.groups.length,
    inactive: 0,
    started: [],
    alreadyUnderWay: [],
    unresolved: [...scope.unresolved],
    noSignInTime: [],
  };
  for (const group of scope.groups) {
    let members;
    try {
      const read = await reads.inactiveMembers({ group });
      members = read.inactive;
      if (read.unknown > 0) summary.noSignInTime.push(`${group.groupName} (${group.connectionName}): ${read.unknown}`);
    } catch (err) {
      summary.unresolved.push(`${group.groupName} (${group.connectionName}): ${failureMessage(err)}`);
      continue;
    }
    summary.inactive += members.length;
    for (const member of members) {
      const workflowId = reclaimWorkflowId(group.connectionName, group.groupId, member.userId);
      try {
        await startChild(reclaimWorkflow, {
          workflowId,
          args: [{ group, member, jira: scope.jira!, foundAt: at }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `reclaim: ${member.login} in ${group.groupName} (${group.connectionName})`,
        });
        summary.started.push(workflowId);
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        summary.alreadyUnderWay.push(workflowId);
      }
    }
  }
  setCurrentDetails(
    `${summary.groups} groups read, ${summary.inactive} inactive members: ${summary.started.length} reclaims started, ${summary.alreadyUnderWay.length} already under way`,
  );
  return summary;
}
