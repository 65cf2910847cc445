import { z } from 'zod';
import { sampleGoogle, samplePeople, type SampleGoogleGroup } from '../sample-data';

/** A Google Workspace user as the sandbox keeps it (the parts of the Directory API's User it serves). */
export interface GoogleUserRecord {
  id: string;
  primaryEmail: string;
  givenName: string;
  familyName: string;
  isAdmin: boolean;
  suspended: boolean;
  /** The manager's email (`relations: [{ type: 'manager', value }]`), if any. */
  managerEmail?: string;
  /** ISO 8601; Google answers `1970-01-01T00:00:00.000Z` for a user who never signed in. */
  lastLoginTime: string;
  creationTime: string;
}

export interface GoogleGroupRecord {
  id: string;
  email: string;
  name: string;
  description: string;
}

export type GoogleMemberType = 'USER' | 'GROUP';

/** One direct membership: `email` is a user's primary email or another group's email. */
export interface GoogleMembership {
  email: string;
  role: 'MEMBER' | 'MANAGER' | 'OWNER';
  type: GoogleMemberType;
}

/** A membership change that really changed the domain (idempotent repeats are not listed). */
export interface GoogleMembershipChange {
  at: string;
  op: 'add' | 'remove';
  group: string;
  email: string;
}

/** What a restart needs to carry on: users, memberships and the change log (groups are the sample's). */
export interface GoogleDirectoryState {
  users: GoogleUserRecord[];
  members: Record<string, GoogleMembership[]>;
  changes: GoogleMembershipChange[];
}

export const newGoogleUserSchema = z
  .object({
    primaryEmail: z.string().email(),
    givenName: z.string().default(''),
    familyName: z.string().default(''),
    isAdmin: z.boolean().default(false),
    managerEmail: z.string().email().optional(),
  })
  .strict();
export type NewGoogleUser = z.input<typeof newGoogleUserSchema>;

const NEVER = '1970-01-01T00:00:00.000Z';
const CREATED = '2020-02-03T09:00:00.000Z';

/**
 * The sandbox Workspace domain: users, groups and direct memberships (users and nested groups), loaded
 * from the sample domain. Keys are compared case-insensitively, as Google compares email addresses.
 * Strongly consistent: a change is visible to the next request.
 */
export class GoogleDirectory {
  private users = new Map<string, GoogleUserRecord>();
  private readonly groups = new Map<string, GoogleGroupRecord>();
  /** group email → member email → membership. */
  private members = new Map<string, Map<string, GoogleMembership>>();
  private changes: GoogleMembershipChange[] = [];
  private readonly listeners: Array<() => void> = [];
  private nextUserId = 104200000000000000100n;

  constructor(private readonly now: () => number = Date.now) {
    for (const g of sampleGoogle.groups) this.groups.set(g.email, groupRecord(g));
    this.reset();
  }

