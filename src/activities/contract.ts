import type { DirectoryGroup, IdpAnswer } from '../connectors/identity-provider';
import type { ApprovalAsk } from '../connectors/slack/approval-message';
import type { SlackMessageRef } from '../connectors/slack/slack-gateway';
import type { SlackClick, VerifiedSlackClick } from './slack';
import type { ApproverFacts } from '../policy/approval';
import type { DecisionClaim, DecisionMatch } from '../policy/decision-source';
import type { Connection, JiraConnection, Portal } from '../policy/schema';
import type { FieldChange, PersonRef, PinnedRule } from '../workflows/access-request/types';
import type { HolderStatus, LeaseOperation } from '../workflows/group-lease/types';
import type { RulesCheck } from '../workflows/policy/types';
import type { RulesDocument } from '../policy/schema';
import type { DriftFinding, DriftScope, GroupSnapshot, ManagedGroup } from '../workflows/drift/types';
import type { InactiveMember, ReclaimGroup, ReclaimRecord, ReclaimScope } from '../workflows/reclaim/types';
import type {
  CampaignRecord,
  CampaignScope,
  ReviewGroup,
  ReviewItemDraft,
  ReviewPolicy,
  ReviewStatusChange,
} from '../workflows/review/types';
import type { DeliveryReceipt } from '../connectors/jira/delivery-receipt';

/**
 * The activities workflows call, as a type: workflows import only this (type-only), so no I/O code
 * reaches the workflow bundle. Implementations live beside it in src/activities/.
 */

/** A membership change as the directory answered it, and when reading it back showed it (ISO 8601). */
export interface VerifiedChange {
  answer: IdpAnswer;
  verifiedAt: string;
}

/** The policy a request is pinned to at its start. */
export interface PinnedPolicy {
  version: number;
  /** The Jira connection, with the version's accountId → email overrides (pinned like the rule). */
  jira: {
    connectionName: string;
    connection: JiraConnection;
    emailOverrides?: Record<string, string>;
    /** Where its write-back runs (see task-queues.ts); absent: the run's own task queue. */
    taskQueue?: string;
  };
  outcomes: Portal['outcomes'];
  /** Approvals in Slack are on (the app's secrets stay in the rules; only where to post is pinned). */
  slack?: { channel?: string };
  /** Settings pinned with the version (absent in runs started before they were pinned: the defaults). */
  settings?: { allowOperatorExtensions: boolean };
  /** Undefined when the application or access level has no rule: manual handling. */
  rule?: PinnedRule;
  unmatchedReason?: string;
}

export interface ConnectionRef {
  connectionName: string;
  connection: Connection;
}

export interface JiraTarget {
  jira: PinnedPolicy['jira'];
  issueKey: string;
}

/** A claimed decision checked against Jira's changelog, with who its author is. */
export interface VerifiedDecision {
  match: DecisionMatch;
  actor: ApproverFacts;
}

/** A removal or change request as Jira has it (never as a signal claims it). */
export type RelatedRequestFacts =
  | {
      found: true;
      kind: 'access' | 'removal' | 'change';
      reporterAccountId: string;
      createdAt: string;
      application: string | null;
      accessType: string | null;
      duration: string | null;
    }
  | { found: false; reason: string };

export interface LeaseholdActivities {
  /** Apply-time checks through the connectors: every referenced group exists, every connection answers. */
  checkRules(input: { rules: RulesDocument }): Promise<RulesCheck>;

  /** The current rules version and the rule for (application, access level). */
  loadPolicy(input: { application: string | null; accessType: string | null }): Promise<PinnedPolicy>;

  /** Requester: Jira accountId → email (Jira user API or mapping) → directory user and manager. */
  resolveRequester(
    input: ConnectionRef & { jira: PinnedPolicy['jira']; accountId: string },
  ): Promise<{ requester: PersonRef; manager?: PersonRef }>;
  /** An actor on the issue: email, and which of the rule's approver groups they belong to. */
  identifyActor(input: {
    jira: PinnedPolicy['jira'];
    accountId: string;
    approverGroups: Array<ConnectionRef & { group: string }>;
  }): Promise<ApproverFacts>;

  /** Whether Jira's changelog holds the claimed status change by that account (one not yet counted), and who they are. */
  verifyDecision(input: {
    jira: PinnedPolicy['jira'];
    issueKey: string;
    claim: DecisionClaim;
    /** The starter's receipt: a later status change made before it supersedes the claim. */
    received?: DeliveryReceipt;
    consumed: string[];
    approverGroups: Array<ConnectionRef & { group: string }>;
  }): Promise<VerifiedDecision>;
  /** The people in the rule's approver fields when the request was raised, and later changes of those fields. */
  fieldApprovers(input: {
    jira: PinnedPolicy['jira'];
    issueKey: string;
    fields: string[];
  }): Promise<{ approvers: Record<string, string[]>; changes: FieldChange[] }>;
  /** A removal or change request read from Jira: type, reporter, creation time, fields. */
  readRelatedRequest(input: { jira: PinnedPolicy['jira']; issueKey: string }): Promise<RelatedRequestFacts>;

