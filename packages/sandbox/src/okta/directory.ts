import { sampleOktaGroups, samplePeople, type SamplePerson } from '../sample-data';
import {
  newOktaUserSchema,
  type MembershipChange,
  type NewOktaUser,
  type OktaGroupRecord,
  type OktaUserRecord,
} from './records';
import { sampleUser, withSampleDepartment } from './sample-users';

export {
  newOktaUserSchema,
  type MembershipChange,
  type NewOktaUser,
  type OktaGroupRecord,
  type OktaGroupType,
  type OktaUserRecord,
  type OktaUserStatus,
} from './records';

/** The org as saved between runs (see ../persistence): users, groups, memberships, the change log. */
export interface OktaDirectoryState {
  users: OktaUserRecord[];
  groups: OktaGroupRecord[];
  /** Group id → member user ids. */
  members: Record<string, string[]>;
  changes: MembershipChange[];
  /** How many users were added beyond the sample people (the next added id follows). */
  seeded: number;
}

/** A change the directory refuses (duplicate login, unknown manager or group). */
export class DirectoryError extends Error {}

const GROUPS_CREATED = '2024-02-01T10:00:00.000Z';
const MEMBERSHIPS_LOADED = '2025-11-01T12:00:00.000Z';
/** The app the sample APP_GROUP is imported from. */
const SAMPLE_SOURCE_APP = '0oasalesforce0000001';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Users, groups and memberships of the sandbox Okta org, loaded from the sample organisation.
 * Okta is strongly consistent for these reads: a membership change is visible to the next request.
 */
export class OktaDirectory {
  private readonly users = new Map<string, OktaUserRecord>();
  private readonly groups = new Map<string, OktaGroupRecord>();
  private readonly members = new Map<string, Set<string>>();
  private changes: MembershipChange[] = [];
  private seeded = 0;
  private readonly changeListeners: Array<() => void> = [];

  constructor(private readonly now: () => number = Date.now) {
    this.load();
  }

  /** Back to the sample organisation: seeded users, membership changes and the change log are dropped. */
  reset(): void {
    this.importState({ users: [], groups: [], members: {}, changes: [], seeded: 0 });
    this.load();
    this.changed();
  }

  /** Called after every change (membership, user added, sign-in, reset). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** A deep copy of the org. */
  exportState(): OktaDirectoryState {
    return structuredClone({
      users: this.listUsers(),
      groups: this.listGroups(),
      members: Object.fromEntries([...this.members].map(([g, ids]) => [g, [...ids]])),
      changes: this.changes,
      seeded: this.seeded,
    });
  }

  /** Replaces the whole org with a saved one. */
  importState(state: OktaDirectoryState): void {
    const copy = structuredClone(state);
    this.users.clear();
    this.groups.clear();
    this.members.clear();
    for (const u of copy.users) this.users.set(u.id, withSampleDepartment(u));
    for (const g of copy.groups) this.groups.set(g.id, g);
    for (const [g, ids] of Object.entries(copy.members)) this.members.set(g, new Set(ids));
    this.changes = copy.changes;
    this.seeded = copy.seeded;
  }

  /** All users, ordered by id (the order Okta pages them in). */
  listUsers(): OktaUserRecord[] {
    return [...this.users.values()].sort(byId);
  }

  /** All groups, ordered by id. */
  listGroups(): OktaGroupRecord[] {
    return [...this.groups.values()].sort(byId);
  }

  /** A user by id, login (case-insensitive) or unambiguous login shortname, as `/api/v1/users/{id}` accepts. */
  findUser(idOrLogin: string): OktaUserRecord | undefined {
    const byIdHit = this.users.get(idOrLogin);
    if (byIdHit) return byIdHit;
    const wanted = idOrLogin.toLowerCase();
    const all = [...this.users.values()];
    const byLogin = all.find((u) => u.profile.login.toLowerCase() === wanted);
    if (byLogin || wanted.includes('@')) return byLogin;
    const byShortname = all.filter((u) => u.profile.login.toLowerCase().split('@')[0] === wanted);
    return byShortname.length === 1 ? byShortname[0] : undefined;
  }

  findUserById(id: string): OktaUserRecord | undefined {
    return this.users.get(id);
  }

  findGroupById(id: string): OktaGroupRecord | undefined {
    return this.groups.get(id);
  }

  /** A group by id or exact name (for tests and the admin API; the Okta API takes ids only). */
  findGroup(idOrName: string): OktaGroupRecord | undefined {
    return this.groups.get(idOrName) ?? [...this.groups.values()].find((g) => g.name === idOrName);
  }

  /** Members of a group, ordered by id. */
  membersOf(groupId: string): OktaUserRecord[] {
    const ids = this.members.get(groupId) ?? new Set<string>();
    return [...ids]
      .map((id) => this.users.get(id))
      .filter((u): u is OktaUserRecord => u !== undefined)
      .sort(byId);
  }