  reset(): void {
    this.users = new Map();
    this.changes = [];
    for (const person of samplePeople) {
      const id = sampleGoogle.userIds[person.handle];
      if (!id) continue;
      const manager = person.managerHandle ? samplePeople.find((p) => p.handle === person.managerHandle) : undefined;
      this.users.set(person.email, {
        id,
        primaryEmail: person.email,
        givenName: person.firstName,
        familyName: person.lastName,
        isAdmin: (sampleGoogle.admins as readonly string[]).includes(person.handle),
        suspended: false,
        ...(manager ? { managerEmail: manager.email } : {}),
        lastLoginTime: person.lastLogin ?? NEVER,
        creationTime: CREATED,
      });
    }
    this.members = new Map();
    for (const g of sampleGoogle.groups) {
      const members = new Map<string, GoogleMembership>();
      for (const m of g.members) {
        const email = m.includes('@') ? m : samplePeople.find((p) => p.handle === m)!.email;
        members.set(email, { email, role: 'MEMBER', type: m.includes('@') ? 'GROUP' : 'USER' });
      }
      this.members.set(g.email, members);
    }
    this.changed();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** A user by primary email or id. */
  findUser(key: string): GoogleUserRecord | undefined {
    const k = key.trim().toLowerCase();
    return this.users.get(k) ?? [...this.users.values()].find((u) => u.id === k);
  }

  /** A group by email or id. */
  findGroup(key: string): GoogleGroupRecord | undefined {
    const k = key.trim().toLowerCase();
    return this.groups.get(k) ?? [...this.groups.values()].find((g) => g.id.toLowerCase() === k);
  }

  listUsers(): GoogleUserRecord[] {
    return [...this.users.values()];
  }

  listGroups(): GoogleGroupRecord[] {
    return [...this.groups.values()];
  }

  addUser(input: NewGoogleUser): GoogleUserRecord {
    const user = newGoogleUserSchema.parse(input);
    const email = user.primaryEmail.toLowerCase();
    if (this.users.has(email) || this.groups.has(email)) throw new Error(`${email} already exists in the domain`);
    const record: GoogleUserRecord = {
      id: String(this.nextUserId++),
      primaryEmail: email,
      givenName: user.givenName,
      familyName: user.familyName,
      isAdmin: user.isAdmin,
      suspended: false,
      ...(user.managerEmail ? { managerEmail: user.managerEmail.toLowerCase() } : {}),
      lastLoginTime: NEVER,
      creationTime: new Date(this.now()).toISOString(),
    };
    this.users.set(email, record);
    this.changed();
    return { ...record };
  }

  /** The user (id or email) signs in now (or at `at`). */
  recordLogin(key: string, at: Date): void {
    const user = this.findUser(key);
    if (!user) throw new Error(`no Google user ${key} in the sandbox`);
    user.lastLoginTime = at.toISOString();
    this.changed();
  }

  /** The member a key (email or id of a user or a group) names, as a membership would hold it. */
  resolveMember(key: string): { email: string; type: GoogleMemberType } | undefined {
    const user = this.findUser(key);
    if (user) return { email: user.primaryEmail, type: 'USER' };
    const group = this.findGroup(key);
    return group ? { email: group.email, type: 'GROUP' } : undefined;
  }

  /** Direct members of a group, in the order they were added. */
  membersOf(groupEmail: string): GoogleMembership[] {
    return [...(this.members.get(groupEmail) ?? new Map<string, GoogleMembership>()).values()].map((m) => ({ ...m }));
  }

  directMembership(groupEmail: string, memberEmail: string): GoogleMembership | undefined {
    const found = this.members.get(groupEmail)?.get(memberEmail);
    return found ? { ...found } : undefined;
  }

  /** Direct or through nested groups (what `hasMember` answers). */
  hasMember(groupEmail: string, memberEmail: string, seen = new Set<string>()): boolean {
    if (seen.has(groupEmail)) return false;
    seen.add(groupEmail);
    const members = this.members.get(groupEmail);
    if (!members) return false;
    if (members.has(memberEmail)) return true;
    return [...members.values()].some((m) => m.type === 'GROUP' && this.hasMember(m.email, memberEmail, seen));
  }

  /** Adds a direct membership; false when it already existed. */
  addMember(groupEmail: string, member: { email: string; type: GoogleMemberType }): boolean {
    const members = this.members.get(groupEmail);
    if (!members) throw new Error(`no group ${groupEmail}`);
    if (members.has(member.email)) return false;
    members.set(member.email, { email: member.email, role: 'MEMBER', type: member.type });
    this.record('add', groupEmail, member.email);
    return true;
  }

  /** Removes a direct membership; false when there was none. */
  removeMember(groupEmail: string, memberEmail: string): boolean {
    const members = this.members.get(groupEmail);
    if (!members?.delete(memberEmail)) return false;
    this.record('remove', groupEmail, memberEmail);
    return true;
  }

  membershipChanges(): GoogleMembershipChange[] {
    return this.changes.map((c) => ({ ...c }));
  }

  exportState(): GoogleDirectoryState {
    return {
      users: this.listUsers().map((u) => ({ ...u })),
      members: Object.fromEntries([...this.members.keys()].map((g) => [g, this.membersOf(g)])),
      changes: this.membershipChanges(),
    };
  }

  importState(state: GoogleDirectoryState): void {
    this.users = new Map(state.users.map((u) => [u.primaryEmail.toLowerCase(), { ...u }]));
    this.members = new Map(
      [...this.groups.keys()].map((g) => [g, new Map((state.members[g] ?? []).map((m) => [m.email, { ...m }]))]),
    );
    this.changes = state.changes.map((c) => ({ ...c }));
  }

  private record(op: 'add' | 'remove', group: string, email: string): void {
    this.changes.push({ at: new Date(this.now()).toISOString(), op, group, email });
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

function groupRecord(g: SampleGoogleGroup): GoogleGroupRecord {
  return { id: g.id, email: g.email, name: g.name, description: g.description };
}
