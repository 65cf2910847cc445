import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { groupLeaseWorkflowId } from '../workflows/ids';
import { membershipPriority } from '../workflows/priorities';
import { searchAttributes } from '../workflows/search-attributes';
import { leaseOperationSignal } from '../workflows/group-lease/messages';
import type { HolderStatus, LeaseOperation } from '../workflows/group-lease/types';
import type { groupLeaseWorkflow } from '../workflows/group-lease/workflow';

/** Hands lease operations to the membership's group-lease workflow, starting it if needed. */
export function leaseActivities(deps: { client: () => Client; taskQueue: string }) {
  return {
    async sendLeaseOperation(op: LeaseOperation): Promise<void> {
      const { key } = op;
      await deps.client().workflow.signalWithStart<typeof groupLeaseWorkflow, [LeaseOperation]>('groupLeaseWorkflow', {
        workflowId: groupLeaseWorkflowId(key.connectionName, key.groupId, key.userId),
        taskQueue: deps.taskQueue,
        args: [key],
        signal: leaseOperationSignal,
        signalArgs: [op],
        staticSummary: `${key.userLogin} in ${key.groupName} (${key.connectionName}): membership shared by overlapping grants`,
        priority: membershipPriority,
      });
    },

    async holderStatus({ workflowId }: { workflowId: string }): Promise<HolderStatus> {
      try {
        const described = await deps.client().workflow.getHandle(workflowId).describe();
        const expiresAt = described.typedSearchAttributes.get(searchAttributes.expiresAt);
        return {
          workflowId,
          status: described.status.name,
          ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
        };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { workflowId, status: 'NOT_FOUND' };
        throw err;
      }
    },
  };
}
