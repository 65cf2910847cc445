import type { Connection } from '../../policy/schema';
import type { PinnedPolicy } from '../../activities/contract';
import type { IdpAnswer } from '../../connectors/identity-provider';

/** A group an access level reclaims from, with the level's policy (durations in ms). */
export interface ReclaimGroup {
  application: string;
  level: string;
  connectionName: string;
  connection: Connection;
  groupId: string;
  groupName: string;
  inactiveForMs: number;
  graceMs: number;
}

/** What the daily sweep covers: the groups of the rules in force, and the portal's Jira for notices. */
export interface ReclaimScope {
  rulesVersion?: number;
  jira?: PinnedPolicy['jira'];
  groups: ReclaimGroup[];
  /** Groups the directory could not find or answer for (retried the next day). */
  unresolved: string[];
}

export interface InactiveMember {
  userId: string;
  login: string;
  /** Last sign-in (ISO). */
  lastActivity?: string;
}

/** One reclaim: one person's membership of one group, from the notice to the second check. */
export interface ReclaimInput {
  group: ReclaimGroup;
  member: InactiveMember;
  jira: PinnedPolicy['jira'];
  /** When the sweep found the member inactive. */
  foundAt: string;
}

/** The evidence of one reclaim (the workflow's result, attached to the notice). */
export interface ReclaimRecord {
  person: string;
  userId: string;
  access: string;
  group: string;
  connection: string;
  lastActivity: string | null;
  inactiveFor: string;
  notice?: string;
  noticeAt: string;
  graceEnds: string;
  secondCheck?: { at: string; lastActivity: string | null };
  outcome: 'removed' | 'kept' | 'failed';
  reason: string;
  removal?: { at: string; verifiedAt?: string; idpAnswer?: IdpAnswer; endedGrants: string[] };
}

export interface SweepSummary {
  at: string;
  groups: number;
  inactive: number;
  started: string[];
  alreadyUnderWay: string[];
  unresolved: string[];
  /** Groups with members whose directory gives no sign-in time (never, or not available): left alone. */
  noSignInTime: string[];
}
