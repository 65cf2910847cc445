import {
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  type IdentitystoreClient,
  paginateListGroupMemberships,
} from '@aws-sdk/client-identitystore';
import { expandSetting } from '../../config/settings';
import { parseDuration } from '../../policy/duration';
import type { AwsConnection } from '../../policy/schema';
import { ConnectorError } from '../connector-error';
import type { DirectoryGroup, DirectoryUser, IdentityProvider, IdpAnswer } from '../identity-provider';
import { createAwsClients } from './aws-client';
import { asServiceError, type AwsCallContext, classifyAwsError, isNotFound } from './aws-errors';
import { RESOURCE_ID, removalNote, toDirectoryUser } from './aws-mapping';
import { describeDuration, SessionBoundReader } from './session-bound';

/** A membership id no identity store has: deleting it tests the write permission and changes nothing. */
const ABSENT_MEMBERSHIP = '00000000-0000-4000-8000-00000000dead';
/** Largest page of ListGroupMemberships. */
const MEMBERS_PAGE_SIZE = 100;
/** DescribeUser calls in flight while listing a group's members. */
const DESCRIBE_CONCURRENCY = 4;

export interface AwsIdentityProviderOptions {
  identityStoreId: string;
  /** The attribute a requester's email is looked up by (default `emails.value`). */
  userAttribute?: 'emails.value' | 'userName';
  /** Where the session-duration bound of a removal comes from. */
  sessions: SessionBoundReader;
  secrets?: readonly string[];
  /** Page size of ListGroupMemberships (tests use small pages). */
  membersPageSize?: number;
  now?: () => number;
}

/**
 * Leasehold's {@link IdentityProvider} for AWS IAM Identity Center, through the Identity Store API with
 * the real @aws-sdk/client-identitystore (one attempt per call: Temporal owns retries, see
 * `createAwsClients`). Every failure is a classified {@link ConnectorError} (`classifyAwsError`).
 *
 * - People are found by `GetUserId` on the connection's `userAttribute` (the primary email by default,
 *   or `userName`), their details by `DescribeUser`; groups by `GetGroupId` on `displayName`.
 * - Managers are not read: {@link findManager} is always undefined (the schema rejects `manager`
 *   approvers on aws levels). The Identity Store records no sign-ins: {@link lastActivity} is undefined.
 * - A removal does not end AWS sessions already issued; its answer's `note` and `accessGoneBy` say when
 *   access is certainly gone (removal time + the permission sets' session duration).
 */
export class AwsIdentityProvider implements IdentityProvider {
  readonly kind = 'aws';
  private readonly storeId: string;
  private readonly userAttribute: 'emails.value' | 'userName';
  private readonly secrets: readonly string[];
  private readonly pageSize: number;
  private readonly now: () => number;

  constructor(
    readonly client: IdentitystoreClient,
    private readonly options: AwsIdentityProviderOptions,
  ) {
    this.storeId = options.identityStoreId;
    this.userAttribute = options.userAttribute ?? 'emails.value';
    this.secrets = options.secrets ?? [];
    this.pageSize = options.membersPageSize ?? MEMBERS_PAGE_SIZE;
    this.now = options.now ?? Date.now;
  }

  /** Builds the clients from a rules connection; credentials are read here, in the worker. */
  static fromConnection(connection: AwsConnection): AwsIdentityProvider {
    const clients = createAwsClients(connection);
    const sessions = new SessionBoundReader({
      configuredMs: parseDuration(connection.sessionDuration)!,
      ssoAdmin: clients.ssoAdmin,
      instanceArn: connection.instanceArn === undefined ? undefined : expandSetting(connection.instanceArn),
      permissionSetArns: connection.permissionSetArns.map((arn) => expandSetting(arn)),
      secrets: clients.secrets,
    });
    return new AwsIdentityProvider(clients.identityStore, {
      identityStoreId: expandSetting(connection.identityStoreId),
      userAttribute: connection.userAttribute,
      sessions,
      secrets: clients.secrets,
    });
  }

