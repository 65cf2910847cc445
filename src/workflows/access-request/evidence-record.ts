import type { AccessLevel } from '../../policy/schema';
import type {
  ApprovalRecord,
  ClosingDecision,
  Extension,
  FailureReason,
  GroupChange,
  IgnoredEvent,
  OperatorOverride,
  PersonRef,
  RequestState,
  Revocation,
} from './types';

/** The audit evidence record attached to the Jira issue when a request ends. */
export interface EvidenceRecord {
  schema: 'leasehold.evidence/v1';
  issueKey: string;
  workflowId: string;
  outcome: RequestState;
  requester: PersonRef | { accountId: string; displayName?: string };
  request: {
    application: string | null;
    accessType: string | null;
    requestedDuration: string | null;
    justification: string | null;
    requestedAt: string;
  };
  ruleVersion?: number;
  rule?: { application: string; owner: string; level: AccessLevel; connection: string };
  approvals: ApprovalRecord[];
  autoApproved: boolean;
  ignoredEvents: IgnoredEvent[];
  /** Ignored events older than those listed, counted only. */
  ignoredOmitted?: number;
  /** Operator actions that widened access: overrides of what Jira decided. */
  overrides: OperatorOverride[];
  /** Removal and change requests applied to this grant. */
  relatedIssues: string[];
  /** The denial or decline that closed the request, with its changelog entry. */
  closedBy?: ClosingDecision;
  groupChanges: GroupChange[];
  preExistingMembership: boolean;
  grantedAt?: string;
  expiresAt?: string;
  extensions: Extension[];
  revocation?: Revocation;
  failure?: FailureReason;
  endedAt?: string;
}
