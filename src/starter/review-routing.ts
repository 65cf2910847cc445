import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { reviewItemWorkflowId } from '../workflows/ids';
import { reviewStatusChangedSignal } from '../workflows/review/messages';
import type { ReviewStatusChange } from '../workflows/review/types';
import { DependencyUnavailableError, type DispatchResult } from './dispatcher';

/** How long after its creation an item with no workflow yet is taken as still being opened. */
const OPENING_MS = 10 * 60_000;

const isRecent = (created: string | undefined): boolean =>
  created !== undefined && Date.now() - Date.parse(created) < OPENING_MS;

/**
 * A review item's keep or revoke goes to the item's own workflow (`access-review-<issue>`), as a claim:
 * the item confirms it in Jira's changelog and checks its author before it counts. An item no campaign
 * opened, or one already decided or ended, has no running workflow: the change is answered as ignored.
 */
export async function deliverReviewDecision(
  client: Client,
  change: ReviewStatusChange,
  issueCreated: string | undefined,
): Promise<DispatchResult> {
  const workflowId = reviewItemWorkflowId(change.issueKey);
  try {
    await client.workflow.getHandle(workflowId).signal(reviewStatusChangedSignal, change);
  } catch (err) {
    // The campaign creates the item, then starts its workflow: a move in between (or while the worker is
    // down between the two) is not lost; Jira is asked to deliver it again.
    if (err instanceof WorkflowNotFoundError && isRecent(issueCreated))
      throw new DependencyUnavailableError(`${change.issueKey} is a review item not open yet; deliver again`);
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
