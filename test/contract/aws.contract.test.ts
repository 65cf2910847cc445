import {
  ConflictException,
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  ListGroupMembershipsCommand,
  paginateListGroupMemberships,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-identitystore';
import { DescribePermissionSetCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { type AwsSandbox, sampleAws, sandboxCredentials, startAwsSandbox } from '@leasehold/sandbox';
import { savedAwsSchema } from '../../packages/sandbox/src/persistence/schemas';

/**
 * The unmodified @aws-sdk/client-identitystore (and client-sso-admin) against the sandbox AWS IAM
 * Identity Center: every call the connector makes, signed with SigV4, and the error shapes it relies on
 * (docs/wire-contracts.md, AWS section).
 */

let sandbox: AwsSandbox;
const STORE = sampleAws.identityStoreId;
const DEVELOPERS = sampleAws.groups[0]!.id;
const PROD_READ = sampleAws.groups[1]!.id;
const ALICE = sampleAws.userIds.alice!;
const BOB = sampleAws.userIds.bob!;

const keys = {
  full: { accessKeyId: sandboxCredentials.aws.accessKeyId, secretAccessKey: sandboxCredentials.aws.secretAccessKey },
  readOnly: {
    accessKeyId: sandboxCredentials.aws.readOnlyAccessKeyId,
    secretAccessKey: sandboxCredentials.aws.readOnlySecretAccessKey,
  },
};

const client = (credentials: { accessKeyId: string; secretAccessKey: string } = keys.full, region = sandbox.region) =>
  new IdentitystoreClient({ region, endpoint: sandbox.url, credentials, maxAttempts: 1 });

/** The error a call fails with (fails the test when it succeeds). */
async function failure(call: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!err) throw new Error('expected the call to fail');
  return err as Error & Record<string, unknown>;
}

const status = (err: Record<string, unknown>) => (err.$metadata as { httpStatusCode?: number }).httpStatusCode;

beforeAll(async () => {
  sandbox = await startAwsSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

describe('Signature Version 4', () => {
  it('accepts the SDK signature with the right secret and answers with a request id', async () => {
    const answer = await client().send(
      new GetUserIdCommand({
        IdentityStoreId: STORE,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: 'alice@example.com' },
        },
      }),
    );
    expect(answer).toMatchObject({ UserId: ALICE, IdentityStoreId: STORE });
    expect(answer.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
    expect(answer.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sandbox.requestCount('GetUserId')).toBe(1);
  });

  it('rejects a wrong secret (InvalidSignatureException) and an unknown key (UnrecognizedClientException)', async () => {
    const input = { IdentityStoreId: STORE, GroupId: DEVELOPERS };
    const wrong = await failure(
      client({ accessKeyId: keys.full.accessKeyId, secretAccessKey: 'not-the-secret' }).send(
        new DescribeGroupCommand(input),
      ),
    );
    expect(wrong.name).toBe('InvalidSignatureException');
    expect(wrong.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    expect(status(wrong)).toBe(400);

    const unknown = await failure(
      client({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }).send(new DescribeGroupCommand(input)),
    );
    expect(unknown.name).toBe('UnrecognizedClientException');
    expect(unknown.message).toBe('The security token included in the request is invalid.');
    expect(sandbox.requestCount('DescribeGroup')).toBe(0);
  });

  it('rejects a signature scoped to another region', async () => {
    const err = await failure(
      client(keys.full, 'eu-west-1').send(new DescribeGroupCommand({ IdentityStoreId: STORE, GroupId: DEVELOPERS })),
    );
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toMatch(/valid region/);
  });

  it('the wire: POST / with X-Amz-Target and application/x-amz-json-1.1; unsigned requests are refused', async () => {
    const raw = await fetch(`${sandbox.url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSIdentityStore.DescribeGroup' },
      body: JSON.stringify({ IdentityStoreId: STORE, GroupId: DEVELOPERS }),
    });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException:/);
    expect(raw.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(await raw.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });
});

describe('Identity Store calls', () => {
  it('GetUserId by emails.value and userName; DescribeUser; unknown users are ResourceNotFoundException', async () => {
    const byName = await client().send(
      new GetUserIdCommand({
        IdentityStoreId: STORE,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'erin' } },
      }),
    );
    expect(byName.UserId).toBe(sampleAws.userIds.erin);
    const user = await client().send(new DescribeUserCommand({ IdentityStoreId: STORE, UserId: ALICE }));
    expect(user).toMatchObject({
      UserId: ALICE,
      UserName: 'alice',
      DisplayName: 'Alice Anders',
      Emails: [{ Value: 'alice@example.com', Type: 'work', Primary: true }],
      UserStatus: 'ENABLED',
    });
    expect(user.CreatedAt).toBeInstanceOf(Date);

    const missing = await failure(
      client().send(
        new GetUserIdCommand({
          IdentityStoreId: STORE,
          AlternateIdentifier: {
            UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: 'mallory@example.com' },
          },
        }),
      ),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toMatchObject({ ResourceType: 'USER', ResourceId: 'mallory@example.com' });
    expect(status(missing)).toBe(404);
  });

  it('GetGroupId by displayName; DescribeGroup', async () => {
    const found = await client().send(
      new GetGroupIdCommand({
        IdentityStoreId: STORE,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'AWS-Developers' } },
      }),
    );
    expect(found.GroupId).toBe(DEVELOPERS);
    const group = await client().send(new DescribeGroupCommand({ IdentityStoreId: STORE, GroupId: PROD_READ }));
    expect(group).toMatchObject({ GroupId: PROD_READ, DisplayName: 'AWS-ProdReadOnly' });
    const missing = await failure(
      client().send(
        new GetGroupIdCommand({
          IdentityStoreId: STORE,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'No-Such-Group' } },
        }),
      ),
    );
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'GROUP' });
  });

  it('membership lifecycle: Create → GetGroupMembershipId → Create again (Conflict) → Delete → not found', async () => {
    const created = await client().send(
      new CreateGroupMembershipCommand({ IdentityStoreId: STORE, GroupId: PROD_READ, MemberId: { UserId: ALICE } }),
    );
    expect(created.MembershipId).toMatch(/^9067c0ffee-[0-9a-f-]{36}$/);
    const read = await client().send(
      new GetGroupMembershipIdCommand({ IdentityStoreId: STORE, GroupId: PROD_READ, MemberId: { UserId: ALICE } }),
    );
    expect(read.MembershipId).toBe(created.MembershipId);

    const again = await failure(
      client().send(
        new CreateGroupMembershipCommand({ IdentityStoreId: STORE, GroupId: PROD_READ, MemberId: { UserId: ALICE } }),
      ),
    );
    expect(again).toBeInstanceOf(ConflictException);
    expect(again).toMatchObject({
      Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION',
      message: 'Member already exists in group.',
    });
    expect(status(again)).toBe(409);

    await client().send(
      new DeleteGroupMembershipCommand({ IdentityStoreId: STORE, MembershipId: created.MembershipId }),
    );
    const gone = await failure(
      client().send(
        new GetGroupMembershipIdCommand({ IdentityStoreId: STORE, GroupId: PROD_READ, MemberId: { UserId: ALICE } }),
      ),
    );
    expect(gone).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'GROUP_MEMBERSHIP' });
    const deletedTwice = await failure(
      client().send(new DeleteGroupMembershipCommand({ IdentityStoreId: STORE, MembershipId: created.MembershipId })),
    );
    expect(deletedTwice).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'GROUP_MEMBERSHIP' });
    expect(sandbox.membershipChanges().map((c) => `${c.op} ${c.userId}`)).toEqual([`add ${ALICE}`, `remove ${ALICE}`]);
  });

  it('a concurrent writer: the membership exists, the answer is ConflictException CONCURRENT_MODIFICATION', async () => {
    sandbox.concurrentChangeNext(1);
    const err = await failure(
      client().send(
        new CreateGroupMembershipCommand({ IdentityStoreId: STORE, GroupId: PROD_READ, MemberId: { UserId: ALICE } }),
      ),
    );
    expect(err).toMatchObject({ name: 'ConflictException', Reason: 'CONCURRENT_MODIFICATION' });
    expect(sandbox.isMember('AWS-ProdReadOnly', 'alice')).toBe(true);
  });

  it('ListGroupMemberships pages with MaxResults and NextToken', async () => {
    for (const handle of ['alice', 'carol', 'dave', 'erin']) {
      await client().send(
        new CreateGroupMembershipCommand({
          IdentityStoreId: STORE,
          GroupId: DEVELOPERS,
          MemberId: { UserId: sampleAws.userIds[handle]! },
        }),
      );
    }
    const first = await client().send(
      new ListGroupMembershipsCommand({ IdentityStoreId: STORE, GroupId: DEVELOPERS, MaxResults: 2 }),
    );
    expect(first.GroupMemberships).toHaveLength(2);
    expect(first.NextToken).toBeTruthy();
    expect(first.GroupMemberships![0]).toMatchObject({ GroupId: DEVELOPERS, MemberId: { UserId: BOB } });

    const all: string[] = [];
    for await (const page of paginateListGroupMemberships(
      { client: client(), pageSize: 2 },
      { IdentityStoreId: STORE, GroupId: DEVELOPERS },
    )) {
      all.push(...(page.GroupMemberships ?? []).map((m) => (m.MemberId as { UserId: string }).UserId));
    }
    expect(all).toHaveLength(5);
    expect(sandbox.requestCount('ListGroupMemberships')).toBe(4); // 1 + 3 pages of 2, 2, 1

    const bad = await failure(
      client().send(
        new ListGroupMembershipsCommand({ IdentityStoreId: STORE, GroupId: DEVELOPERS, NextToken: 'bm90LWEtdG9rZW4=' }),
      ),
    );
    expect(bad).toBeInstanceOf(ValidationException);
    const tooMany = await failure(
      client().send(new ListGroupMembershipsCommand({ IdentityStoreId: STORE, GroupId: DEVELOPERS, MaxResults: 500 })),
    );
    expect(tooMany.name).toBe('ValidationException');
    expect(tooMany.message).toMatch(/MaxResults/);
  });

  it('ValidationException for a malformed id; ResourceNotFoundException for another identity store', async () => {
    const malformed = await failure(
      client().send(new DescribeUserCommand({ IdentityStoreId: STORE, UserId: 'alice' })),
    );
    expect(malformed).toMatchObject({ name: 'ValidationException' });
    expect(status(malformed)).toBe(400);
    const other = await failure(
      client().send(new DescribeGroupCommand({ IdentityStoreId: 'd-0000000000', GroupId: DEVELOPERS })),
    );
    expect(other).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'IDENTITY_STORE' });
  });
});

describe('authorization and faults', () => {
  it('the read-only key reads, and is denied writes with AccessDeniedException naming the action', async () => {
    const ro = client(keys.readOnly);
    await expect(
      ro.send(new DescribeGroupCommand({ IdentityStoreId: STORE, GroupId: DEVELOPERS })),
    ).resolves.toBeDefined();
    const denied = await failure(
      ro.send(
        new CreateGroupMembershipCommand({ IdentityStoreId: STORE, GroupId: PROD_READ, MemberId: { UserId: ALICE } }),
      ),
    );
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toBe(
      `User: arn:aws:iam::111122223333:user/leasehold-readonly is not authorized to perform: identitystore:CreateGroupMembership on resource: arn:aws:identitystore::111122223333:identitystore/${STORE} because no identity-based policy allows the identitystore:CreateGroupMembership action`,
    );
    expect(status(denied)).toBe(403);
    expect(sandbox.membershipChanges()).toEqual([]);
  });

  it('a throttled call is ThrottlingException with RetryAfterSeconds (body) and Retry-After (header)', async () => {
    sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 7 });
    const err = await failure(client().send(new DescribeGroupCommand({ IdentityStoreId: STORE, GroupId: DEVELOPERS })));
    expect(err).toBeInstanceOf(ThrottlingException);
    expect(err).toMatchObject({ RetryAfterSeconds: 7, message: 'Rate exceeded', $retryable: { throttling: true } });
    expect(status(err)).toBe(429);
    expect((err.$response as { headers: Record<string, string> } | undefined)?.headers['retry-after']).toBe('7');
    // maxAttempts 1: the SDK did not retry on its own.
    expect(err.$metadata).toMatchObject({ attempts: 1 });
    await expect(
      client().send(new DescribeGroupCommand({ IdentityStoreId: STORE, GroupId: DEVELOPERS })),
    ).resolves.toBeDefined();
  });

  it('a server fault is InternalServerException (500)', async () => {
    sandbox.faults.update({ failNext: 1 });
    const err = await failure(client().send(new DescribeGroupCommand({ IdentityStoreId: STORE, GroupId: DEVELOPERS })));
    expect(err).toMatchObject({ name: 'InternalServerException', $fault: 'server' });
    expect(status(err)).toBe(500);
  });
});

describe('sso-admin', () => {
  const ssoAdmin = (credentials = keys.full) =>
    new SSOAdminClient({ region: sandbox.region, endpoint: sandbox.url, credentials, maxAttempts: 1 });

  it('DescribePermissionSet answers the session duration (signed for the sso service)', async () => {
    const { PermissionSet } = await ssoAdmin().send(
      new DescribePermissionSetCommand({
        InstanceArn: sampleAws.instanceArn,
        PermissionSetArn: sampleAws.permissionSets[1]!.arn,
      }),
    );
    expect(PermissionSet).toMatchObject({ Name: 'ProdReadOnly', SessionDuration: 'PT4H' });
    expect(PermissionSet!.CreatedDate).toBeInstanceOf(Date);
    const missing = await failure(
      ssoAdmin().send(
        new DescribePermissionSetCommand({
          InstanceArn: sampleAws.instanceArn,
          PermissionSetArn: `${sampleAws.instanceArn}/ps-nope`,
        }),
      ),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('a denied action names sso:DescribePermissionSet', async () => {
    sandbox.denyAction('sso:DescribePermissionSet');
    const err = await failure(
      ssoAdmin().send(
        new DescribePermissionSetCommand({
          InstanceArn: sampleAws.instanceArn,
          PermissionSetArn: sampleAws.permissionSets[0]!.arn,
        }),
      ),
    );
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toMatch(/not authorized to perform: sso:DescribePermissionSet/);
  });
});

describe('saved state', () => {
  it('a restart from savedState() carries memberships and changes on; the state file schema accepts it', async () => {
    await client().send(
      new CreateGroupMembershipCommand({ IdentityStoreId: STORE, GroupId: PROD_READ, MemberId: { UserId: ALICE } }),
    );
    const saved = sandbox.savedState();
    expect(savedAwsSchema.parse(JSON.parse(JSON.stringify(saved)))).toEqual(saved);
    const restarted = await startAwsSandbox({ port: 0, savedState: saved });
    try {
      expect(restarted.isMember('AWS-ProdReadOnly', 'alice')).toBe(true);
      expect(restarted.isMember('AWS-Developers', 'bob')).toBe(true);
      expect(restarted.membershipChanges()).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  });
});
