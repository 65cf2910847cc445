import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sampleAws, samplePeople } from '../sample-data';

export interface AwsUserRecord {
  id: string;
  userName: string;
  displayName: string;
  givenName: string;
  familyName: string;
  /** The primary work email. */
  email: string;
  status: 'ENABLED' | 'DISABLED';
  /** ISO 8601. */
  createdAt: string;
}

export interface AwsGroupRecord {
  id: string;
  displayName: string;
  description: string;
}

export interface AwsMembershipRecord {
  id: string;
  groupId: string;
  userId: string;
  /** ISO 8601. */
  createdAt: string;
}

/** A membership change that really changed the identity store. */
export interface AwsMembershipChange {
  at: string;
  op: 'add' | 'remove';
  groupId: string;
  userId: string;
  membershipId: string;
}

/** Everything a restart needs to carry on. */
export interface AwsDirectoryState {
  users: AwsUserRecord[];
  groups: AwsGroupRecord[];
  memberships: AwsMembershipRecord[];
  changes: AwsMembershipChange[];
}

export const newAwsUserSchema = z
  .object({
    userName: z.string().min(1).max(128),
    email: z.string().email(),
    givenName: z.string().min(1).default('Test'),
    familyName: z.string().min(1).default('User'),
    id: z.string().min(1).optional(),
  })
  .strict();
export type NewAwsUser = z.input<typeof newAwsUserSchema>;

const SAMPLE_CREATED_AT = '2026-01-05T09:00:00.000Z';

/** The prefix of this identity store's resource ids (`9067c0ffee`), as AWS gives them. */
const ID_PREFIX = sampleAws.identityStoreId.slice(2);

function newId(): string {
  return `${ID_PREFIX}-${randomUUID()}`;
}

/** The sandbox identity store: users, groups and direct memberships, with a log of real changes. */
export class AwsDirectory {
  private users = new Map<string, AwsUserRecord>();
  private groups = new Map<string, AwsGroupRecord>();
  private memberships = new Map<string, AwsMembershipRecord>();
  private changes: AwsMembershipChange[] = [];
  private readonly listeners: (() => void)[] = [];

  constructor() {
    this.reset();
  }

  reset(): void {
    this.users = new Map();
    this.groups = new Map();
    this.memberships = new Map();
    this.changes = [];
    for (const person of samplePeople) {
      const id = sampleAws.userIds[person.handle];
      if (!id) continue;
      this.users.set(id, {
        id,
        userName: person.handle,
        displayName: `${person.firstName} ${person.lastName}`,
        givenName: person.firstName,
        familyName: person.lastName,
        email: person.email,
        status: 'ENABLED',
        createdAt: SAMPLE_CREATED_AT,
      });
    }
    let sampleMemberships = 0;
    for (const group of sampleAws.groups) {
      this.groups.set(group.id, { id: group.id, displayName: group.name, description: group.description });
      for (const handle of group.members) {
        sampleMemberships += 1;
        const id = `${ID_PREFIX}-3e3b0000-0000-4000-8000-${sampleMemberships.toString(16).padStart(12, '0')}`;
        this.memberships.set(id, {
          id,
          groupId: group.id,
          userId: sampleAws.userIds[handle]!,
          createdAt: SAMPLE_CREATED_AT,
        });
      }
    }
    this.changed();
  }

  user(id: string): AwsUserRecord | undefined {
    return this.users.get(id);
  }

  group(id: string): AwsGroupRecord | undefined {
    return this.groups.get(id);
  }

  /** By `userName` (case-insensitive, as AWS compares it) or the primary email. */
  findUser(attribute: 'userName' | 'emails.value', value: string): AwsUserRecord | undefined {
    const wanted = value.toLowerCase();
    return [...this.users.values()].find(
      (u) => (attribute === 'userName' ? u.userName : u.email).toLowerCase() === wanted,
    );
  }

  /** By handle, userName, email or UserId: for the sandbox's own accessors. */
  lookupUser(reference: string): AwsUserRecord | undefined {
    const sampleId = sampleAws.userIds[reference];
    return (
      this.users.get(sampleId ?? reference) ??
      this.findUser('userName', reference) ??
      this.findUser('emails.value', reference)
    );
  }

  findGroupByName(displayName: string): AwsGroupRecord | undefined {
    const all = [...this.groups.values()];
    return (
      all.find((g) => g.displayName === displayName) ??
      all.find((g) => g.displayName.toLowerCase() === displayName.toLowerCase())
    );
  }

  lookupGroup(reference: string): AwsGroupRecord | undefined {
    return this.groups.get(reference) ?? this.findGroupByName(reference);
  }

  membership(groupId: string, userId: string): AwsMembershipRecord | undefined {
    return [...this.memberships.values()].find((m) => m.groupId === groupId && m.userId === userId);
  }

  membershipById(id: string): AwsMembershipRecord | undefined {
    return this.memberships.get(id);
  }

  /** A group's memberships, oldest first (stable order for paging). */
  membershipsOf(groupId: string): AwsMembershipRecord[] {
    return [...this.memberships.values()].filter((m) => m.groupId === groupId);
  }

  addMembership(groupId: string, userId: string): AwsMembershipRecord {
    const record = { id: newId(), groupId, userId, createdAt: new Date().toISOString() };
    this.memberships.set(record.id, record);
    this.changes.push({ at: record.createdAt, op: 'add', groupId, userId, membershipId: record.id });
    this.changed();
    return record;
  }

  deleteMembership(id: string): AwsMembershipRecord | undefined {
    const record = this.memberships.get(id);
    if (!record) return undefined;
    this.memberships.delete(id);
    this.changes.push({
      at: new Date().toISOString(),
      op: 'remove',
      groupId: record.groupId,
      userId: record.userId,
      membershipId: id,
    });
    this.changed();
    return record;
  }

  addUser(input: NewAwsUser): AwsUserRecord {
    const user = newAwsUserSchema.parse(input);
    if (this.findUser('userName', user.userName)) throw new Error(`userName ${user.userName} already exists`);
    const record: AwsUserRecord = {
      id: user.id ?? newId(),
      userName: user.userName,
      displayName: `${user.givenName} ${user.familyName}`,
      givenName: user.givenName,
      familyName: user.familyName,
      email: user.email,
      status: 'ENABLED',
      createdAt: new Date().toISOString(),
    };
    this.users.set(record.id, record);
    this.changed();
    return { ...record };
  }

  membershipChanges(): AwsMembershipChange[] {
    return this.changes.map((c) => ({ ...c }));
  }

  listUsers(): AwsUserRecord[] {
    return [...this.users.values()];
  }

  listGroups(): AwsGroupRecord[] {
    return [...this.groups.values()];
  }

  exportState(): AwsDirectoryState {
    return structuredClone({
      users: this.listUsers(),
      groups: this.listGroups(),
      memberships: [...this.memberships.values()],
      changes: this.changes,
    });
  }

  importState(state: AwsDirectoryState): void {
    this.users = new Map(state.users.map((u) => [u.id, { ...u }]));
    this.groups = new Map(state.groups.map((g) => [g.id, { ...g }]));
    this.memberships = new Map(state.memberships.map((m) => [m.id, { ...m }]));
    this.changes = state.changes.map((c) => ({ ...c }));
    this.changed();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
