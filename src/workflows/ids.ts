/** Workflow ids: derived from business keys so a redelivered event can never start a second run. */

export const accessRequestWorkflowId = (issueKey: string): string => `access-request-${issueKey}`;

export const groupLeaseWorkflowId = (connection: string, groupId: string, userId: string): string =>
  `group-lease-${connection}-${groupId}-${userId}`;

export const POLICY_WORKFLOW_ID = 'leasehold-policy';

export const DRIFT_WORKFLOW_ID = 'leasehold-drift';

export const reclaimWorkflowId = (connection: string, groupId: string, userId: string): string =>
  `reclaim-${connection}-${groupId}-${userId}`;

/** The Schedule that runs the inactivity sweep daily. */
export const RECLAIM_SCHEDULE_ID = 'leasehold-reclaim';

/** A review campaign's run: its name and when it started (a campaign runs again on its recurrence). */
export const reviewCampaignWorkflowId = (campaign: string, startedAt: string): string =>
  `review-${campaign}-${startedAt}`;

/** One review item, by its Jira key: the webhook starter signals its decisions there. */
export const reviewItemWorkflowId = (issueKey: string): string => `access-review-${issueKey}`;

/** The Schedule that starts a campaign on its recurrence. */
export const reviewScheduleId = (campaign: string): string => `leasehold-review-${campaign}`;
