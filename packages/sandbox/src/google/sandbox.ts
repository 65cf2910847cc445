import { z } from 'zod';
import { FaultSwitch, type FaultSettings, type FaultSettingsInput } from '../faults';
import { HttpError, Router, startSandboxServer, type RunningSandboxServer } from '../http';
import {
  DEFAULT_DELEGATED_SCOPES,
  defaultGoogleServiceAccount,
  GoogleAuthority,
  type GoogleServiceAccount,
  type ServiceAccountKeyFile,
} from './auth';
import {
  GoogleDirectory,
  newGoogleUserSchema,
  type GoogleDirectoryState,
  type GoogleMembership,
  type GoogleMembershipChange,
  type GoogleUserRecord,
  type NewGoogleUser,
} from './directory';
import type { GoogleOperationId } from './routes';
import { googleServerOptions, TOKEN_PATH } from './server';

export interface GoogleSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Faults of every request (token endpoint included), merged under `LEASEHOLD_SANDBOX_GOOGLE_FAULTS`. */
  faults?: FaultSettingsInput;
  /** Faults of membership writes only (`members.insert`, `members.delete`), after authentication. */
  writeFaults?: FaultSettingsInput;
  /** The status of a rate-limit fault: 403 `userRateLimitExceeded` (default) or 429 `rateLimitExceeded`. */
  rateLimitStatus?: 403 | 429;
  /** The scopes domain-wide delegation grants the service account (default: group.member, group.readonly, user.readonly). */
  delegatedScopes?: readonly string[];
  serviceAccount?: Partial<GoogleServiceAccount>;
  /** Users, memberships and the change log to start from (see {@link GoogleSandbox.savedState}). */
  savedState?: GoogleDirectoryState;
}

/** What `GET /__sandbox/state` answers. */
export interface GoogleSandboxState {
  domain: string;
  delegatedScopes: string[];
  groups: { email: string; id: string; members: GoogleMembership[] }[];
  membershipChanges: GoogleMembershipChange[];
  requestCounts: Partial<Record<GoogleOperationId | 'token', number>>;
}

/** A running sandbox Google Workspace domain (OAuth2 token endpoint + Admin SDK Directory API). */
export interface GoogleSandbox {
  /** The Directory API root, e.g. `http://127.0.0.1:8096` (what the client's `rootUrl` takes). */
  readonly url: string;
  /** The token endpoint, `{url}/token` (the key file's `token_uri`). */
  readonly tokenUrl: string;
  readonly port: number;
  readonly faults: FaultSwitch;
  /** Faults of membership writes only. */
  readonly writeFaults: FaultSwitch;
  /** The sandbox service account's key file (a TEST-ONLY key pair, made at each start). */
  readonly serviceAccountKey: ServiceAccountKeyFile;
  /** Emails of a group's direct members (group by email or id), in order. Throws for an unknown group. */
  groupMembers(group: string): string[];
  /** Whether the email is a direct member of the group. */
  isMember(group: string, email: string): boolean;
  addUser(user: NewGoogleUser): GoogleUserRecord;
  /** The user signs in: their `lastLoginTime` becomes `at` (default now). */
  recordLogin(user: string, at?: Date): void;
  /** Domain-wide delegation for the service account's client id (replaces the list). */
  setDelegatedScopes(scopes: readonly string[]): void;
  setRateLimitStatus(status: 403 | 429): void;
  requestCount(operation: GoogleOperationId | 'token'): number;
  /** Membership changes that really changed the domain, oldest first. */
  membershipChanges(): GoogleMembershipChange[];
  state(): GoogleSandboxState;
  savedState(): GoogleDirectoryState;
  onStateChange(listener: () => void): void;
  /** Back to the sample domain and the start settings (delegation, counts, faults); issued tokens end. */
  reset(): void;
  close(): Promise<void>;
}

class RunningGoogleSandbox implements GoogleSandbox {
  readonly directory = new GoogleDirectory();
  readonly requestCounts = new Map<GoogleOperationId | 'token', number>();
  readonly authority: GoogleAuthority;
  private server: RunningSandboxServer | undefined;
  private readonly initialFaults: FaultSettings;
  private readonly initialWriteFaults: FaultSettings;
  private limitStatus: 403 | 429;

  constructor(
    readonly faults: FaultSwitch,
    readonly writeFaults: FaultSwitch,
    account: GoogleServiceAccount,
    delegatedScopes: readonly string[],
    private readonly initialLimitStatus: 403 | 429,
  ) {
    this.authority = new GoogleAuthority(account, this.directory, delegatedScopes);
    this.initialFaults = faults.current;
    this.initialWriteFaults = writeFaults.current;
    this.limitStatus = initialLimitStatus;
  }

  async start(host: string | undefined, port: number | undefined): Promise<void> {
    this.server = await startSandboxServer({
      name: 'google',
      host,
      port: port ?? 0,
      faults: this.faults,
      admin: googleAdminRouter(this),
      ...googleServerOptions({
        directory: this.directory,
        authority: this.authority,
        requestCounts: this.requestCounts,
        writeFaults: this.writeFaults,
        rateLimitStatus: () => this.limitStatus,
      }),
    });
  }

