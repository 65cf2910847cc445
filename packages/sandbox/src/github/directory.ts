import { z } from 'zod';
import { samplePerson, sampleGitHub, type SampleGitHubTeam } from '../sample-data';

/** A GitHub account the sandbox knows. */
export interface GitHubUserRecord {
  id: number;
  login: string;
  name: string;
  /** The profile's public email, or null when it is private. */
  email: string | null;
  createdAt: string;
}

export interface GitHubTeamRecord {
  id: number;
  slug: string;
  name: string;
  description: string;
  /** The identity-provider group the team is synchronized with (memberships cannot be changed), if any. */
  idpGroup?: string;
  createdAt: string;
}

export type TeamRole = 'member' | 'maintainer';
export type MembershipState = 'active' | 'pending';

export interface TeamMembership {
  login: string;
  role: TeamRole;
  state: MembershipState;
}

/** A membership change that really changed the organisation (idempotent repeats are not listed). */
export interface GitHubMembershipChange {
  at: string;
  op: 'add' | 'remove';
  team: string;
  login: string;
  state: MembershipState;
}

export const newGitHubUserSchema = z
  .object({
    login: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/),
    name: z.string().default(''),
    email: z.string().email().nullable().default(null),
    orgMember: z.boolean().default(false),
  })
  .strict();
export type NewGitHubUser = z.input<typeof newGitHubUserSchema>;

/** What a restart needs: accounts, organisation members, team memberships and the change log. */
export interface GitHubDirectoryState {
  users: GitHubUserRecord[];
  orgMembers: string[];
  memberships: Record<string, TeamMembership[]>;
  changes: GitHubMembershipChange[];
}

const USERS_CREATED = '2019-05-06T08:00:00Z';
const TEAMS_CREATED = '2021-01-11T10:00:00Z';
const FIRST_ADDED_ID = 52000001;

/**
 * The sandbox organisation: accounts, organisation members, teams and team memberships, loaded from
 * the sample organisation. Strongly consistent: a change is visible to the next request.
 */
