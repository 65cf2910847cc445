import { z } from 'zod';
import type { SampleAwsPermissionSet } from '../sample-data';
import type { AwsDirectory, AwsUserRecord } from './directory';
import { AwsError, awsErrors } from './errors';

/** The Identity Store operations (target `AWSIdentityStore.<name>`) and the sso-admin one the sandbox serves. */
export const IDENTITY_STORE_OPERATIONS = [
  'GetUserId',
  'GetGroupId',
  'DescribeUser',
  'DescribeGroup',
  'GetGroupMembershipId',
  'CreateGroupMembership',
  'DeleteGroupMembership',
  'ListGroupMemberships',
] as const;
export type AwsOperation = (typeof IDENTITY_STORE_OPERATIONS)[number] | 'DescribePermissionSet';

/** What the operations work on. */
export interface AwsOperationContext {
  directory: AwsDirectory;
  identityStoreId: string;
  instanceArn: string;
  permissionSets: readonly SampleAwsPermissionSet[];
  /** How many of the next CreateGroupMembership calls meet a concurrent writer (applied, answered ConflictException). */
  concurrentChanges: { next: number };
}

const STORE_ID = /^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RESOURCE_ID = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const MAX_PAGE = 100;

const storeId = z.string().regex(STORE_ID, 'identityStoreId');
const resourceId = (name: string) => z.string().regex(RESOURCE_ID, name);
const memberId = z.object({ UserId: resourceId('userId') });
const alternateIdentifier = z.object({
  UniqueAttribute: z.object({ AttributePath: z.string().min(1), AttributeValue: z.unknown() }).optional(),
  ExternalId: z.object({ Issuer: z.string(), Id: z.string() }).optional(),
});

const inputs = {
  GetUserId: z.object({ IdentityStoreId: storeId, AlternateIdentifier: alternateIdentifier }),
  GetGroupId: z.object({ IdentityStoreId: storeId, AlternateIdentifier: alternateIdentifier }),
  DescribeUser: z.object({
    IdentityStoreId: storeId,
    UserId: resourceId('userId'),
    Extensions: z.array(z.string()).optional(),
  }),
  DescribeGroup: z.object({ IdentityStoreId: storeId, GroupId: resourceId('groupId') }),
  GetGroupMembershipId: z.object({ IdentityStoreId: storeId, GroupId: resourceId('groupId'), MemberId: memberId }),
  CreateGroupMembership: z.object({ IdentityStoreId: storeId, GroupId: resourceId('groupId'), MemberId: memberId }),
  DeleteGroupMembership: z.object({ IdentityStoreId: storeId, MembershipId: resourceId('membershipId') }),
  ListGroupMemberships: z.object({
    IdentityStoreId: storeId,
    GroupId: resourceId('groupId'),
    MaxResults: z.number().int().min(1).max(MAX_PAGE).optional(),
    NextToken: z.string().min(1).max(65535).optional(),
  }),
  DescribePermissionSet: z.object({ InstanceArn: z.string().min(10), PermissionSetArn: z.string().min(10) }),
} satisfies Record<AwsOperation, z.ZodType>;