  /** By UserId (`DescribeUser`), else `GetUserId` on the connection's attribute; undefined when none. */
  async findUser(emailOrId: string): Promise<DirectoryUser | undefined> {
    const wanted = emailOrId.trim();
    if (!wanted) return undefined;
    if (RESOURCE_ID.test(wanted)) {
      const byId = await this.describeUser(wanted).catch((err: unknown) => this.undefinedIfNotFound(err));
      if (byId) return byId;
    }
    const ctx = this.ctx(`look up user ${wanted}`, 'GetUserId', { userId: wanted });
    const found = await this.call(ctx, () =>
      this.client.send(
        new GetUserIdCommand({
          IdentityStoreId: this.storeId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: this.userAttribute, AttributeValue: wanted } },
        }),
      ),
    ).catch((err: unknown) => this.undefinedIfNotFound(err));
    return found?.UserId ? this.describeUser(found.UserId) : undefined;
  }

  /** Not read from AWS (see the class comment). */
  async findManager(_userId: string): Promise<DirectoryUser | undefined> {
    return undefined;
  }

  /** The Identity Store records no sign-ins. */
  async lastActivity(_userId: string): Promise<Date | undefined> {
    return undefined;
  }

  /** By GroupId (`DescribeGroup`), else `GetGroupId` on `displayName`; undefined when none. */
  async findGroup(nameOrId: string): Promise<DirectoryGroup | undefined> {
    const wanted = nameOrId.trim();
    if (!wanted) return undefined;
    if (RESOURCE_ID.test(wanted)) {
      const ctx = this.ctx(`read group ${wanted}`, 'DescribeGroup', { groupId: wanted });
      const group = await this.call(ctx, () =>
        this.client.send(new DescribeGroupCommand({ IdentityStoreId: this.storeId, GroupId: wanted })),
      ).catch((err: unknown) => this.undefinedIfNotFound(err));
      if (group?.GroupId) return { id: group.GroupId, name: group.DisplayName ?? group.GroupId };
    }
    const ctx = this.ctx(`look up group ${wanted}`, 'GetGroupId', { groupId: wanted });
    const found = await this.call(ctx, () =>
      this.client.send(
        new GetGroupIdCommand({
          IdentityStoreId: this.storeId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: wanted } },
        }),
      ),
    ).catch((err: unknown) => this.undefinedIfNotFound(err));
    return found?.GroupId ? { id: found.GroupId, name: wanted } : undefined;
  }

  /** `GetGroupMembershipId`: a membership id means a member; ResourceNotFound (GROUP_MEMBERSHIP) means not. */
  async isMember(groupId: string, userId: string): Promise<boolean> {
    return (await this.membershipId(groupId, userId, 'check whether')).membershipId !== undefined;
  }

  /**
   * `CreateGroupMembership`. ConflictException (already a member, or a concurrent change of the group)
   * is read back with `GetGroupMembershipId`: a member is success; not a member is a transient failure
   * (the concurrent change is retried).
   */
  async addMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const ctx = this.ctx(`add user ${userId} to group ${groupId}`, 'CreateGroupMembership', { userId, groupId });
    try {
      const created = await this.client.send(
        new CreateGroupMembershipCommand({
          IdentityStoreId: this.storeId,
          GroupId: groupId,
          MemberId: { UserId: userId },
        }),
      );
      return {
        status: created.$metadata.httpStatusCode ?? 200,
        requestId: created.$metadata.requestId,
        note: `membership ${created.MembershipId} created`,
      };
    } catch (err) {
      const conflict = asServiceError(err);
      if (conflict?.name !== 'ConflictException') throw classifyAwsError(err, ctx);
      const read = await this.membershipId(groupId, userId, 'read back whether');
      const reason = typeof conflict.Reason === 'string' ? conflict.Reason : 'conflict';
      if (read.membershipId === undefined) {
        throw new ConnectorError(
          'retryable',
          `AWS answered ConflictException (${reason}) to ${ctx.what}, and the user is not a member: a concurrent change of the group; retrying`,
          { service: 'aws', status: conflict.$metadata?.httpStatusCode, code: 'ConflictException' },
        );
      }
      return {
        status: conflict.$metadata?.httpStatusCode ?? 409,
        requestId: conflict.$metadata?.requestId,
        note: `already a member (ConflictException ${reason}): membership ${read.membershipId} read back`,
      };
    }
  }

  /**
   * `GetGroupMembershipId`, then `DeleteGroupMembership`; not a member (either answering
   * ResourceNotFound) is success. The answer records when access is certainly gone: AWS sessions
   * already issued through the group's permission sets last until they expire.
   */
  async removeMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const ctx = this.ctx(`remove user ${userId} from group ${groupId}`, 'DeleteGroupMembership', { userId, groupId });
    const read = await this.membershipId(groupId, userId, 'check whether');
    if (read.membershipId === undefined)
      return { status: read.status, requestId: read.requestId, note: 'not a member: nothing to delete' };
    const removedAt = this.now();
    let answer: { status: number; requestId?: string; deleted: string };
    try {
      const deleted = await this.client.send(
        new DeleteGroupMembershipCommand({ IdentityStoreId: this.storeId, MembershipId: read.membershipId }),
      );
      answer = {
        status: deleted.$metadata.httpStatusCode ?? 200,
        requestId: deleted.$metadata.requestId,
        deleted: `membership ${read.membershipId} deleted`,
      };
    } catch (err) {
      if (!isNotFound(err, 'GROUP_MEMBERSHIP')) throw classifyAwsError(err, ctx);
      const e = asServiceError(err)!;
      answer = {
        status: e.$metadata?.httpStatusCode ?? 404,
        requestId: e.$metadata?.requestId,
        deleted: `membership ${read.membershipId} already deleted`,
      };
    }
    const bound = await this.options.sessions.bound();
    const goneBy = new Date(removedAt + bound.ms).toISOString();
    return {
      status: answer.status,
      requestId: answer.requestId,
      accessGoneBy: goneBy,
      note: removalNote(answer.deleted, bound, goneBy),
    };
  }

  /** Every member: all pages of `ListGroupMemberships`, each member's details by `DescribeUser`. */
  async listMembers(groupId: string): Promise<DirectoryUser[]> {
    const ctx = this.ctx(`list the members of group ${groupId}`, 'ListGroupMemberships', { groupId });
    const userIds = await this.call(ctx, async () => {
      const ids: string[] = [];
      for await (const page of paginateListGroupMemberships(
        { client: this.client, pageSize: this.pageSize },
        { IdentityStoreId: this.storeId, GroupId: groupId },
      )) {
        for (const m of page.GroupMemberships ?? []) {
          const member = m.MemberId as { UserId?: string } | undefined;
          if (member?.UserId) ids.push(member.UserId);
        }
      }
      return ids;
    });
    const users: (DirectoryUser | undefined)[] = [];
    for (let i = 0; i < userIds.length; i += DESCRIBE_CONCURRENCY) {
      const batch = userIds.slice(i, i + DESCRIBE_CONCURRENCY);
      // A user deleted while listing is no longer a member.
      users.push(
        ...(await Promise.all(
          batch.map((id) => this.describeUser(id).catch((err: unknown) => this.undefinedIfNotFound(err))),
        )),
      );
    }
    return users.filter((u): u is DirectoryUser => u !== undefined);
  }

  /** For `leasehold connections test`: a read that needs valid credentials, and the session-duration bound. */
  async probe(): Promise<string> {
    await this.findUser('leasehold-connection-check@invalid.example');
    const bound = await this.options.sessions.read();
    return `authenticated; identity store ${this.storeId} answers; sessions last at most ${describeDuration(bound.ms)} (${bound.source})`;
  }

  /** Deleting a membership that does not exist: AccessDenied without the write permission, else not found. */
  async probeWrite(_groupId: string): Promise<string> {
    const ctx = this.ctx('delete a group membership', 'DeleteGroupMembership');
    try {
      await this.client.send(
        new DeleteGroupMembershipCommand({ IdentityStoreId: this.storeId, MembershipId: ABSENT_MEMBERSHIP }),
      );
    } catch (err) {
      if (!isNotFound(err)) throw classifyAwsError(err, ctx);
    }
    return 'membership write permission: ok (identitystore:DeleteGroupMembership)';
  }

  // ---- helpers

  private ctx(what: string, operation: string, ids: { userId?: string; groupId?: string } = {}): AwsCallContext {
    return { what, action: `identitystore:${operation}`, ...ids, secrets: this.secrets };
  }

  private async call<T>(ctx: AwsCallContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw Object.assign(classifyAwsError(err, ctx), { cause: err });
    }
  }

  /** ResourceNotFound of the user or group asked about means "none"; anything else is thrown (classified). */
  private undefinedIfNotFound(err: unknown): undefined {
    const cause = (err as { cause?: unknown }).cause ?? err;
    const service = asServiceError(cause);
    // An unknown identity store is the connection's problem, not "no such user or group".
    if (service?.name === 'ResourceNotFoundException' && service.ResourceType !== 'IDENTITY_STORE') return undefined;
    throw err;
  }

  private async describeUser(userId: string): Promise<DirectoryUser> {
    const ctx = this.ctx(`read user ${userId}`, 'DescribeUser', { userId });
    const user = await this.call(ctx, () =>
      this.client.send(new DescribeUserCommand({ IdentityStoreId: this.storeId, UserId: userId })),
    );
    return toDirectoryUser(user);
  }

  /** The membership id, or undefined when not a member; with the answer's status and request id. */
  private async membershipId(
    groupId: string,
    userId: string,
    verb: string,
  ): Promise<{ membershipId?: string; status: number; requestId?: string }> {
    const ctx = this.ctx(`${verb} user ${userId} is in group ${groupId}`, 'GetGroupMembershipId', { userId, groupId });
    try {
      const found = await this.client.send(
        new GetGroupMembershipIdCommand({
          IdentityStoreId: this.storeId,
          GroupId: groupId,
          MemberId: { UserId: userId },
        }),
      );
      return {
        membershipId: found.MembershipId,
        status: found.$metadata.httpStatusCode ?? 200,
        requestId: found.$metadata.requestId,
      };
    } catch (err) {
      if (!isNotFound(err, 'GROUP_MEMBERSHIP')) throw classifyAwsError(err, ctx);
      const e = asServiceError(err)!;
      return { status: e.$metadata?.httpStatusCode ?? 404, requestId: e.$metadata?.requestId };
    }
  }
}
