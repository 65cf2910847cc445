import { type SampleAtlassianGroup, sampleAtlassianGroups } from '../sample-data';
import type { JiraAccountDirectory } from './accounts';

/**
 * The site's groups (Atlassian Cloud product-access groups as the Jira group API shows them): each has
 * a `groupId` (a UUID) and a name; a group synced from an identity provider (SCIM) cannot be changed
 * on the site. Members are account ids.
 */

export interface JiraGroupRecord {
  groupId: string;
  name: string;
  /** Set for a group synced from an identity provider: its memberships are managed there. */
  syncedFrom?: string;
}

/** One membership change that really changed the site (idempotent repeats are not recorded). */
export interface JiraGroupMembershipChange {
  at: string;
  op: 'add' | 'remove';
  groupId: string;
  accountId: string;
}

/** What is saved between runs (see ../persistence). */
export interface JiraGroupsState {
  groups: JiraGroupRecord[];
  /** Account ids by group id, in the order they were added. */
  members: Record<string, string[]>;
  changes: JiraGroupMembershipChange[];
}

export class JiraGroupDirectory {
  private state: JiraGroupsState = { groups: [], members: {}, changes: [] };
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly accounts: JiraAccountDirectory,
    private readonly samples: readonly SampleAtlassianGroup[] = sampleAtlassianGroups,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.reset();
  }

  /** Called after every change of what {@link exportState} returns. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Back to the sample groups and memberships; the change log is dropped. */
  reset(): void {
    const members: Record<string, string[]> = {};
    for (const g of this.samples) {
      members[g.id] = g.members.map((handle) => {
        const account = this.accounts.find(handle);
        if (!account) throw new Error(`sample group ${g.name}: no Jira account ${handle}`);
        return account.accountId;
      });
    }
    this.state = {
      groups: this.samples.map((g) => ({
        groupId: g.id,
        name: g.name,
        ...(g.syncedFrom ? { syncedFrom: g.syncedFrom } : {}),
      })),
      members,
      changes: [],
    };
  }

  all(): readonly JiraGroupRecord[] {
    return this.state.groups;
  }

  byId(groupId: string): JiraGroupRecord | undefined {
    return this.state.groups.find((g) => g.groupId === groupId);
  }

  /** Jira compares group names case-insensitively. */
  byName(name: string): JiraGroupRecord | undefined {
    const lower = name.toLowerCase();
    return this.state.groups.find((g) => g.name.toLowerCase() === lower);
  }

  /** By id, else by name (for tests and the inspection API). */
  find(nameOrId: string): JiraGroupRecord | undefined {
    return this.byId(nameOrId) ?? this.byName(nameOrId);
  }

  /** Member account ids of the group, in the order Jira lists them (by display name). */
  memberIds(groupId: string): string[] {
    const ids = this.state.members[groupId] ?? [];
    const name = (id: string): string => this.accounts.byAccountId(id)?.displayName ?? id;
    return [...ids].sort((a, b) => name(a).localeCompare(name(b)));
  }

  isMember(groupId: string, accountId: string): boolean {
    return (this.state.members[groupId] ?? []).includes(accountId);
  }

  groupsOf(accountId: string): JiraGroupRecord[] {
    return this.state.groups.filter((g) => this.isMember(g.groupId, accountId));
  }

  /** Adds the member; false (and nothing changes) when they already were one. */
  add(groupId: string, accountId: string): boolean {
    if (this.isMember(groupId, accountId)) return false;
    (this.state.members[groupId] ??= []).push(accountId);
    this.record('add', groupId, accountId);
    return true;
  }

  /** Removes the member; false (and nothing changes) when they were not one. */
  remove(groupId: string, accountId: string): boolean {
    if (!this.isMember(groupId, accountId)) return false;
    this.state.members[groupId] = this.state.members[groupId]!.filter((id) => id !== accountId);
    this.record('remove', groupId, accountId);
    return true;
  }

  get changes(): readonly JiraGroupMembershipChange[] {
    return this.state.changes;
  }

  exportState(): JiraGroupsState {
    return structuredClone(this.state);
  }

  importState(state: JiraGroupsState): void {
    this.state = structuredClone(state);
  }

  private record(op: 'add' | 'remove', groupId: string, accountId: string): void {
    this.state.changes.push({ at: this.now().toISOString(), op, groupId, accountId });
    for (const listener of this.listeners) listener();
  }
}