/** Validates the body of an operation as AWS does: the first problem as a ValidationException. */
function parse<O extends AwsOperation>(operation: O, body: unknown): z.infer<(typeof inputs)[O]> {
  const result = inputs[operation].safeParse(body);
  if (result.success) return result.data as z.infer<(typeof inputs)[O]>;
  const issue = result.error.issues[0]!;
  const member = issue.path.join('.') || 'input';
  throw awsErrors.validation(
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: ${issue.message}`,
  );
}

/** Runs one operation on its parsed JSON body; returns the JSON answer. */
export function runOperation(
  ctx: AwsOperationContext,
  operation: AwsOperation,
  body: unknown,
): Record<string, unknown> {
  if (operation === 'DescribePermissionSet') return describePermissionSet(ctx, parse(operation, body));
  const { directory } = ctx;
  const input = parse(operation, body);
  if (input.IdentityStoreId !== ctx.identityStoreId)
    throw awsErrors.notFound('IDENTITY_STORE', input.IdentityStoreId, 'IDENTITY_STORE not found.');
  const IdentityStoreId = ctx.identityStoreId;
  const group = (id: string) => directory.group(id) ?? raise(awsErrors.notFound('GROUP', id));
  const user = (id: string) => directory.user(id) ?? raise(awsErrors.notFound('USER', id));

  switch (operation) {
    case 'GetUserId': {
      const { AttributePath, value } = uniqueAttribute(parse(operation, body).AlternateIdentifier);
      if (AttributePath !== 'userName' && AttributePath !== 'emails.value')
        throw awsErrors.validation(`Invalid AttributePath ${AttributePath} for User`);
      const found = directory.findUser(AttributePath, value);
      if (!found) throw awsErrors.notFound('USER', value, 'USER not found.');
      return { IdentityStoreId, UserId: found.id };
    }
    case 'GetGroupId': {
      const { AttributePath, value } = uniqueAttribute(parse(operation, body).AlternateIdentifier);
      if (AttributePath !== 'displayName')
        throw awsErrors.validation(`Invalid AttributePath ${AttributePath} for Group`);
      const found = directory.findGroupByName(value);
      if (!found) throw awsErrors.notFound('GROUP', value, 'GROUP not found.');
      return { IdentityStoreId, GroupId: found.id };
    }
    case 'DescribeUser':
      return describeUser(IdentityStoreId, user(parse(operation, body).UserId));
    case 'DescribeGroup': {
      const g = group(parse(operation, body).GroupId);
      return { IdentityStoreId, GroupId: g.id, DisplayName: g.displayName, Description: g.description };
    }
    case 'GetGroupMembershipId': {
      const { GroupId, MemberId } = parse(operation, body);
      group(GroupId);
      user(MemberId.UserId);
      const found = directory.membership(GroupId, MemberId.UserId);
      if (!found) throw awsErrors.notFound('GROUP_MEMBERSHIP', MemberId.UserId, 'GROUP_MEMBERSHIP not found.');
      return { IdentityStoreId, MembershipId: found.id };
    }
    case 'CreateGroupMembership': {
      const { GroupId, MemberId } = parse(operation, body);
      group(GroupId);
      user(MemberId.UserId);
      if (directory.membership(GroupId, MemberId.UserId))
        throw awsErrors.conflict('UNIQUENESS_CONSTRAINT_VIOLATION', 'Member already exists in group.');
      const created = directory.addMembership(GroupId, MemberId.UserId);
      if (ctx.concurrentChanges.next > 0) {
        // Another writer's change landed at the same moment: the membership exists, the answer is a conflict.
        ctx.concurrentChanges.next -= 1;
        throw awsErrors.conflict('CONCURRENT_MODIFICATION', 'Concurrent modification of the group, retry the request.');
      }
      return { IdentityStoreId, MembershipId: created.id };
    }
    case 'DeleteGroupMembership': {
      const { MembershipId } = parse(operation, body);
      if (!directory.deleteMembership(MembershipId))
        throw awsErrors.notFound('GROUP_MEMBERSHIP', MembershipId, 'GROUP_MEMBERSHIP not found.');
      return {};
    }
    case 'ListGroupMemberships': {
      const { GroupId, MaxResults, NextToken } = parse(operation, body);
      group(GroupId);
      const offset = NextToken === undefined ? 0 : readToken(NextToken, GroupId);
      const all = directory.membershipsOf(GroupId);
      const size = MaxResults ?? MAX_PAGE;
      const page = all.slice(offset, offset + size);
      return {
        GroupMemberships: page.map((m) => ({
          IdentityStoreId,
          MembershipId: m.id,
          GroupId: m.groupId,
          MemberId: { UserId: m.userId },
          CreatedAt: Date.parse(m.createdAt) / 1000,
        })),
        ...(offset + size < all.length ? { NextToken: makeToken(GroupId, offset + size) } : {}),
      };
    }
  }
}

function describeUser(IdentityStoreId: string, u: AwsUserRecord): Record<string, unknown> {
  return {
    IdentityStoreId,
    UserId: u.id,
    UserName: u.userName,
    Name: { Formatted: u.displayName, GivenName: u.givenName, FamilyName: u.familyName },
    DisplayName: u.displayName,
    Emails: [{ Value: u.email, Type: 'work', Primary: true }],
    UserStatus: u.status,
    CreatedAt: Date.parse(u.createdAt) / 1000,
  };
}

function describePermissionSet(
  ctx: AwsOperationContext,
  input: z.infer<(typeof inputs)['DescribePermissionSet']>,
): Record<string, unknown> {
  if (input.InstanceArn !== ctx.instanceArn)
    throw awsErrors.notFound('PERMISSION_SET', input.InstanceArn, 'Could not find Identity Center Instance.');
  const found = ctx.permissionSets.find((p) => p.arn === input.PermissionSetArn);
  if (!found) throw awsErrors.notFound('PERMISSION_SET', input.PermissionSetArn, 'Could not find PermissionSet.');
  return {
    PermissionSet: {
      Name: found.name,
      PermissionSetArn: found.arn,
      Description: found.description,
      CreatedDate: Date.parse('2026-01-05T09:00:00.000Z') / 1000,
      SessionDuration: found.sessionDuration,
    },
  };
}

function uniqueAttribute(identifier: z.infer<typeof alternateIdentifier>): { AttributePath: string; value: string } {
  const unique = identifier.UniqueAttribute;
  if (!unique) throw awsErrors.validation('The sandbox supports UniqueAttribute identifiers only, not ExternalId');
  if (typeof unique.AttributeValue !== 'string')
    throw awsErrors.validation('AttributeValue must be a string for this AttributePath');
  return { AttributePath: unique.AttributePath, value: unique.AttributeValue };
}

function makeToken(groupId: string, offset: number): string {
  return Buffer.from(JSON.stringify({ g: groupId, o: offset })).toString('base64');
}

function readToken(token: string, groupId: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { g?: unknown; o?: unknown };
    if (parsed.g === groupId && typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0)
      return parsed.o;
  } catch {
    // fall through: not a token of this sandbox
  }
  throw awsErrors.validation('The NextToken is not valid.');
}

function raise(error: AwsError): never {
  throw error;
}
