import { samplePeople, sampleEntraGroups } from '../sample-data';

/** A user object as the sandbox directory holds it (the Graph shape is built in graph-resources.ts). */
export interface DirectoryUser {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  mail: string;
  userPrincipalName: string;
  jobTitle: string;
  /** Graph `department` (absent: null on the wire). */
  department?: string;
  accountEnabled: boolean;
  managerId?: string;
  /** Last interactive sign-in (ISO 8601), if the user ever signed in. */
  lastSignInDateTime?: string;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  description: string;
  mailNickname: string;
  createdDateTime: string;
}

/** One membership change as it reaches replicas: `at` is when it becomes visible to writers (ms epoch). */
interface MembershipChange {
  at: number;
  member: boolean;
}

/** The tenant as saved between runs (see ../persistence): pending replication is not kept. */
export interface EntraDirectoryState {
  users: DirectoryUser[];
  groups: DirectoryGroup[];
  /** Group id → committed member ids. */
  members: Record<string, string[]>;
}

const GROUPS_CREATED = '2025-01-15T09:00:00Z';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * Users, groups and memberships of the sandbox tenant, loaded from the sample organisation.
 *
 * Memberships are eventually consistent like Entra ID's: writes and their conflict checks see the
 * committed state at once, while membership reads (members, memberOf, checkMemberGroups) see a write
 * only `replicationDelayMs` after it was made.
 */
export class Directory {
  private readonly users = new Map<string, DirectoryUser>();
  private readonly groups = new Map<string, DirectoryGroup>();
  /** groupId -> userId -> changes, oldest first; initial members carry `at: -Infinity`. */
  private readonly memberships = new Map<string, Map<string, MembershipChange[]>>();
  private readonly changeListeners: Array<() => void> = [];

  constructor(
    public replicationDelayMs = 0,
    private readonly now: () => number = Date.now,
  ) {
    this.load();
  }

  /** Back to the sample organisation (keeps the replication delay). */
  reset(): void {
    this.importState({ users: [], groups: [], members: {} });
    this.load();
    this.changed();
  }

  /** Called after every change (membership, reset). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** A deep copy of users, groups and committed memberships. */
  exportState(): EntraDirectoryState {
    return structuredClone({
      users: this.listUsers(),
      groups: this.listGroups(),
      members: Object.fromEntries(this.listGroups().map((g) => [g.id, this.memberIds(g.id, 'committed')])),
    });
  }

  /** Replaces the tenant with a saved one; its memberships are visible at once. */
  importState(state: EntraDirectoryState): void {
    const copy = structuredClone(state);
    this.users.clear();
    this.groups.clear();
    this.memberships.clear();
    for (const u of copy.users) this.users.set(u.id.toLowerCase(), withSampleDepartment(u));
    for (const g of copy.groups) this.groups.set(g.id.toLowerCase(), g);
    for (const [groupId, ids] of Object.entries(copy.members)) {
      const changes = ids.map((id): [string, MembershipChange[]] => [
        id.toLowerCase(),
        [{ at: -Infinity, member: true }],
      ]);
      this.memberships.set(groupId.toLowerCase(), new Map(changes));
    }
  }

  listUsers(): DirectoryUser[] {
    return [...this.users.values()];
  }

