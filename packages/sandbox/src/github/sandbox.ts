import { FaultSwitch, type FaultSettings, type FaultSettingsInput } from '../faults';
import { HttpError, Router, startSandboxServer, type RunningSandboxServer } from '../http';
import { sampleGitHub } from '../sample-data';
import { z } from 'zod';
import { defaultGitHubCredentials, GitHubAuthority, type GitHubCredentials } from './auth';
import {
  GitHubDirectory,
  newGitHubUserSchema,
  type GitHubDirectoryState,
  type GitHubMembershipChange,
  type GitHubUserRecord,
  type NewGitHubUser,
  type TeamMembership,
} from './directory';
import { GitHubRateLimiter, type RateLimitResource } from './rate-limit';
import type { GitHubOperationId } from './routes';
import { githubServerOptions } from './server';

export interface GitHubSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Initial faults, merged under `LEASEHOLD_SANDBOX_GITHUB_FAULTS`. `throttleNext` / `rateLimitRate` are secondary limits. */
  faults?: FaultSettingsInput;
  /** Tokens and the App (default `sandboxCredentials.github`). */
  credentials?: Partial<GitHubCredentials>;
  /** The status of a secondary-limit answer: GitHub sends 403 or 429 (default 429). */
  secondaryLimitStatus?: 403 | 429;
  /** Accounts, organisation members and team memberships to start from (see {@link GitHubSandbox.savedState}). */
  savedState?: GitHubDirectoryState;
}

/** What `GET /__sandbox/state` answers. */
export interface GitHubSandboxState {
  org: string;
  orgMembers: string[];
  teams: { slug: string; idpGroup?: string; memberships: TeamMembership[] }[];
  membershipChanges: GitHubMembershipChange[];
  requestCounts: Partial<Record<GitHubOperationId, number>>;
  rateLimits: Record<RateLimitResource, { limit: number; windowMs: number }>;
}

/** A running sandbox GitHub organisation (REST v3), with accessors for tests. */
export interface GitHubSandbox {
  /** API root, e.g. `http://127.0.0.1:8094` (what Octokit's `baseUrl` takes). */
  readonly url: string;
  readonly port: number;
  readonly org: string;
  readonly faults: FaultSwitch;
  readonly credentials: GitHubCredentials;
  /** The sandbox App's private key (PEM), made at each start: what `createAppAuth` needs. */
  readonly appPrivateKey: string;
  /** Memberships of a team (active and pending), by login. Throws for an unknown team. */
  teamMembers(slug: string): TeamMembership[];
  /** Whether the login has an active or pending membership of the team. */
  isMember(slug: string, login: string): boolean;
  /** The GitHub login of a sample person (`alice` → `alice-anders`). */
  login(handle: string): string;
  /** Adds an account (not in the organisation unless `orgMember`). */
  addUser(user: NewGitHubUser): GitHubUserRecord;
  /** The user accepts the organisation's invitation: pending memberships become active. */
  acceptInvitation(login: string): void;
  /** Sets a primary limit per caller (`windowSeconds` default: an hour for core, a minute for search); starts windows afresh. */
  setRateLimit(limit: number, options?: { resource?: RateLimitResource; windowSeconds?: number }): void;
  /** The status of secondary-limit answers (403 or 429). */
  setSecondaryLimitStatus(status: 403 | 429): void;
  requestCount(operation: GitHubOperationId): number;
  /** Membership changes that really changed the organisation, oldest first. */
  membershipChanges(): GitHubMembershipChange[];
  state(): GitHubSandboxState;
  savedState(): GitHubDirectoryState;
  onStateChange(listener: () => void): void;
  /** Back to the sample organisation and the start settings (limits, counts, faults). */
  reset(): void;
  close(): Promise<void>;
}

class RunningGitHubSandbox implements GitHubSandbox {
  readonly directory = new GitHubDirectory();
  readonly limiter = new GitHubRateLimiter();
  readonly requestCounts = new Map<GitHubOperationId, number>();
  readonly authority: GitHubAuthority;
  private server: RunningSandboxServer | undefined;
  private readonly initialFaults: FaultSettings;
  private secondaryStatus: 403 | 429;

  constructor(
    readonly faults: FaultSwitch,
    readonly credentials: GitHubCredentials,
    private readonly initialSecondaryStatus: 403 | 429,
  ) {
    this.authority = new GitHubAuthority(credentials);
    this.initialFaults = faults.current;
    this.secondaryStatus = initialSecondaryStatus;
  }

  async start(host: string | undefined, port: number | undefined): Promise<void> {
    this.server = await startSandboxServer({
      name: 'github',
      host,
      port: port ?? 0,
      faults: this.faults,
      admin: githubAdminRouter(this),
      ...githubServerOptions({
        directory: this.directory,
        authority: this.authority,
        limiter: this.limiter,
        requestCounts: this.requestCounts,
        secondaryLimitStatus: () => this.secondaryStatus,
      }),
    });
  }

  private get running(): RunningSandboxServer {
    if (!this.server) throw new Error('the GitHub sandbox is not running');
    return this.server;
  }

  get url(): string {
    return this.running.url;
  }
  get port(): number {
    return this.running.port;
  }
  get org(): string {
    return this.directory.org.login;
  }
  get appPrivateKey(): string {
    return this.authority.appPrivateKey;
  }