  resolveGroups(input: ConnectionRef & { groups: string[] }): Promise<DirectoryGroup[]>;
  isMember(input: ConnectionRef & { groupId: string; userId: string }): Promise<boolean>;
  addMember(input: ConnectionRef & { groupId: string; userId: string }): Promise<IdpAnswer>;
  removeMember(input: ConnectionRef & { groupId: string; userId: string }): Promise<IdpAnswer>;
  /** Reads membership back until it matches `expected` (directories are eventually consistent). Returns when it did. */
  verifyMembership(input: ConnectionRef & { groupId: string; userId: string; expected: boolean }): Promise<string>;
  /** Adds the user, then reads the membership back until it shows: a change and its proof in one activity. */
  ensureMember(input: ConnectionRef & { groupId: string; userId: string }): Promise<VerifiedChange>;
  /** Removes the user, then reads the membership back until it is gone. */
  ensureRemoved(input: ConnectionRef & { groupId: string; userId: string }): Promise<VerifiedChange>;

  /** Delivers an operation to the membership's group-lease workflow (signal-with-start). */
  sendLeaseOperation(op: LeaseOperation): Promise<void>;
  /** Whether a lease's holder workflow still runs (its latest run), as Temporal describes it. */
  holderStatus(input: { workflowId: string }): Promise<HolderStatus>;

  /** Drift: the groups the rules in force manage, resolved in their directories, and the drift settings. */
  driftScope(): Promise<DriftScope>;
  /** Drift: one group's members and the leases Leasehold runs for it, as of one moment. */
  groupSnapshot(input: { group: ManagedGroup }): Promise<GroupSnapshot>;
  /** Drift: one Jira issue in the portal project listing the findings; its key (none without rules). */
  reportDrift(input: { findings: DriftFinding[]; at: string }): Promise<string | undefined>;

  /** Reclaim: the groups of levels with a reclaim policy (minus excluded ones), resolved, and the portal's Jira. */
  reclaimScope(): Promise<ReclaimScope>;
  /** Reclaim: the group's members with no sign-in within the level's threshold, and how many have no sign-in time. */
  inactiveMembers(input: { group: ReclaimGroup }): Promise<{ inactive: InactiveMember[]; unknown: number }>;
  /** Reclaim: a user's last sign-in (ISO), undefined when never. */
  lastSignIn(input: ConnectionRef & { userId: string }): Promise<string | undefined>;
  /** Reclaim: the notice issue in the portal project; its key. */
  raiseReclaimNotice(input: { jira: PinnedPolicy['jira']; record: ReclaimRecord }): Promise<string>;

  /** Reviews: the campaign's policy and groups (resolved in their directories) under the rules in force. */
  campaignScope(input: { campaign: string }): Promise<CampaignScope>;
  /** Reviews: every current member of the group, with their context, recommendation and reviewers. */
  reviewMembers(input: { group: ReviewGroup; policy: ReviewPolicy }): Promise<ReviewItemDraft[]>;
  /** Reviews: the campaign's own issue in the portal project; its key. */
  openCampaignIssue(input: {
    jira: PinnedPolicy['jira'];
    campaign: string;
    endsAt: string;
    startedBy: string;
    groups: ReviewGroup[];
  }): Promise<string>;
  /** Reviews: one Access Review item in Jira; its key. */
  openReviewItem(input: {
    jira: PinnedPolicy['jira'];
    campaign: { name: string; issueKey: string };
    item: ReviewItemDraft;
    endsAt: string;
  }): Promise<string>;
  /** Reviews: a claimed decision against the item's changelog, its author, and their justification. */
  verifyReviewDecision(input: {
    jira: PinnedPolicy['jira'];
    claim: ReviewStatusChange;
    consumed: string[];
    reviewerGroups: ReviewItemDraft['reviewers']['groups'];
  }): Promise<VerifiedDecision & { justification?: string }>;
  /** Reviews: the campaign record attached to its issue as JSON and CSV, with a summary comment. */
  attachCampaignEvidence(input: { jira: PinnedPolicy['jira']; record: CampaignRecord }): Promise<void>;

  /** Slack: the approval request to each approver's DM (and the channel); the messages posted. */
  postApprovalRequests(input: { ask: ApprovalAsk; approvers: string[] }): Promise<SlackMessageRef[]>;
  /** Slack: a reminder in each approval message's thread. */
  remindApprovers(input: { ask: ApprovalAsk; refs: SlackMessageRef[]; text: string }): Promise<void>;
  /** Slack: every approval message says how it was decided, without buttons. */
  updateApprovalMessages(input: { ask: ApprovalAsk; refs: SlackMessageRef[]; outcome: string }): Promise<void>;
  /** Slack: a click checked at its source (Slack's signature, who clicked, their approver groups). */
  verifySlackDecision(input: {
    click: SlackClick;
    approverGroups: Array<ConnectionRef & { group: string }>;
  }): Promise<VerifiedSlackClick>;

  /** Adds a comment; a retry never posts it twice (`dedupeKey` is embedded and checked). */
  commentOnIssue(input: JiraTarget & { text: string; dedupeKey: string; recheck?: boolean }): Promise<void>;
  /** Moves the issue to a status by name; no-op when it is already there. */
  transitionIssue(input: JiraTarget & { toStatus: string }): Promise<{ changed: boolean }>;
  /** Attaches the evidence JSON to the issue (a comment when attachments are unavailable). */
  attachEvidence(
    input: JiraTarget & { fileName: string; json: string; recheck?: boolean },
  ): Promise<{ as: 'attachment' | 'comment' | 'already' }>;
}
