import type { Baseline, DriftFinding, DriftKind, GroupSnapshot, LeaseView } from './types';

/**
 * The rule of drift, pure: which memberships of a group Leasehold cannot explain. A member is explained
 * by a running lease of their membership, or by the group's baseline: its members at its first
 * reconciliation, and members a lease found there before their grant (pre-existing). A lease whose grant
 * holds a membership the directory no longer has is the other drift: access removed outside Leasehold.
 */

export const groupKey = (connectionName: string, groupId: string): string => `${connectionName}:${groupId}`;

export const findingId = (kind: DriftKind, connectionName: string, groupId: string, userId: string): string =>
  `${kind}:${groupKey(connectionName, groupId)}:${userId}`;

export interface GroupReconciliation {
  /** What is wrong now (new or still open). */
  findings: DriftFinding[];
  /** The group's baseline after this pass. */
  baseline: string[];
  /** How many members this pass added to the baseline (all of them at a group's first reconciliation). */
  baselined: number;
}

export function reconcileGroup(
  snapshot: GroupSnapshot,
  baseline: Baseline,
  open: readonly DriftFinding[],
): GroupReconciliation {
  const { group, members, leases, at } = snapshot;
  const key = groupKey(group.connectionName, group.groupId);
  const leased = new Map(leases.map((l) => [l.userId, l]));
  const memberIds = new Set(members.map((m) => m.id));
  const first = baseline[key] === undefined;
  // A baselined member who left is forgotten: joining again later without a grant is drift.
  const known = new Set((baseline[key] ?? []).filter((id) => memberIds.has(id)));
  const before = known.size;
  for (const m of members) {
    if (first && !leased.has(m.id)) known.add(m.id); // there before Leasehold watched the group
    if (leased.get(m.id)?.membership === 'pre-existing') known.add(m.id); // recorded by its lease
  }
  const unmanaged = first ? [] : members.filter((m) => !leased.has(m.id) && !known.has(m.id));
  const base = { connectionName: group.connectionName, groupId: group.groupId, groupName: group.groupName };
  const findings = [
    ...unmanaged.map((m) =>
      carry(open, {
        id: findingId('unmanaged', group.connectionName, group.groupId, m.id),
        kind: 'unmanaged',
        ...base,
        userId: m.id,
        userLogin: m.login,
        firstSeen: at,
        action: 'reported',
      }),
    ),
    ...leases
      .filter((l) => !memberIds.has(l.userId) && holdsMembership(l))
      .map((l) =>
        carry(open, {
          id: findingId('missing', group.connectionName, group.groupId, l.userId),
          kind: 'missing',
          ...base,
          userId: l.userId,
          userLogin: l.key?.userLogin ?? l.userId,
          heldBy: (l.holders ?? []).map((h) => h.issueKey),
          firstSeen: at,
          action: 'reported',
        }),
      ),
  ];
  return { findings, baseline: [...known].sort(), baselined: known.size - before };
}

/** A lease whose grants hold the membership (and held it before the members were read). */
function holdsMembership(lease: LeaseView): boolean {
  return lease.membership !== undefined && lease.membership !== 'none' && (lease.holders ?? []).length > 0;
}

/** A finding already open keeps when it was first seen, how it was handled and where it was reported. */
function carry(open: readonly DriftFinding[], found: DriftFinding): DriftFinding {
  const before = open.find((f) => f.id === found.id);
  if (!before) return found;
  return {
    ...found,
    firstSeen: before.firstSeen,
    action: before.action,
    ...(before.reportedIn ? { reportedIn: before.reportedIn } : {}),
  };
}
