import type { SlackClick } from '../../activities/slack';
import type { AccessLevel, Connection, Decision } from '../../policy/schema';
import type { IdpAnswer } from '../../connectors/identity-provider';
import type { DecisionSource } from '../../policy/decision-source';
import type { PinnedPolicy } from '../../activities/contract';
import type { WriteBackState } from './write-back';
import type { DeliveryReceipt } from '../../connectors/jira/delivery-receipt';

export type { DecisionSource } from '../../policy/decision-source';
export type { EvidenceRecord } from './evidence-record';

/** What the webhook starter knows of a new request: the Jira issue's fields. No secrets, ever. */
export interface AccessRequestInput {
  issueKey: string;
  issueId?: string;
  application: string | null;
  accessType: string | null;
  /** The Duration option as written in Jira (e.g. "1 day"); null = the level's default. */
  duration: string | null;
  justification: string | null;
  requester: { accountId: string; displayName?: string };
  /** When the issue was created (ISO 8601). */
  requestedAt: string;
  /** Continue as new past this many history events (default 2,000; lower only to test it). */
  maxHistoryEvents?: number;
}

/** A status change on a Jira issue that maps to a decision (from the portal's status mapping). */
export interface StatusChange {
  /** `X-Atlassian-Webhook-Identifier` (or an operator-made id): a repeat has no second effect. */
  eventId: string;
  /** The issue the change happened on (the request itself, or a related change/removal issue). */
  issueKey: string;
  decision: Decision;
  status: string;
  actorAccountId: string;
  at: string;
  /** The webhook's `changelog.id`: the Jira changelog entry this change claims to be. */
  changelogId?: string;
  /** When the webhook starter received it, attested (absent from a signal sent straight to Temporal). */
  received?: DeliveryReceipt;
  /** A decision made in Slack: the click as Slack delivered it, verified again before it counts. */
  slack?: SlackClick;
}

/** A *Request Access Removal* for this grant, routed by the starter. */
export interface RemovalRequest {
  eventId: string;
  issueKey: string;
  actorAccountId: string;
  at: string;
}

/** A *Request Access Change* for this grant: a new duration, counted from the original grant. */
export interface ChangeRequest {
  eventId: string;
  issueKey: string;
  actorAccountId: string;
  duration: string | null;
  at: string;
}

/** Every state of a request, in lifecycle order (the `LeaseholdState` search attribute takes these values). */
export const REQUEST_STATES = [
  'Resolving',
  'ManualHandling',
  'AwaitingApproval',
  'Denied',
  'Declined',
  'ApprovalExpired',
  'Provisioning',
  'ProvisioningFailed',
  'Active',
  'Revoking',
  'RevocationFailing',
  'Expired',
  'Revoked',
  'Failed',
] as const;

export type RequestState = (typeof REQUEST_STATES)[number];

/** The rule this request is pinned to: the version it started with, with its connection (secret references only). */
export interface PinnedRule {
  version: number;
  application: string;
  owner: string;
  level: AccessLevel;
  connectionName: string;
  connection: Connection;
  /** Where the connection's membership calls run (see task-queues.ts); absent: the lease's own task queue. */
  directoryTaskQueue?: string;
  /** Connections of directory-group approvers, by name (secret references only). */
  approverConnections?: Record<string, Connection>;
}

export interface PersonRef {
  accountId?: string;
  email: string;
  displayName?: string;
  directoryUserId?: string;
}

export interface ApprovalRecord {
  eventId: string;
  issueKey: string;
  accountId: string;
  email?: string;
  as: string;
  at: string;
  /** The Jira changelog entry that recorded this decision (absent only in runs before verification). */
  source?: DecisionSource;
  /** Made in Slack: who clicked (Slack user) and the action's time, Slack's signature verified. */
  slack?: { userId: string; actionTs: string };
}

export interface IgnoredEvent {
  eventId: string;
  issueKey: string;
  accountId: string;
  email?: string;
  decision: Decision;
  reason: string;
  at: string;
  /** Set when Jira did record the change (it was ignored for another reason, e.g. not an approver). */
  source?: DecisionSource;
}

/** A denial or decline that ended a request, with the changelog entry behind it. */
export interface ClosingDecision extends Omit<ApprovalRecord, 'eventId'> {
  decision: Decision;
}

/** An operator action that widened access beyond what the decisions in Jira gave: always visible. */
/** An operator action: `extend` and `retry` widen access beyond what Jira decided; `retry-revocation` hurries its end. */
export interface OperatorOverride {
  action: 'extend' | 'retry' | 'retry-revocation';
  operator: string;
  reason: string;
  at: string;
  detail: string;
}

export interface GroupChange {
  group: string;
  groupId: string;
  connection: string;
  action: 'added' | 'already-member' | 'restored' | 'removed' | 'kept';
  /** Why (e.g. "member before this grant", "another grant holds it until …"). */
  reason: string;
  preExisting: boolean;
  at: string;
  verifiedAt?: string;
  idpAnswer?: IdpAnswer;
}