  teamMembers(slug: string): TeamMembership[] {
    if (!this.directory.findTeam(slug)) throw new Error(`no GitHub team ${slug} in the sandbox`);
    return this.directory.teamMemberships(slug);
  }

  isMember(slug: string, login: string): boolean {
    return this.directory.membership(slug, login) !== undefined;
  }

  login(handle: string): string {
    const user = sampleGitHub.users.find((u) => u.handle === handle);
    if (!user) throw new Error(`no GitHub account for ${handle} in the sample organisation`);
    return user.login;
  }

  addUser(user: NewGitHubUser): GitHubUserRecord {
    return this.directory.addUser(user);
  }

  acceptInvitation(login: string): void {
    this.directory.acceptInvitation(login);
  }

  setRateLimit(limit: number, options: { resource?: RateLimitResource; windowSeconds?: number } = {}): void {
    const windowMs = options.windowSeconds === undefined ? undefined : options.windowSeconds * 1000;
    this.limiter.setLimit(options.resource ?? 'core', limit, windowMs);
  }

  setSecondaryLimitStatus(status: 403 | 429): void {
    this.secondaryStatus = status;
  }

  requestCount(operation: GitHubOperationId): number {
    return this.requestCounts.get(operation) ?? 0;
  }

  membershipChanges(): GitHubMembershipChange[] {
    return this.directory.membershipChanges();
  }

  state(): GitHubSandboxState {
    return {
      org: this.org,
      orgMembers: this.directory.exportState().orgMembers,
      teams: this.directory.listTeams().map((t) => ({
        slug: t.slug,
        ...(t.idpGroup ? { idpGroup: t.idpGroup } : {}),
        memberships: this.directory.teamMemberships(t.slug),
      })),
      membershipChanges: this.membershipChanges(),
      requestCounts: Object.fromEntries(this.requestCounts),
      rateLimits: this.limiter.settings,
    };
  }

  savedState(): GitHubDirectoryState {
    return this.directory.exportState();
  }

  onStateChange(listener: () => void): void {
    this.directory.onChange(listener);
  }

  reset(): void {
    this.directory.reset();
    this.limiter.reset();
    this.requestCounts.clear();
    this.secondaryStatus = this.initialSecondaryStatus;
    this.faults.update(this.initialFaults);
  }

  close(): Promise<void> {
    return this.running.close();
  }
}

const rateLimitBody = z
  .object({
    limit: z.number().int().min(1),
    resource: z.enum(['core', 'search']).optional(),
    windowSeconds: z.number().int().min(1).optional(),
  })
  .strict();
const secondaryBody = z.object({ status: z.union([z.literal(403), z.literal(429)]) }).strict();

/**
 * The sandbox's own `/__sandbox/...` routes (no authentication, no faults): `GET /__sandbox/state`,
 * `PUT /__sandbox/rate-limit` `{ limit, resource?, windowSeconds? }`, `PUT /__sandbox/secondary-limit`
 * `{ status: 403 | 429 }`, `POST /__sandbox/users` (a `NewGitHubUser`),
 * `POST /__sandbox/invitations/{login}/accept`, `POST /__sandbox/reset`.
 */
function githubAdminRouter(sandbox: GitHubSandbox): Router {
  return new Router()
    .get('/__sandbox/state', () => ({ status: 200, body: sandbox.state() }))
    .put('/__sandbox/rate-limit', (req) => {
      const { limit, ...options } = rateLimitBody.parse(req.json());
      sandbox.setRateLimit(limit, options);
      return { status: 200, body: sandbox.state().rateLimits };
    })
    .put('/__sandbox/secondary-limit', (req) => {
      const { status } = secondaryBody.parse(req.json());
      sandbox.setSecondaryLimitStatus(status);
      return { status: 200, body: { status } };
    })
    .post('/__sandbox/users', (req) => {
      const user = newGitHubUserSchema.parse(req.json());
      return conflictOnError(() => ({ status: 201, body: sandbox.addUser(user) }));
    })
    .post('/__sandbox/invitations/:login/accept', (req) =>
      conflictOnError(() => {
        sandbox.acceptInvitation(req.params.login!);
        return { status: 200, body: sandbox.state() };
      }),
    )
    .post('/__sandbox/reset', () => {
      sandbox.reset();
      return { status: 200, body: sandbox.state() };
    });
}

function conflictOnError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new HttpError(409, err instanceof Error ? err.message : String(err));
  }
}

/**
 * Starts the sandbox GitHub REST API (v3): the sample organisation's accounts and teams behind the
 * real wire protocol (token and App authentication, `Link` paging, `x-ratelimit-*` headers, primary
 * and secondary limits, `{ message, documentation_url }` errors), so the unmodified @octokit/rest works
 * against it.
 */
export async function startGitHubSandbox(options: GitHubSandboxOptions = {}): Promise<GitHubSandbox> {
  const sandbox = new RunningGitHubSandbox(
    FaultSwitch.fromEnv('github', options.faults),
    { ...defaultGitHubCredentials, ...options.credentials },
    options.secondaryLimitStatus ?? 429,
  );
  if (options.savedState) sandbox.directory.importState(options.savedState);
  await sandbox.start(options.host, options.port);
  return sandbox;
}