export class GitHubDirectory {
  readonly org = sampleGitHub.org;
  private users = new Map<string, GitHubUserRecord>();
  private orgMembers = new Set<string>();
  private readonly teams = new Map<string, GitHubTeamRecord>();
  /** team slug → login (lower case) → membership. */
  private memberships = new Map<string, Map<string, TeamMembership>>();
  private changes: GitHubMembershipChange[] = [];
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly now: () => number = Date.now) {
    for (const team of sampleGitHub.teams) this.teams.set(team.slug, teamRecord(team));
    this.reset();
  }

  /** Back to the sample organisation. */
  reset(): void {
    this.users = new Map();
    this.orgMembers = new Set();
    this.memberships = new Map();
    this.changes = [];
    for (const u of sampleGitHub.users) {
      const person = samplePerson(u.handle);
      this.users.set(u.login.toLowerCase(), {
        id: u.id,
        login: u.login,
        name: `${person.firstName} ${person.lastName}`,
        email: u.publicEmail ? person.email : null,
        createdAt: USERS_CREATED,
      });
      if (u.orgMember) this.orgMembers.add(u.login.toLowerCase());
    }
    const loginOf = (handle: string): string => sampleGitHub.users.find((u) => u.handle === handle)!.login;
    for (const team of sampleGitHub.teams) {
      const members = new Map<string, TeamMembership>();
      const maintainers: readonly string[] = ('maintainers' in team ? team.maintainers : undefined) ?? [];
      for (const [handles, role] of [
        [team.members, 'member'],
        [maintainers, 'maintainer'],
      ] as const) {
        for (const handle of handles) {
          const login = loginOf(handle);
          members.set(login.toLowerCase(), { login, role, state: 'active' });
        }
      }
      this.memberships.set(team.slug, members);
    }
    this.changed();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  findUser(login: string): GitHubUserRecord | undefined {
    return this.users.get(login.toLowerCase());
  }

  findUserById(id: number): GitHubUserRecord | undefined {
    return [...this.users.values()].find((u) => u.id === id);
  }

  listUsers(): GitHubUserRecord[] {
    return [...this.users.values()].sort((a, b) => a.id - b.id);
  }

  addUser(input: NewGitHubUser): GitHubUserRecord {
    const user = newGitHubUserSchema.parse(input);
    if (this.findUser(user.login)) throw new Error(`GitHub login ${user.login} exists already`);
    const id = Math.max(FIRST_ADDED_ID - 1, ...[...this.users.values()].map((u) => u.id)) + 1;
    const record = { id, login: user.login, name: user.name, email: user.email, createdAt: iso(this.now()) };
    this.users.set(user.login.toLowerCase(), record);
    if (user.orgMember) this.orgMembers.add(user.login.toLowerCase());
    this.changed();
    return { ...record };
  }

  isOrgMember(login: string): boolean {
    return this.orgMembers.has(login.toLowerCase());
  }

  findTeam(slug: string): GitHubTeamRecord | undefined {
    return this.teams.get(slug.toLowerCase());
  }

  listTeams(): GitHubTeamRecord[] {
    return [...this.teams.values()];
  }

  membership(slug: string, login: string): TeamMembership | undefined {
    const found = this.memberships.get(slug.toLowerCase())?.get(login.toLowerCase());
    return found && { ...found };
  }

  /** Every membership of a team (active and pending), by login. */
  teamMemberships(slug: string): TeamMembership[] {
    return [...(this.memberships.get(slug.toLowerCase())?.values() ?? [])]
      .map((m) => ({ ...m }))
      .sort((a, b) => this.findUser(a.login)!.id - this.findUser(b.login)!.id);
  }

  /**
   * Adds or updates a membership: an organisation member is `active` at once; anyone else is invited
   * to the organisation and `pending` until they accept. An existing membership keeps its state.
   */
  setMembership(slug: string, login: string, role: TeamRole): TeamMembership {
    const team = this.memberships.get(slug.toLowerCase())!;
    const user = this.findUser(login)!;
    const existing = team.get(user.login.toLowerCase());
    if (existing) {
      existing.role = role;
      this.changed();
      return { ...existing };
    }
    const state: MembershipState = this.isOrgMember(user.login) ? 'active' : 'pending';
    const created = { login: user.login, role, state };
    team.set(user.login.toLowerCase(), created);
    this.changes.push({ at: iso(this.now()), op: 'add', team: slug.toLowerCase(), login: user.login, state });
    this.changed();
    return { ...created };
  }

  /** Removes a membership (a pending one is cancelled); false when there was none. */
  removeMembership(slug: string, login: string): boolean {
    const team = this.memberships.get(slug.toLowerCase());
    const existing = team?.get(login.toLowerCase());
    if (!team || !existing) return false;
    team.delete(login.toLowerCase());
    this.changes.push({ at: iso(this.now()), op: 'remove', team: slug.toLowerCase(), ...existing });
    this.changed();
    return true;
  }

  /** The user accepts the organisation's invitation: member of the organisation, pending memberships active. */
  acceptInvitation(login: string): void {
    const user = this.findUser(login);
    if (!user) throw new Error(`no GitHub user ${login}`);
    this.orgMembers.add(user.login.toLowerCase());
    for (const team of this.memberships.values()) {
      const m = team.get(user.login.toLowerCase());
      if (m) m.state = 'active';
    }
    this.changed();
  }

  membershipChanges(): GitHubMembershipChange[] {
    return this.changes.map((c) => ({ ...c }));
  }

  exportState(): GitHubDirectoryState {
    return {
      users: this.listUsers().map((u) => ({ ...u })),
      orgMembers: [...this.orgMembers].sort(),
      memberships: Object.fromEntries([...this.memberships.keys()].map((slug) => [slug, this.teamMemberships(slug)])),
      changes: this.membershipChanges(),
    };
  }

  importState(state: GitHubDirectoryState): void {
    this.users = new Map(state.users.map((u) => [u.login.toLowerCase(), { ...u }]));
    this.orgMembers = new Set(state.orgMembers.map((l) => l.toLowerCase()));
    this.memberships = new Map(
      [...this.teams.keys()].map((slug) => [
        slug,
        new Map((state.memberships[slug] ?? []).map((m) => [m.login.toLowerCase(), { ...m }])),
      ]),
    );
    this.changes = state.changes.map((c) => ({ ...c }));
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

function teamRecord(team: SampleGitHubTeam): GitHubTeamRecord {
  return {
    id: team.id,
    slug: team.slug,
    name: team.name,
    description: team.description,
    ...(team.idpGroup ? { idpGroup: team.idpGroup } : {}),
    createdAt: TEAMS_CREATED,
  };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
