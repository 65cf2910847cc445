import type { IdpAnswer } from '../../connectors/identity-provider';
import type { Connection } from '../../policy/schema';

/**
 * One membership (connection, group, user) shared by every grant that needs it. Each grant holds a
 * lease; the membership is added for the first lease and removed only when the last lease ends, and
 * never removed at all when the user was a member before Leasehold added them.
 */
export interface MembershipKey {
  connectionName: string;
  connection: Connection;
  groupId: string;
  groupName: string;
  userId: string;
  userLogin: string;
  /** Where the connection's membership calls run (see task-queues.ts); absent: the lease's own task queue. */
  taskQueue?: string;
}

export interface LeaseOperation {
  /** Unique per operation (`${leaseId}:acquire`): a repeat is answered again, not re-applied. */
  opId: string;
  kind: 'acquire' | 'release';
  leaseId: string;
  /** The grant's workflow, told the outcome by signal. */
  holderWorkflowId: string;
  issueKey: string;
  key: MembershipKey;
  /** When the holder expects to release (informational, for operators and evidence). */
  until?: string;
  /**
   * A release that a decision forces (an inactivity reclaim, a review's revoke): the membership is
   * removed whoever holds it, a pre-existing one too; every lease on it ends and its holder is told.
   */
  force?: { by: string; reason: string };
}

export type LeaseOutcome =
  | {
      ok: true;
      opId: string;
      kind: 'acquire' | 'release';
      leaseId: string;
      groupId: string;
      action: 'added' | 'already-member' | 'restored' | 'removed' | 'kept';
      reason: string;
      preExisting: boolean;
      at: string;
      verifiedAt?: string;
      idpAnswer?: IdpAnswer;
      /** Other grants still holding the membership (issue keys). */
      otherHolders: string[];
      /** A forced removal: the leases it ended (each holder was told). */
      endedLeases?: Array<{ leaseId: string; holderWorkflowId: string; issueKey: string }>;
    }
  | {
      ok: false;
      opId: string;
      kind: 'acquire' | 'release';
      leaseId: string;
      groupId: string;
      error: string;
      at: string;
    };

/** Sent to holders while an operation keeps failing (it is still being retried). */
export interface LeaseTrouble {
  opId: string;
  kind: 'acquire' | 'release';
  leaseId: string;
  groupId: string;
  attempts: number;
  error: string;
  since: string;
}

export interface LeaseHolder {
  leaseId: string;
  holderWorkflowId: string;
  issueKey: string;
  since: string;
  until?: string;
  /** When the lease workflow next checks that the holder still runs (from `until` on). */
  checkAfter?: string;
}

/** What the lease workflow learns of a holder (an activity asks Temporal). */
export interface HolderStatus {
  workflowId: string;
  /** `RUNNING`, `COMPLETED`, `FAILED`, `TERMINATED`, …, or `NOT_FOUND` (gone: retention, deleted). */
  status: string;
  /** The holder's `LeaseholdExpiresAt` while it runs: when it means to release. */
  expiresAt?: string;
}

/** A lease released by the lease workflow itself because its holder is closed or gone. */
export interface OrphanRelease {
  leaseId: string;
  issueKey: string;
  holderWorkflowId: string;
  holderStatus: string;
  until?: string;
  releasedAt: string;
  /** Who asked, when an operator did (`leasehold leases orphaned --release`). */
  operator?: string;
  outcome: LeaseOutcome;
}

export interface GroupLeaseState {
  key: MembershipKey;
  holders: LeaseHolder[];
  /** `managed`: Leasehold added it; `pre-existing`: the user was a member before the first lease. */
  membership: 'none' | 'managed' | 'pre-existing';
  /** Recent outcomes by opId, to answer repeats. */
  recentOutcomes: LeaseOutcome[];
  /** Leases released because their holder had closed (most recent last). */
  orphanReleases?: OrphanRelease[];
}

/** What a forced removal tells each holder whose lease it ended. */
export interface LeaseEnded {
  leaseId: string;
  opId: string;
  groupId: string;
  by: string;
  reason: string;
  /** When the directory answered the removal, and when it was read back. */
  at: string;
  verifiedAt?: string;
  idpAnswer?: IdpAnswer;
}
