import { FaultSwitch, type FaultSettings, type FaultSettingsInput } from '../faults';
import { startSandboxServer, type RunningSandboxServer } from '../http';
import { oktaAdminRouter } from './admin-routes';
import type { OktaOperationId } from './api-route';
import { defaultOktaTokens, type OktaTokens } from './auth';
import {
  OktaDirectory,
  type MembershipChange,
  type NewOktaUser,
  type OktaDirectoryState,
  type OktaGroupType,
  type OktaUserRecord,
} from './directory';
import { DEFAULT_RATE_LIMIT_PER_MINUTE, RateLimiter } from './rate-limiter';
import { oktaServerOptions } from './server';

export interface OktaSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port); the app passes 8092. */
  port?: number;
  /** Initial faults, merged under `LEASEHOLD_SANDBOX_OKTA_FAULTS`. */
  faults?: FaultSettingsInput;
  /** The full-access API token (default `sandboxCredentials.okta.token`). */
  token?: string;
  /** The read-only API token (default `sandbox-okta-readonly-token`). */
  readOnlyToken?: string;
  /** Requests per minute per endpoint family (`/api/v1/users`, `/api/v1/groups`); default 600. */
  rateLimitPerMinute?: number;
  /** Users, groups and memberships to start from (a state saved by {@link OktaSandbox.savedState}). */
  savedState?: OktaDirectoryState;
}

/** What `GET /__sandbox/state` answers. */
export interface OktaSandboxState {
  rateLimitPerMinute: number;
  users: { id: string; login: string; status: string; managerId?: string }[];
  groups: { id: string; name: string; type: OktaGroupType; members: string[] }[];
  membershipChanges: MembershipChange[];
  requestCounts: Partial<Record<OktaOperationId, number>>;
}

/** A running sandbox Okta org, with accessors for tests. */
export interface OktaSandbox {
  /** Org URL, e.g. `http://127.0.0.1:8092` (what `orgUrl` of the SDK takes). */
  readonly url: string;
  readonly port: number;
  readonly faults: FaultSwitch;
  readonly tokens: OktaTokens;
  readonly rateLimitPerMinute: number;
  /** Logins of a group's members (group by id or name), sorted. Throws for an unknown group. */
  groupMembers(groupNameOrId: string): string[];
  /** Names of the groups a user (id or login) is in, sorted. Throws for an unknown user. */
  userGroups(userIdOrLogin: string): string[];
  /** Adds a user to the org (and to Everyone); returns it as stored. */
  addUser(user: NewOktaUser): OktaUserRecord;
  /** Simulates the user (id or login) signing in: their `lastLogin` becomes `at` (default now). */
  recordLogin(userIdOrLogin: string, at?: Date): void;
  /** Changes the per-minute limit and starts every rate-limit window afresh. */
  setRateLimit(perMinute: number): void;
  /** Requests that reached an operation (authenticated, not throttled, not faulted) since start or reset. */
  requestCount(operation: OktaOperationId): number;
  /** Requests the per-minute limit answered 429 since start or reset (forced 429 faults not included). */
  rateLimitedCount(): number;
  /** Membership changes that really changed the org (idempotent repeats are not listed), oldest first. */
  membershipChanges(): MembershipChange[];
  state(): OktaSandboxState;
  /** What a restart needs to carry on: users, groups, memberships and the change log. */
  savedState(): OktaDirectoryState;
  /** Called after every change of what {@link savedState} returns. */
  onStateChange(listener: () => void): void;
  /** Back to the sample org and the start settings: users, memberships, rate limit, request counts, faults. */
  reset(): void;
  close(): Promise<void>;
}

class RunningOktaSandbox implements OktaSandbox {
  readonly directory = new OktaDirectory();
  readonly requestCounts = new Map<OktaOperationId, number>();
  readonly limiter: RateLimiter;
  private server: RunningSandboxServer | undefined;
  /** The fault settings at start (options and env), which `reset()` returns to. */
  private readonly initialFaults: FaultSettings;

  constructor(
    readonly faults: FaultSwitch,
    readonly tokens: OktaTokens,
    private readonly initialRateLimit: number,
  ) {
    this.limiter = new RateLimiter(initialRateLimit);
    this.initialFaults = faults.current;
  }

