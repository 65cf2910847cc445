import type { DriftSettings } from '../../policy/drift-schema';
import type { MembershipKey } from '../group-lease/types';

/** A group Leasehold manages (named by an access level of the rules), as its directory knows it. */
export interface ManagedGroup {
  connectionName: string;
  groupId: string;
  groupName: string;
}

/** What one reconciliation covers: the managed groups of the rules in force, and the drift settings. */
export interface DriftScope {
  rulesVersion?: number;
  settings: DriftSettings;
  groups: ManagedGroup[];
  /** Groups of the rules the directory could not find or answer for (reported, retried next pass). */
  unresolved: Array<{ connectionName: string; groupName: string; error: string }>;
}

export interface GroupMember {
  id: string;
  login: string;
}

/** A running group-lease workflow of the group, and what it holds (unset: it finished while being read). */
export interface LeaseView {
  userId: string;
  workflowId: string;
  key?: MembershipKey;
  membership?: 'none' | 'managed' | 'pre-existing';
  holders?: Array<{ leaseId: string; holderWorkflowId: string; issueKey: string; until?: string }>;
}

/** One group as the directory and Leasehold's leases see it, at one time. */
export interface GroupSnapshot {
  group: ManagedGroup;
  members: GroupMember[];
  leases: LeaseView[];
  at: string;
}

export type DriftKind =
  /** In the group with no lease, and not there when Leasehold first reconciled the group. */
  | 'unmanaged'
  /** A grant holds the membership, but the directory no longer has it (removed outside Leasehold). */
  | 'missing';

export interface DriftFinding {
  /** Stable across passes: `<kind>:<connection>:<groupId>:<userId>`. */
  id: string;
  kind: DriftKind;
  connectionName: string;
  groupId: string;
  groupName: string;
  userId: string;
  userLogin: string;
  /** Requests holding the membership (missing ones). */
  heldBy?: string[];
  firstSeen: string;
  /** What was done about it: reported, or restored through its lease. */
  action: 'reported' | 'restored';
  /** The Jira issue that reported it, once written. */
  reportedIn?: string;
}

/** Members found in a group at its first reconciliation: there before Leasehold watched it. */
export interface Baseline {
  /** `<connection>:<groupId>` → user ids. */
  [group: string]: string[];
}

export interface ReconciliationSummary {
  at: string;
  /** The rules' interval at this pass (`drift.every`). */
  every: string;
  rulesVersion?: number;
  groups: number;
  members: number;
  newFindings: string[];
  resolved: string[];
  /** Members recorded as pre-existing at a group's first reconciliation. */
  baselined: number;
  unresolvedGroups: string[];
  report?: string;
}

export interface DriftState {
  baseline: Baseline;
  open: DriftFinding[];
  /** Findings that went away (member removed, lease granted, membership restored), newest last, bounded. */
  closed: Array<DriftFinding & { closedAt: string }>;
  passes: ReconciliationSummary[];
}
