import type { PinnedPolicy, ConnectionRef } from '../../activities/contract';
import type { IdpAnswer } from '../../connectors/identity-provider';
import type { DecisionSource } from '../../policy/decision-source';
import type { Approver, Connection } from '../../policy/schema';
import type { DeliveryReceipt } from '../../connectors/jira/delivery-receipt';

/** A group a campaign reviews: from an application level (with its owner) or named by connection. */
export interface ReviewGroup {
  application?: string;
  level?: string;
  owner?: string;
  connectionName: string;
  connection: Connection;
  groupId: string;
  groupName: string;
}

/** A campaign's policy as the workflow uses it (durations in ms). */
export interface ReviewPolicy {
  name: string;
  lengthMs: number;
  remindEveryMs?: number;
  undecided: 'keep' | 'revoke' | 'recommendation';
  recommendRevokeAfterMs: number;
  /** Who may decide (resolved per item: the person's manager, the owner, people, groups). */
  reviewers: Approver[];
}

/** The campaign's scope as of its start: the rules in force, its groups resolved in their directories. */
export interface CampaignScope {
  rulesVersion?: number;
  jira: PinnedPolicy['jira'];
  /** The Jira statuses of review items (from the rules' portal). */
  statuses: { waiting: string; keep: string[]; revoke: string[] };
  policy: ReviewPolicy;
  groups: ReviewGroup[];
  /** Groups the directory could not find or answer for: not reviewed, reported in the record. */
  unresolved: string[];
}

/** The person under review, as the directory describes them. */
export interface ReviewedPerson {
  userId: string;
  login: string;
  email?: string;
  displayName?: string;
  department?: string;
  title?: string;
  manager?: { email: string; displayName?: string };
  /** Last sign-in (ISO); absent: never, or not available. */
  lastActivity?: string;
}

/** How the person came to have the access. */
export interface HowObtained {
  kind: 'leasehold' | 'pre-existing' | 'outside';
  /** The Leasehold requests holding it: approvers and expiry. */
  grants: Array<{ issueKey: string; approvers: string[]; expiresAt?: string }>;
  text: string;
}

export interface Recommendation {
  decision: 'keep' | 'revoke' | 'none';
  reason: string;
}

/** Who may decide an item: emails, or members of directory groups; never the person under review. */
export interface Reviewers {
  users: string[];
  groups: Array<ConnectionRef & { group: string }>;
  /** As the item shows them, e.g. "manager bob@example.com", "group okta:security-admins". */
  described: string[];
}

/** One (person, access) to review, before its Jira item exists. */
export interface ReviewItemDraft {
  group: ReviewGroup;
  person: ReviewedPerson;
  obtained: HowObtained;
  recommendation: Recommendation;
  reviewers: Reviewers;
}

export type ReviewDecision = 'keep' | 'revoke';

/** From the webhook starter: a review item moved to a status that maps to keep or revoke. */
export interface ReviewStatusChange {
  eventId: string;
  issueKey: string;
  decision: ReviewDecision;
  status: string;
  actorAccountId: string;
  at: string;
  changelogId?: string;
  /** When the webhook starter received it, attested (absent from a signal sent straight to Temporal). */
  received?: DeliveryReceipt;
}

export interface ReviewItemInput {
  campaign: { name: string; workflowId: string; issueKey: string };
  jira: PinnedPolicy['jira'];
  statuses: CampaignScope['statuses'];
  issueKey: string;
  item: ReviewItemDraft;
  /** When the campaign ends: undecided items get `undecided` then. */
  endsAt: string;
  remindEveryMs?: number;
  undecided: ReviewPolicy['undecided'];
}

/** A decision that did not count, and why (recorded, never effective). */
export interface IgnoredReviewDecision {
  eventId: string;
  accountId: string;
  email?: string;
  status: string;
  at: string;
  reason: string;
}

/** The evidence of one item: what was decided, by whom, and what the directory did. */
export interface ReviewItemRecord {
  item: string;
  person: string;
  personName?: string;
  access: string;
  group: string;
  connection: string;
  obtained: HowObtained;
  recommendation: Recommendation;
  reviewers: string[];
  decision: ReviewDecision;
  decidedBy: 'reviewer' | 'default';
  /** The reviewer's email (or account), or `default (<policy>)`. */
  reviewer: string;
  at: string;
  justification?: string;
  source?: DecisionSource;
  ignored: IgnoredReviewDecision[];
  enforcement?: {
    outcome: 'removed' | 'failed';
    at: string;
    verifiedAt?: string;
    idpAnswer?: IdpAnswer;
    endedGrants: string[];
    error?: string;
  };
}

/** Where an item stands (the item's query, and the campaign's view of it). */
export interface ReviewItemState {
  issueKey: string;
  person: string;
  access: string;
  status: 'open' | 'enforcing' | 'decided';
  reviewers: string[];
  ignored: number;
  record?: ReviewItemRecord;
}

/** The campaign's evidence (its workflow's result, attached as JSON and CSV to the campaign issue). */
export interface CampaignRecord {
  schema: 'leasehold.review/v1';
  campaign: string;
  workflowId: string;
  issueKey: string;
  rulesVersion?: number;
  startedBy: string;
  startedAt: string;
  endsAt: string;
  endedAt?: string;
  unresolved: string[];
  items: ReviewItemRecord[];
}

/** The campaign's live state (query): items still open and decided. */
export interface CampaignState {
  campaign: string;
  issueKey?: string;
  startedAt: string;
  endsAt?: string;
  phase: 'opening' | 'reviewing' | 'closing' | 'done';
  items: ReviewItemState[];
  unresolved: string[];
}
