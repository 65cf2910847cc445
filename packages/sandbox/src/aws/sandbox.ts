import { z } from 'zod';
import { FaultSwitch, type FaultSettings, type FaultSettingsInput } from '../faults';
import { HttpError, Router, startSandboxServer, type RunningSandboxServer } from '../http';
import { sampleAws, sandboxCredentials, type SampleAwsPermissionSet } from '../sample-data';
import {
  AwsDirectory,
  newAwsUserSchema,
  type AwsDirectoryState,
  type AwsMembershipChange,
  type AwsUserRecord,
  type NewAwsUser,
} from './directory';
import type { AwsOperation } from './operations';
import { awsServerOptions, type AwsServerState } from './server';
import type { AwsAccessKey } from './sigv4';

export interface AwsSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Initial faults, merged under `LEASEHOLD_SANDBOX_AWS_FAULTS`: `throttleNext` answers ThrottlingException. */
  faults?: FaultSettingsInput;
  /** Users, groups and memberships to start from (see {@link AwsSandbox.savedState}). */
  savedState?: AwsDirectoryState;
}

/** What `GET /__sandbox/state` answers. */
export interface AwsSandboxState {
  identityStoreId: string;
  region: string;
  groups: { id: string; displayName: string; members: string[] }[];
  membershipChanges: AwsMembershipChange[];
  requestCounts: Partial<Record<AwsOperation, number>>;
  deniedActions: string[];
}

/** A running sandbox AWS IAM Identity Center (Identity Store and sso-admin's DescribePermissionSet). */
export interface AwsSandbox {
  /** Endpoint, e.g. `http://127.0.0.1:8096` (what the SDK's `endpoint` takes). */
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly identityStoreId: string;
  readonly instanceArn: string;
  readonly permissionSets: readonly SampleAwsPermissionSet[];
  readonly faults: FaultSwitch;
  /** UserNames of a group's members (group by id or display name), sorted. Throws for an unknown group. */
  groupMembers(group: string): string[];
  /** Whether the user (handle, userName, email or UserId) is a direct member of the group (id or name). */
  isMember(group: string, user: string): boolean;
  /** The UserId of a user (handle, userName or email). Throws for an unknown user. */
  userId(user: string): string;
  /** The GroupId of a group (display name or id). Throws for an unknown group. */
  groupId(group: string): string;
  addUser(user: NewAwsUser): AwsUserRecord;
  /** Denies an IAM action (`identitystore:CreateGroupMembership`) to every key until reset or allowed again. */
  denyAction(action: string): void;
  allowAction(action: string): void;
  /** The next `n` CreateGroupMembership calls meet a concurrent writer: applied, but answered ConflictException. */
  concurrentChangeNext(n: number): void;
  requestCount(operation: AwsOperation): number;
  /** Membership changes that really changed the identity store, oldest first. */
  membershipChanges(): AwsMembershipChange[];
  state(): AwsSandboxState;
  savedState(): AwsDirectoryState;
  onStateChange(listener: () => void): void;
  /** Back to the sample identity store and the start settings (faults, denials, counts). */
  reset(): void;
  close(): Promise<void>;
}

/** The sandbox's IAM users and their keys. */
export function defaultAwsKeys(): AwsAccessKey[] {
  const c = sandboxCredentials.aws;
  return [
    {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      principalArn: `arn:aws:iam::${sampleAws.accountId}:user/leasehold`,
      readOnly: false,
    },
    {
      accessKeyId: c.readOnlyAccessKeyId,
      secretAccessKey: c.readOnlySecretAccessKey,
      principalArn: `arn:aws:iam::${sampleAws.accountId}:user/leasehold-readonly`,
      readOnly: true,
    },
  ];
}

class RunningAwsSandbox implements AwsSandbox {
  readonly directory = new AwsDirectory();
  readonly region = sampleAws.region;
  readonly identityStoreId = sampleAws.identityStoreId;
  readonly instanceArn = sampleAws.instanceArn;
  readonly permissionSets = sampleAws.permissionSets;
  readonly serverState: AwsServerState;
  private server: RunningSandboxServer | undefined;
  private readonly initialFaults: FaultSettings;

  constructor(readonly faults: FaultSwitch) {
    this.initialFaults = faults.current;
    this.serverState = {
      directory: this.directory,
      identityStoreId: this.identityStoreId,
      instanceArn: this.instanceArn,
      permissionSets: this.permissionSets,
      concurrentChanges: { next: 0 },
      region: this.region,
      accountId: sampleAws.accountId,
      keys: defaultAwsKeys(),
      deniedActions: new Set(),
      requestCounts: new Map(),
      now: Date.now,
    };
  }