  /** Groups the user is in, ordered by id. */
  groupsOf(userId: string): OktaGroupRecord[] {
    return this.listGroups().filter((g) => this.members.get(g.id)?.has(userId));
  }

  isMember(groupId: string, userId: string): boolean {
    return this.members.get(groupId)?.has(userId) ?? false;
  }

  /** Adds the user; returns false (and changes nothing) when they already were a member. */
  addMember(groupId: string, userId: string): boolean {
    const set = this.memberSet(groupId);
    if (set.has(userId)) return false;
    set.add(userId);
    this.recordChange('add', groupId, userId);
    return true;
  }

  /** Removes the user; returns false (and changes nothing) when they were not a member. */
  removeMember(groupId: string, userId: string): boolean {
    const set = this.memberSet(groupId);
    if (!set.delete(userId)) return false;
    this.recordChange('remove', groupId, userId);
    return true;
  }

  /** Every membership change that really changed the org since load, oldest first. */
  get membershipChanges(): readonly MembershipChange[] {
    return this.changes;
  }

  /** Records a sign-in: sets `lastLogin` (what a user signing in to Okta does). */
  recordLogin(userId: string, at: string): void {
    const user = this.users.get(userId);
    if (!user) throw new DirectoryError(`no user ${userId}`);
    user.lastLogin = at;
    this.changed();
  }

  /** Adds a user (ids `00useed…`, 20 characters like Okta's); they join `Everyone` and `groups`. */
  addUser(input: NewOktaUser): OktaUserRecord {
    const spec = newOktaUserSchema.parse(input);
    if (this.findUser(spec.login)?.profile.login.toLowerCase() === spec.login.toLowerCase()) {
      throw new DirectoryError(`a user with login ${spec.login} already exists`);
    }
    const manager = spec.manager === undefined ? undefined : this.findUser(spec.manager);
    if (spec.manager !== undefined && !manager) throw new DirectoryError(`no manager ${spec.manager}`);
    const groups = spec.groups.map((g) => {
      const group = this.findGroup(g);
      if (!group) throw new DirectoryError(`no group ${g}`);
      return group;
    });
    this.seeded += 1;
    const id = `00useed${String(this.seeded).padStart(13, '0')}`;
    const created = iso(this.now());
    const user: OktaUserRecord = {
      id,
      status: spec.status,
      created,
      activated: spec.status === 'STAGED' ? null : created,
      statusChanged: spec.status === 'STAGED' ? null : created,
      lastLogin: spec.lastLogin,
      lastUpdated: created,
      passwordChanged: null,
      profile: {
        login: spec.login,
        email: spec.email ?? spec.login,
        firstName: spec.firstName,
        lastName: spec.lastName,
        displayName: `${spec.firstName} ${spec.lastName}`,
        ...(spec.title === undefined ? {} : { title: spec.title }),
        ...(spec.department === undefined ? {} : { department: spec.department }),
        ...(manager ? { managerId: manager.id, manager: manager.profile.login } : {}),
      },
    };
    this.users.set(id, user);
    for (const group of this.listGroups().filter((g) => g.type === 'BUILT_IN')) this.memberSet(group.id).add(id);
    for (const group of groups) this.memberSet(group.id).add(id);
    this.changed();
    return user;
  }

  private memberSet(groupId: string): Set<string> {
    let set = this.members.get(groupId);
    if (!set) {
      set = new Set();
      this.members.set(groupId, set);
    }
    return set;
  }

  private recordChange(op: MembershipChange['op'], groupId: string, userId: string): void {
    const at = iso(this.now());
    const group = this.groups.get(groupId);
    if (group) group.lastMembershipUpdated = at;
    this.changes.push({ at, op, groupId, userId });
    this.changed();
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private load(): void {
    const people = samplePeople.filter((p): p is SamplePerson & { oktaId: string } => p.oktaId !== undefined);
    people.forEach((p, i) => this.users.set(p.oktaId, sampleUser(p, i, people)));
    for (const g of sampleOktaGroups) {
      const type = g.type ?? 'OKTA_GROUP';
      this.groups.set(g.id, {
        id: g.id,
        type,
        name: g.name,
        description: g.description,
        created: GROUPS_CREATED,
        lastUpdated: GROUPS_CREATED,
        lastMembershipUpdated: MEMBERSHIPS_LOADED,
        ...(type === 'APP_GROUP' ? { sourceAppId: SAMPLE_SOURCE_APP } : {}),
      });
      const ids = g.members
        .map((handle) => people.find((p) => p.handle === handle)?.oktaId)
        .filter((id): id is string => id !== undefined);
      this.members.set(g.id, new Set(ids));
    }
  }
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
