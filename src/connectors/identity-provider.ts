/**
 * What Leasehold needs from an identity provider, whichever it is (Okta, Entra ID; later GitHub,
 * Google Workspace, AWS). Implementations classify every failure as a {@link ConnectorError}.
 */
export { ConnectorError } from './connector-error';

export interface DirectoryUser {
  /** The provider's own id (Okta `00u…`, Entra object id). */
  id: string;
  /** Okta login / Entra userPrincipalName. */
  login: string;
  email?: string;
  displayName?: string;
  /** ACTIVE, SUSPENDED, … (Okta) or enabled/disabled (Entra). */
  status?: string;
  /** Profile context a reviewer decides on (Okta `department`/`title`, Graph `department`/`jobTitle`). */
  department?: string;
  title?: string;
}

export interface DirectoryGroup {
  id: string;
  name: string;
}

export interface MemberReadOptions {
  /** The caller is satisfied by "not a member" whether or not the group exists. */
  absentIsEnough?: boolean;
}

export interface IdentityProvider {
  /** `okta` | `entra`. */
  readonly kind: string;
  /** Finds a user by email/login or id; undefined when there is none. */
  findUser(emailOrId: string): Promise<DirectoryUser | undefined>;
  /** The user's manager, or undefined when none is recorded. */
  findManager(userId: string): Promise<DirectoryUser | undefined>;
  /** Last sign-in time, or undefined when never or not available. */
  lastActivity(userId: string): Promise<Date | undefined>;
  /** Finds a group by exact name (or id); undefined when there is none. */
  findGroup(nameOrId: string): Promise<DirectoryGroup | undefined>;
  /**
   * Whether the user is a direct member, read fresh. A group that does not exist is a permanent error,
   * checked (with one more call) when the user is not in it, unless `absentIsEnough`: when the caller
   * only needs to know the user is not in the group (reading a removal back), a group that no longer
   * exists answers that too, so the call is saved (it counts against the directory's rate limit).
   */
  isMember(groupId: string, userId: string, options?: MemberReadOptions): Promise<boolean>;
  /** Adds the user; already being a member is success. Returns the provider's answer for evidence. */
  addMember(groupId: string, userId: string): Promise<IdpAnswer>;
  /** Removes the user; not being a member is success. Returns the provider's answer for evidence. */
  removeMember(groupId: string, userId: string): Promise<IdpAnswer>;
  listMembers(groupId: string): Promise<DirectoryUser[]>;
  /**
   * For `leasehold connections test`, where a provider has a better check of its credentials than
   * looking up a user that does not exist (GitHub: reading the organisation). Returns what it found.
   */
  probe?(): Promise<string>;
  /**
   * For `leasehold connections test`, where removing a user that does not exist would not reach the
   * write permission (AWS: the membership is looked up first). Changes nothing; returns what it found.
   */
  probeWrite?(groupId: string): Promise<string>;
}

/** What the provider said, kept in the evidence (no secrets: status, request id, short text). */
export interface IdpAnswer {
  status: number;
  requestId?: string;
  note?: string;
  /**
   * A removal whose effect is not immediate (AWS: sessions already issued last up to the permission
   * set's session duration): when access is certainly gone (ISO 8601).
   */
  accessGoneBy?: string;
  /**
   * When the directory answered (ISO 8601, the activity's clock, set by the directory activities): access
   * began or ended then, however late the workflow hears of it (a worker restarting in between, say).
   */
  at?: string;
}