  async start(host: string | undefined, port: number | undefined): Promise<void> {
    this.server = await startSandboxServer({
      name: 'aws',
      host,
      port: port ?? 0,
      faults: this.faults,
      admin: awsAdminRouter(this),
      ...awsServerOptions(this.serverState),
    });
  }

  private get running(): RunningSandboxServer {
    if (!this.server) throw new Error('the AWS sandbox is not running');
    return this.server;
  }

  get url(): string {
    return this.running.url;
  }
  get port(): number {
    return this.running.port;
  }

  groupMembers(group: string): string[] {
    return this.directory
      .membershipsOf(this.groupId(group))
      .map((m) => this.directory.user(m.userId)?.userName ?? m.userId)
      .sort();
  }

  isMember(group: string, user: string): boolean {
    return this.directory.membership(this.groupId(group), this.userId(user)) !== undefined;
  }

  userId(user: string): string {
    const found = this.directory.lookupUser(user);
    if (!found) throw new Error(`no AWS user ${user} in the sandbox`);
    return found.id;
  }

  groupId(group: string): string {
    const found = this.directory.lookupGroup(group);
    if (!found) throw new Error(`no AWS group ${group} in the sandbox`);
    return found.id;
  }

  addUser(user: NewAwsUser): AwsUserRecord {
    return this.directory.addUser(user);
  }

  denyAction(action: string): void {
    this.serverState.deniedActions.add(action);
  }

  allowAction(action: string): void {
    this.serverState.deniedActions.delete(action);
  }

  concurrentChangeNext(n: number): void {
    this.serverState.concurrentChanges.next = n;
  }

  requestCount(operation: AwsOperation): number {
    return this.serverState.requestCounts.get(operation) ?? 0;
  }

  membershipChanges(): AwsMembershipChange[] {
    return this.directory.membershipChanges();
  }

  state(): AwsSandboxState {
    return {
      identityStoreId: this.identityStoreId,
      region: this.region,
      groups: this.directory
        .listGroups()
        .map((g) => ({ id: g.id, displayName: g.displayName, members: this.groupMembers(g.id) })),
      membershipChanges: this.membershipChanges(),
      requestCounts: Object.fromEntries(this.serverState.requestCounts),
      deniedActions: [...this.serverState.deniedActions],
    };
  }

  savedState(): AwsDirectoryState {
    return this.directory.exportState();
  }

  onStateChange(listener: () => void): void {
    this.directory.onChange(listener);
  }

  reset(): void {
    this.directory.reset();
    this.serverState.requestCounts.clear();
    this.serverState.deniedActions.clear();
    this.serverState.concurrentChanges.next = 0;
    this.faults.update(this.initialFaults);
  }

  close(): Promise<void> {
    return this.running.close();
  }
}

const actionBody = z.object({ action: z.string().regex(/^[a-z-]+:[A-Za-z]+$/) }).strict();

/**
 * The sandbox's own `/__sandbox/...` routes (no signature, no faults): `GET /__sandbox/state`,
 * `POST /__sandbox/users` (a `NewAwsUser`), `PUT|DELETE /__sandbox/denied-actions` `{ action }`,
 * `POST /__sandbox/reset`.
 */
function awsAdminRouter(sandbox: AwsSandbox): Router {
  return new Router()
    .get('/__sandbox/state', () => ({ status: 200, body: sandbox.state() }))
    .post('/__sandbox/users', (req) => {
      const user = newAwsUserSchema.parse(req.json());
      try {
        return { status: 201, body: sandbox.addUser(user) };
      } catch (err) {
        throw new HttpError(409, err instanceof Error ? err.message : String(err));
      }
    })
    .put('/__sandbox/denied-actions', (req) => {
      sandbox.denyAction(actionBody.parse(req.json()).action);
      return { status: 200, body: sandbox.state().deniedActions };
    })
    .delete('/__sandbox/denied-actions', (req) => {
      sandbox.allowAction(actionBody.parse(req.json()).action);
      return { status: 200, body: sandbox.state().deniedActions };
    })
    .post('/__sandbox/reset', () => {
      sandbox.reset();
      return { status: 200, body: sandbox.state() };
    });
}

/**
 * Starts the sandbox AWS IAM Identity Center: the sample identity store behind the real awsJson1.1
 * protocol (`X-Amz-Target`, Signature Version 4 checked against the sandbox's keys, AWS error shapes),
 * so the unmodified `@aws-sdk/client-identitystore` and `@aws-sdk/client-sso-admin` work against it.
 */
export async function startAwsSandbox(options: AwsSandboxOptions = {}): Promise<AwsSandbox> {
  const sandbox = new RunningAwsSandbox(FaultSwitch.fromEnv('aws', options.faults));
  if (options.savedState) sandbox.directory.importState(options.savedState);
  await sandbox.start(options.host, options.port);
  return sandbox;
}