  /** By object id or userPrincipalName, both case-insensitive as in Entra ID. */
  findUser(idOrUpn: string): DirectoryUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.users.get(key) ?? this.listUsers().find((u) => u.userPrincipalName.toLowerCase() === key);
  }

  listGroups(): DirectoryGroup[] {
    return [...this.groups.values()];
  }

  findGroup(id: string): DirectoryGroup | undefined {
    return this.groups.get(id.toLowerCase());
  }

  /** By object id or display name (for tests and admin views). */
  findGroupByIdOrName(idOrName: string): DirectoryGroup | undefined {
    return this.findGroup(idOrName) ?? this.listGroups().find((g) => g.displayName === idOrName);
  }

  /** Committed membership (what a write sees). */
  isMember(groupId: string, userId: string): boolean {
    const changes = this.memberships.get(groupId.toLowerCase())?.get(userId.toLowerCase());
    return changes?.at(-1)?.member ?? false;
  }

  /** Member ids as writes see them (`committed`) or as reads see them now (`visible`). */
  memberIds(groupId: string, view: 'committed' | 'visible'): string[] {
    const byUser = this.memberships.get(groupId.toLowerCase());
    if (!byUser) return [];
    const cutoff = view === 'committed' ? Infinity : this.now() - this.replicationDelayMs;
    return [...byUser.entries()]
      .filter(([, changes]) => stateAt(changes, cutoff))
      .map(([userId]) => this.users.get(userId)?.id ?? userId);
  }

  /** Groups the user is a (visible) member of. */
  visibleGroupsOf(userId: string): DirectoryGroup[] {
    const key = userId.toLowerCase();
    return this.listGroups().filter((g) => this.memberIds(g.id, 'visible').some((id) => id.toLowerCase() === key));
  }

  /** Adds a member; false when the user already is one (committed state). */
  addMember(groupId: string, userId: string): boolean {
    if (this.isMember(groupId, userId)) return false;
    this.record(groupId, userId, true);
    return true;
  }

  /** Removes a member; false when the user is not one (committed state). */
  removeMember(groupId: string, userId: string): boolean {
    if (!this.isMember(groupId, userId)) return false;
    this.record(groupId, userId, false);
    return true;
  }

  /** Makes every pending membership change visible now. */
  flushReplication(): void {
    for (const byUser of this.memberships.values()) {
      for (const [userId, changes] of byUser) {
        byUser.set(userId, [{ at: -Infinity, member: changes.at(-1)?.member ?? false }]);
      }
    }
  }

  private record(groupId: string, userId: string, member: boolean): void {
    const gid = groupId.toLowerCase();
    const byUser = this.memberships.get(gid) ?? new Map<string, MembershipChange[]>();
    this.memberships.set(gid, byUser);
    const now = this.now();
    const cutoff = now - this.replicationDelayMs;
    // Keep only what a reader may still see: the newest change already replicated, and later ones.
    const changes = byUser.get(userId.toLowerCase()) ?? [];
    const firstPending = changes.findIndex((c) => c.at > cutoff);
    const kept = firstPending === -1 ? changes.slice(-1) : changes.slice(Math.max(0, firstPending - 1));
    kept.push({ at: now, member });
    byUser.set(userId.toLowerCase(), kept);
    this.changed();
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private load(): void {
    const byHandle = new Map(samplePeople.filter((p) => p.entraId).map((p) => [p.handle, p.entraId!]));
    for (const p of samplePeople) {
      if (!p.entraId) continue;
      const managerId = p.managerHandle ? byHandle.get(p.managerHandle) : undefined;
      this.users.set(p.entraId.toLowerCase(), {
        id: p.entraId,
        displayName: `${p.firstName} ${p.lastName}`,
        givenName: p.firstName,
        surname: p.lastName,
        mail: p.email,
        userPrincipalName: p.email,
        jobTitle: p.title,
        department: p.department,
        accountEnabled: true,
        ...(managerId ? { managerId } : {}),
        ...(p.lastLogin ? { lastSignInDateTime: p.lastLogin } : {}),
      });
    }
    for (const g of sampleEntraGroups) {
      this.groups.set(g.id.toLowerCase(), {
        id: g.id,
        displayName: g.name,
        description: g.description,
        mailNickname: g.name.toLowerCase().replace(/[^a-z0-9]/g, ''),
        createdDateTime: GROUPS_CREATED,
      });
      const byUser = new Map<string, MembershipChange[]>();
      for (const handle of g.members) {
        const userId = byHandle.get(handle);
        if (userId) byUser.set(userId.toLowerCase(), [{ at: -Infinity, member: true }]);
      }
      this.memberships.set(g.id.toLowerCase(), byUser);
    }
  }
}

/** A sample person saved before users had a department gets theirs (the sample data's). */
function withSampleDepartment(user: DirectoryUser): DirectoryUser {
  if (user.department !== undefined) return user;
  const department = samplePeople.find((p) => p.entraId?.toLowerCase() === user.id.toLowerCase())?.department;
  return department === undefined ? user : { ...user, department };
}

/** Membership as of `cutoff`: the newest change made at or before it. */
function stateAt(changes: readonly MembershipChange[], cutoff: number): boolean {
  let member = false;
  for (const change of changes) {
    if (change.at <= cutoff) member = change.member;
  }
  return member;
}