  async start(host: string | undefined, port: number | undefined): Promise<void> {
    this.server = await startSandboxServer({
      name: 'okta',
      host,
      port: port ?? 0,
      faults: this.faults,
      admin: oktaAdminRouter(this),
      ...oktaServerOptions({
        directory: this.directory,
        limiter: this.limiter,
        tokens: this.tokens,
        requestCounts: this.requestCounts,
        now: Date.now,
      }),
    });
  }

  private get running(): RunningSandboxServer {
    if (!this.server) throw new Error('the Okta sandbox is not running');
    return this.server;
  }

  get url(): string {
    return this.running.url;
  }

  get port(): number {
    return this.running.port;
  }

  get rateLimitPerMinute(): number {
    return this.limiter.perMinute;
  }

  groupMembers(groupNameOrId: string): string[] {
    const group = this.directory.findGroup(groupNameOrId);
    if (!group) throw new Error(`no Okta group ${groupNameOrId} in the sandbox`);
    return this.directory
      .membersOf(group.id)
      .map((u) => u.profile.login)
      .sort();
  }

  userGroups(userIdOrLogin: string): string[] {
    const user = this.directory.findUser(userIdOrLogin);
    if (!user) throw new Error(`no Okta user ${userIdOrLogin} in the sandbox`);
    return this.directory
      .groupsOf(user.id)
      .map((g) => g.name)
      .sort();
  }

  addUser(user: NewOktaUser): OktaUserRecord {
    return structuredClone(this.directory.addUser(user));
  }

  recordLogin(userIdOrLogin: string, at: Date = new Date()): void {
    const user = this.directory.findUser(userIdOrLogin);
    if (!user) throw new Error(`no Okta user ${userIdOrLogin} in the sandbox`);
    this.directory.recordLogin(user.id, at.toISOString());
  }

  setRateLimit(perMinute: number): void {
    this.limiter.setLimit(perMinute);
  }

  requestCount(operation: OktaOperationId): number {
    return this.requestCounts.get(operation) ?? 0;
  }

  rateLimitedCount(): number {
    return this.limiter.rejectedCount;
  }

  membershipChanges(): MembershipChange[] {
    return this.directory.membershipChanges.map((c) => ({ ...c }));
  }

  state(): OktaSandboxState {
    return {
      rateLimitPerMinute: this.limiter.perMinute,
      users: this.directory.listUsers().map((u) => ({
        id: u.id,
        login: u.profile.login,
        status: u.status,
        ...(u.profile.managerId ? { managerId: u.profile.managerId } : {}),
      })),
      groups: this.directory
        .listGroups()
        .map((g) => ({ id: g.id, name: g.name, type: g.type, members: this.groupMembers(g.id) })),
      membershipChanges: this.membershipChanges(),
      requestCounts: Object.fromEntries(this.requestCounts),
    };
  }

  savedState(): OktaDirectoryState {
    return this.directory.exportState();
  }

  onStateChange(listener: () => void): void {
    this.directory.onChange(listener);
  }

  reset(): void {
    this.directory.reset();
    this.limiter.setLimit(this.initialRateLimit);
    this.limiter.resetRejected();
    this.requestCounts.clear();
    this.faults.update(this.initialFaults);
  }

  close(): Promise<void> {
    return this.running.close();
  }
}

/**
 * Starts the sandbox Okta Management API: the sample org's users and groups behind the real wire
 * protocol (SSWS tokens, Okta error bodies, `Link` paging, `X-Rate-Limit-*` headers), so the
 * unmodified `@okta/okta-sdk-nodejs` works against it.
 */
export async function startOktaSandbox(options: OktaSandboxOptions = {}): Promise<OktaSandbox> {
  const tokens: OktaTokens = {
    admin: options.token ?? defaultOktaTokens.admin,
    readOnly: options.readOnlyToken ?? defaultOktaTokens.readOnly,
  };
  const sandbox = new RunningOktaSandbox(
    FaultSwitch.fromEnv('okta', options.faults),
    tokens,
    options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
  );
  if (options.savedState) sandbox.directory.importState(options.savedState);
  await sandbox.start(options.host, options.port);
  return sandbox;
}
