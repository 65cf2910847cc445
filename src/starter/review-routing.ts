import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { reviewItemWorkflowId } from '../workflows/ids';
import { reviewStatusChangedSignal } from '../workflows/review/messages';
import type { ReviewStatusChange } from '../workflows/review/types';
import type { DispatchResult } from './dispatcher';

/**
 * A review item's keep or revoke goes to the item's own workflow (`access-review-<issue>`), as a claim:
 * the item confirms it in Jira's changelog and checks its author before it counts. An item no campaign
 * opened, or one already decided or ended, has no running workflow: the change is answered as ignored.
 */
export async function deliverReviewDecision(client: Client, change: ReviewStatusChange): Promise<DispatchResult> {
  const workflowId = reviewItemWorkflowId(change.issueKey);
  try {
    await client.workflow.getHandle(workflowId).signal(reviewStatusChangedSignal, change);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      return {
        status: 202,
        outcome: 'ignored',
        workflowId,
        reason: `${change.issueKey} is not an open review item (decided already, its campaign ended, or not opened by Leasehold)`,
      };
    throw err;
  }
  return { status: 200, outcome: 'signalled', workflowId };
}