  private get running(): RunningSandboxServer {
    if (!this.server) throw new Error('the Google sandbox is not running');
    return this.server;
  }

  get url(): string {
    return this.running.url;
  }
  get tokenUrl(): string {
    return `${this.url}${TOKEN_PATH}`;
  }
  get port(): number {
    return this.running.port;
  }
  get serviceAccountKey(): ServiceAccountKeyFile {
    return this.authority.keyFile(this.tokenUrl);
  }

  groupMembers(group: string): string[] {
    const found = this.directory.findGroup(group);
    if (!found) throw new Error(`no Google group ${group} in the sandbox`);
    return this.directory.membersOf(found.email).map((m) => m.email);
  }

  isMember(group: string, email: string): boolean {
    return this.groupMembers(group).includes(email.toLowerCase());
  }

  addUser(user: NewGoogleUser): GoogleUserRecord {
    return this.directory.addUser(user);
  }

  recordLogin(user: string, at: Date = new Date()): void {
    this.directory.recordLogin(user, at);
  }

  setDelegatedScopes(scopes: readonly string[]): void {
    this.authority.setDelegatedScopes(scopes);
  }

  setRateLimitStatus(status: 403 | 429): void {
    this.limitStatus = status;
  }

  requestCount(operation: GoogleOperationId | 'token'): number {
    return this.requestCounts.get(operation) ?? 0;
  }

  membershipChanges(): GoogleMembershipChange[] {
    return this.directory.membershipChanges();
  }

  state(): GoogleSandboxState {
    return {
      domain: 'example.com',
      delegatedScopes: this.authority.delegatedScopes,
      groups: this.directory
        .listGroups()
        .map((g) => ({ email: g.email, id: g.id, members: this.directory.membersOf(g.email) })),
      membershipChanges: this.membershipChanges(),
      requestCounts: Object.fromEntries(this.requestCounts),
    };
  }

  savedState(): GoogleDirectoryState {
    return this.directory.exportState();
  }

  onStateChange(listener: () => void): void {
    this.directory.onChange(listener);
  }

  reset(): void {
    this.directory.reset();
    this.authority.reset();
    this.requestCounts.clear();
    this.limitStatus = this.initialLimitStatus;
    this.faults.update(this.initialFaults);
    this.writeFaults.update(this.initialWriteFaults);
  }

  close(): Promise<void> {
    return this.running.close();
  }
}

const delegationBody = z.object({ scopes: z.array(z.string().url()) }).strict();
const rateLimitBody = z.object({ status: z.union([z.literal(403), z.literal(429)]) }).strict();

/**
 * The sandbox's own `/__sandbox/...` routes (no authentication, no faults): `GET /__sandbox/state`,
 * `GET /__sandbox/service-account-key` (the test-only key file), `PUT /__sandbox/delegation`
 * `{ scopes }`, `PUT /__sandbox/rate-limit` `{ status: 403 | 429 }`, `PUT /__sandbox/write-faults`
 * (a fault patch), `POST /__sandbox/users` (a `NewGoogleUser`), `POST /__sandbox/reset`.
 */
function googleAdminRouter(sandbox: GoogleSandbox): Router {
  return new Router()
    .get('/__sandbox/state', () => ({ status: 200, body: sandbox.state() }))
    .get('/__sandbox/service-account-key', () => ({ status: 200, body: sandbox.serviceAccountKey }))
    .put('/__sandbox/delegation', (req) => {
      sandbox.setDelegatedScopes(delegationBody.parse(req.json()).scopes);
      return { status: 200, body: { scopes: sandbox.state().delegatedScopes } };
    })
    .put('/__sandbox/rate-limit', (req) => {
      const { status } = rateLimitBody.parse(req.json());
      sandbox.setRateLimitStatus(status);
      return { status: 200, body: { status } };
    })
    .put('/__sandbox/write-faults', (req) => ({ status: 200, body: sandbox.writeFaults.update(req.json()) }))
    .post('/__sandbox/users', (req) => {
      const user = newGoogleUserSchema.parse(req.json());
      try {
        return { status: 201, body: sandbox.addUser(user) };
      } catch (err) {
        throw new HttpError(409, err instanceof Error ? err.message : String(err));
      }
    })
    .post('/__sandbox/reset', () => {
      sandbox.reset();
      return { status: 200, body: sandbox.state() };
    });
}

/**
 * Starts the sandbox Google Workspace: the sample domain's users and groups behind Google's wire
 * protocol (the OAuth2 JWT bearer grant with a test-only service account key, the Admin SDK Directory
 * API with per-call scopes, Google's error bodies), so the unmodified `@googleapis/admin` works against it.
 */
export async function startGoogleSandbox(options: GoogleSandboxOptions = {}): Promise<GoogleSandbox> {
  const sandbox = new RunningGoogleSandbox(
    FaultSwitch.fromEnv('google', options.faults),
    new FaultSwitch(options.writeFaults),
    { ...defaultGoogleServiceAccount, ...options.serviceAccount },
    options.delegatedScopes ?? DEFAULT_DELEGATED_SCOPES,
    options.rateLimitStatus ?? 403,
  );
  if (options.savedState) sandbox.directory.importState(options.savedState);
  await sandbox.start(options.host, options.port);
  return sandbox;
}
