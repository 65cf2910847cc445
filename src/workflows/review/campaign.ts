import {
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import { reviewItemWorkflowId } from '../ids';
import { KEEP_ALIVE } from '../keep-alive';
import { reviewItemWorkflow } from './item';
import { campaignStateQuery, reviewItemDecidedSignal } from './messages';
import type { CampaignRecord, CampaignScope, CampaignState, ReviewItemDraft, ReviewItemRecord } from './types';

/**
 * An access review campaign (`review-<name>-<start>`, from its Schedule or `leasehold review start`):
 * reads the current members of every group in scope from the directories, opens one Jira item per
 * (person, access), each run by its own workflow until the campaign ends, then attaches the record
 * (JSON and CSV) to the campaign's issue.
 */

const reads = proxyActivities<Pick<LeaseholdActivities, 'campaignScope' | 'reviewMembers'>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});
const jiraOn = (taskQueue: string | undefined) =>
  proxyActivities<Pick<LeaseholdActivities, 'openCampaignIssue' | 'openReviewItem' | 'attachCampaignEvidence'>>({
    startToCloseTimeout: '2 minutes',
    ...KEEP_ALIVE,
    ...(taskQueue ? { taskQueue } : {}),
    // Items must exist for reviewers to decide: retried until Jira takes them.
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });

/** Items opened at once (Jira writes and child starts). */
const OPEN_BATCH = 8;

export interface CampaignInput {
  campaign: string;
  startedBy: string;
}

export async function reviewCampaignWorkflow(input: CampaignInput): Promise<CampaignRecord> {
  const state: CampaignState = {
    campaign: input.campaign,
    startedAt: new Date().toISOString(),
    phase: 'opening',
    items: [],
    unresolved: [],
  };
  setHandler(campaignStateQuery, () => state);
  setHandler(reviewItemDecidedSignal, (item) => {
    const i = state.items.findIndex((s) => s.issueKey === item.issueKey);
    if (i >= 0) state.items[i] = item;
  });

  // 1. Scope: the campaign as the rules in force define it, its groups resolved.
  const scope = await reads.campaignScope({ campaign: input.campaign });
  const jira = jiraOn(scope.jira.taskQueue);
  state.unresolved = scope.unresolved;
  const endsAt = new Date(Date.now() + scope.policy.lengthMs).toISOString();
  state.endsAt = endsAt;
  const issueKey = await jira.openCampaignIssue({
    jira: scope.jira,
    campaign: input.campaign,
    endsAt,
    startedBy: input.startedBy,
    groups: scope.groups,
  });
  state.issueKey = issueKey;

  // 2. The current members of every group, each with their context.
  const drafts: ReviewItemDraft[] = [];
  for (const group of scope.groups) {
    setCurrentDetails(`reading the members of ${group.groupName} (${group.connectionName})`);
    drafts.push(...(await reads.reviewMembers({ group, policy: scope.policy })));
  }

  // 3. One item per (person, access), each waiting for its reviewer until the campaign ends.
  const handles: Array<ChildWorkflowHandle<typeof reviewItemWorkflow>> = [];
  for (let i = 0; i < drafts.length; i += OPEN_BATCH)
    handles.push(
      ...(await Promise.all(
        drafts.slice(i, i + OPEN_BATCH).map((item) => openItem(scope, jira, issueKey, endsAt, item, state)),
      )),
    );
  state.phase = 'reviewing';
  setCurrentDetails(`**${handles.length} items** in ${issueKey}: reviewers decide until ${endsAt}`);

  // 4. Every item's outcome, then the record on the campaign's issue.
  const items: ReviewItemRecord[] = await Promise.all(handles.map((h) => h.result()));
  state.phase = 'closing';
  const record: CampaignRecord = {
    schema: 'leasehold.review/v1',
    campaign: input.campaign,
    workflowId: workflowInfo().workflowId,
    issueKey,
    ...(scope.rulesVersion !== undefined ? { rulesVersion: scope.rulesVersion } : {}),
    startedBy: input.startedBy,
    startedAt: state.startedAt,
    endsAt,
    endedAt: new Date().toISOString(),
    unresolved: scope.unresolved,
    items,
  };
  await jira.attachCampaignEvidence({ jira: scope.jira, record });
  state.phase = 'done';
  setCurrentDetails(
    `ended: ${items.length} items, ${items.filter((i) => i.decision === 'revoke').length} revoked; record on ${issueKey}`,
  );
  return record;
}

async function openItem(
  scope: CampaignScope,
  jira: ReturnType<typeof jiraOn>,
  campaignIssue: string,
  endsAt: string,
  item: ReviewItemDraft,
  state: CampaignState,
): Promise<ChildWorkflowHandle<typeof reviewItemWorkflow>> {
  const campaign = { name: scope.policy.name, workflowId: workflowInfo().workflowId, issueKey: campaignIssue };
  const issueKey = await jira.openReviewItem({ jira: scope.jira, campaign, item, endsAt });
  const access = item.group.application ? `${item.group.application} (${item.group.level})` : item.group.groupName;
  state.items.push({
    issueKey,
    person: item.person.login,
    access,
    status: 'open',
    reviewers: item.reviewers.described,
    ignored: 0,
  });
  return startChild(reviewItemWorkflow, {
    workflowId: reviewItemWorkflowId(issueKey),
    args: [
      {
        campaign,
        jira: scope.jira,
        statuses: scope.statuses,
        issueKey,
        item,
        endsAt,
        ...(scope.policy.remindEveryMs ? { remindEveryMs: scope.policy.remindEveryMs } : {}),
        undecided: scope.policy.undecided,
      },
    ],
    // The campaign's end closes its items: one cancelled or terminated does not leave items behind.
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    staticSummary: `review ${issueKey}: ${item.person.login} in ${access}`,
  });
}