export interface Extension {
  issueKey?: string;
  by: string;
  from: string;
  to: string;
  capped: boolean;
  at: string;
  approvals: ApprovalRecord[];
}

export interface Revocation {
  /** `membership-removed`: a decision removed the membership under the grant (reclaim, review). */
  reason: 'expired' | 'revoked-in-jira' | 'removal-request' | 'operator' | 'membership-removed';
  by?: string;
  /** Why, for a removal decided outside this request (e.g. no sign-in for 30 days). */
  why?: string;
  issueKey?: string;
  requestedAt: string;
  completedAt?: string;
  /** For a revocation in Jira: the changelog entry that recorded it. */
  source?: DecisionSource;
}

/** The full state: what the `state` query answers and what the evidence record is built from. */
export interface RequestSnapshot {
  workflowId: string;
  issueKey: string;
  state: RequestState;
  input: AccessRequestInput;
  rule?: PinnedRule;
  requester?: PersonRef;
  manager?: PersonRef;
  grantedDurationMs?: number;
  durationCapped: boolean;
  approvals: ApprovalRecord[];
  ignored: IgnoredEvent[];
  autoApproved: boolean;
  groupChanges: GroupChange[];
  grantedAt?: string;
  expiresAt?: string;
  extensions: Extension[];
  revocation?: Revocation;
  /** Ignored events beyond the latest ones kept (counted only). */
  ignoredOmitted?: number;
  /** Changelog entries already counted (approved, denied, revoked or ignored): each counts once. */
  countedChangelog?: string[];
  /** Removal and change requests this request consumed (each applies to one grant, once). */
  relatedIssues?: string[];
  /** Operator actions that widened access (extend, retry). */
  overrides?: OperatorOverride[];
  /** The denial or decline that closed the request before any grant. */
  closedBy?: ClosingDecision;
  /** Jira write-back beside the lifecycle: what is still to write, and whether it is failing. */
  jiraWriteBack?: { pending: number; done: number; failing?: { since: string; rounds: number; error: string } };
  /** The latest error an operator should see (provisioning or revocation trouble). */
  problem?: { message: string; since: string; attempts?: number };
  /** While approvals are awaited: how many are needed, who may still give one, and until when. */
  awaiting?: ApprovalProgress;
  /** Jira accountIds in each approver field of the rule when the request was raised (by field name). */
  fieldApprovers?: Record<string, string[]>;
  /** Why Slack was not told (its messages are beside Jira, never in front of it). */
  slackProblem?: string;
  /** Changes of those fields after the request was raised (they make nobody an approver). */
  fieldChanges?: FieldChange[];
  /** Why a request ended Failed or in ManualHandling. */
  failure?: FailureReason;
  endedAt?: string;
}

/** A change of an approver field after the request was raised, as Jira's changelog records it. */
export interface FieldChange {
  field: string;
  byAccountId?: string;
  at: string;
  to: string[];
}

/** Why a request ended without doing what it asked: what Jira was told, and the error behind it. */
export interface FailureReason {
  reason: string;
  /** The last problem the run had (e.g. the directory's answer), when there was one. */
  error?: string;
  at: string;
}

/** Where an approval round stands (the grant's, or an extension's). */
export interface ApprovalProgress {
  /** What is being approved: the grant, or the change request's key. */
  for: 'grant' | string;
  required: number;
  /** Distinct approvers counted so far. */
  have: number;
  /** The approver forms that could still approve (e.g. "manager bob@example.com", "app-owner", "group okta:admins"). */
  approvers: string[];
  deadline?: string;
}

/** A decision or request waiting in the run's inbox (signals only enqueue; the lifecycle judges). */
export type Inbound =
  | { type: 'status'; event: StatusChange }
  | { type: 'removal'; event: RemovalRequest }
  | { type: 'change'; event: ChangeRequest };

/** A change request being approved: its duration and the approvals so far. */
export interface PendingExtension {
  event: ChangeRequest;
  durationMs: number;
  approvals: ApprovalRecord[];
}

/** What a request carries into its next run when it continues as new (everything it knows). */
export interface ContinuedRequest {
  /** Waiting for approval (the wait resumes with its deadline) or active (the grant's sleep resumes). */
  phase: 'approval' | 'active';
  approval?: { deadline: number; nextReminder?: number };
  snapshot: RequestSnapshot;
  policy: PinnedPolicy;
  groups: Array<{ id: string; name: string }>;
  inbox: Inbound[];
  seenEvents: string[];
  /** Ignored decisions already answered in Jira (each kind is said once). */
  answered?: string[];
  commentSeq: number;
  expiryChanged: boolean;
  writeBack: WriteBackState;
  pendingExtension?: PendingExtension;
}
