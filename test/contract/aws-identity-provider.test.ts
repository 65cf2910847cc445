import { ApplicationFailure } from '@temporalio/common';
import { type AwsSandbox, sampleAws, sandboxCredentials, startAwsSandbox } from '@leasehold/sandbox';
import { asActivityFailure } from '../../src/activities/failures';
import { AwsIdentityProvider } from '../../src/connectors/aws/aws-identity-provider';
import { parseIsoDuration } from '../../src/connectors/aws/session-bound';
import { checkConnection } from '../../src/connectors/connection-check';
import { ConnectorError } from '../../src/connectors/connector-error';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { type AwsConnection, connectionSchema, rulesDocumentSchema } from '../../src/policy/schema';

/**
 * The AWS IdentityProvider against the sandbox IAM Identity Center, built the way the worker builds it
 * (fromConnection with `${VAR}` settings and env-var secret references), through the real
 * @aws-sdk/client-identitystore and client-sso-admin.
 */

const ENV = {
  endpoint: 'LEASEHOLD_TEST_AWS_ENDPOINT',
  secret: 'LEASEHOLD_TEST_AWS_SECRET',
  readOnlySecret: 'LEASEHOLD_TEST_AWS_READONLY_SECRET',
  wrong: 'LEASEHOLD_TEST_AWS_WRONG_SECRET',
} as const;
const ALICE = sampleAws.userIds.alice!;
const BOB = sampleAws.userIds.bob!;
const DEVELOPERS = sampleAws.groups[0]!.id;
const PROD_READ = sampleAws.groups[1]!.id;
const HOUR = 3_600_000;

let sandbox: AwsSandbox;

beforeAll(async () => {
  sandbox = await startAwsSandbox({ port: 0 });
  process.env[ENV.endpoint] = sandbox.url;
  process.env[ENV.secret] = sandboxCredentials.aws.secretAccessKey;
  process.env[ENV.readOnlySecret] = sandboxCredentials.aws.readOnlySecretAccessKey;
  process.env[ENV.wrong] = 'not-the-aws-secret-access-key';
});
afterAll(async () => {
  await sandbox.close();
  for (const key of Object.values(ENV)) delete process.env[key];
});
beforeEach(() => sandbox.reset());

function connection(overrides: Record<string, unknown> = {}): AwsConnection {
  return connectionSchema.parse({
    type: 'aws',
    region: 'us-east-1',
    identityStoreId: sampleAws.identityStoreId,
    endpoint: `\${${ENV.endpoint}}`,
    accessKeyId: sandboxCredentials.aws.accessKeyId,
    secretAccessKey: { env: ENV.secret },
    sessionDuration: '2 hours',
    ...overrides,
  }) as AwsConnection;
}
const provider = (overrides: Record<string, unknown> = {}) => AwsIdentityProvider.fromConnection(connection(overrides));
const readOnly = {
  accessKeyId: sandboxCredentials.aws.readOnlyAccessKeyId,
  secretAccessKey: { env: ENV.readOnlySecret },
};

async function connectorError(call: Promise<unknown>): Promise<ConnectorError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ConnectorError)) throw new Error(`expected a ConnectorError, got ${String(err)}`);
  return err;
}

describe('lookups', () => {
  it('finds people by email (default), by userName, and by UserId; unknown people are undefined', async () => {
    const alice = await provider().findUser('alice@example.com');
    expect(alice).toEqual({
      id: ALICE,
      login: 'alice',
      email: 'alice@example.com',
      displayName: 'Alice Anders',
      status: 'ENABLED',
    });
    expect(await provider({ userAttribute: 'userName' }).findUser('erin')).toMatchObject({ email: 'erin@example.com' });
    expect(await provider({ userAttribute: 'userName' }).findUser('erin@example.com')).toBeUndefined();
    expect(await provider().findUser(BOB)).toMatchObject({ login: 'bob' });
    expect(await provider().findUser('mallory@example.com')).toBeUndefined();
    expect(await provider().findManager(ALICE)).toBeUndefined();
    expect(await provider().lastActivity(ALICE)).toBeUndefined();
  });

  it('finds groups by display name and by GroupId', async () => {
    expect(await provider().findGroup('AWS-Developers')).toEqual({ id: DEVELOPERS, name: 'AWS-Developers' });
    expect(await provider().findGroup(PROD_READ)).toEqual({ id: PROD_READ, name: 'AWS-ProdReadOnly' });
    expect(await provider().findGroup('No-Such-Group')).toBeUndefined();
  });

  it('an unknown identity store is a permanent error, not "no such user"', async () => {
    const err = await connectorError(provider({ identityStoreId: 'd-0000000000' }).findUser('alice@example.com'));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^unknown identity store d-0000000000/);
  });

  it('lists members through all pages with their logins', async () => {
    const p = AwsIdentityProvider.fromConnection(connection());
    for (const handle of ['alice', 'carol', 'dave']) await p.addMember(DEVELOPERS, sampleAws.userIds[handle]!);
    const small = new AwsIdentityProvider(p.client, {
      identityStoreId: sampleAws.identityStoreId,
      sessions: (p as unknown as { options: { sessions: never } }).options.sessions,
      membersPageSize: 2,
    });
    const members = await small.listMembers(DEVELOPERS);
    expect(members.map((m) => m.login).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(sandbox.requestCount('ListGroupMemberships')).toBe(2);
  });
});

describe('membership', () => {
  it('adds, reads back, removes; the removal states when access is certainly gone', async () => {
    expect(await provider().isMember(PROD_READ, ALICE)).toBe(false);
    const added = await provider().addMember(PROD_READ, ALICE);
    expect(added).toMatchObject({ status: 200, note: expect.stringMatching(/^membership 9067c0ffee-\S+ created$/) });
    expect(added.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await provider().isMember(PROD_READ, ALICE)).toBe(true);

    const before = Date.now();
    const removed = await provider().removeMember(PROD_READ, ALICE);
    expect(sandbox.isMember('AWS-ProdReadOnly', 'alice')).toBe(false);
    const goneBy = Date.parse(removed.accessGoneBy!);
    expect(goneBy).toBeGreaterThanOrEqual(before + 2 * HOUR);
    expect(goneBy).toBeLessThanOrEqual(Date.now() + 2 * HOUR);
    expect(removed.note).toBe(
      `membership ${sandbox.membershipChanges()[0]!.membershipId} deleted; AWS sessions already issued stay valid up to the session duration (2 hours, from the connection's sessionDuration): access certainly gone by ${removed.accessGoneBy}`,
    );
  });

  it('the session bound comes from sso-admin when the connection names permission sets', async () => {
    const p = provider({
      instanceArn: sampleAws.instanceArn,
      permissionSetArns: sampleAws.permissionSets.map((ps) => ps.arn),
    });
    await p.addMember(PROD_READ, ALICE);
    const removed = await p.removeMember(PROD_READ, ALICE);
    expect(removed.note).toMatch(
      /up to the session duration \(4 hours, from permission set ProdReadOnly \(sso-admin\)\)/,
    );
    expect(await p.probe()).toBe(
      'authenticated; identity store d-9067c0ffee answers; sessions last at most 4 hours (permission set ProdReadOnly (sso-admin))',
    );
  });

  it('sso-admin denied: the removal still succeeds, with the configured bound and the reason', async () => {
    sandbox.denyAction('sso:DescribePermissionSet');
    const p = provider({ instanceArn: sampleAws.instanceArn, permissionSetArns: [sampleAws.permissionSets[0]!.arn] });
    await p.addMember(PROD_READ, ALICE);
    const removed = await p.removeMember(PROD_READ, ALICE);
    expect(sandbox.isMember('AWS-ProdReadOnly', 'alice')).toBe(false);
    expect(removed.note).toMatch(
      /\(2 hours, from the connection's sessionDuration \(sso-admin unreadable: missing permission: .*sso:DescribePermissionSet/,
    );
    const probe = await connectorError(p.probe());
    expect(probe.message).toMatch(/^missing permission: .*sso:DescribePermissionSet is not allowed/);
  });

  it('a pre-existing member: ConflictException is read back, not a failure; removing a non-member is success', async () => {
    const answer = await provider().addMember(DEVELOPERS, BOB);
    expect(answer).toMatchObject({
      status: 409,
      note: expect.stringMatching(
        /^already a member \(ConflictException UNIQUENESS_CONSTRAINT_VIOLATION\): membership \S+ read back$/,
      ),
    });
    expect(sandbox.requestCount('GetGroupMembershipId')).toBe(1);
    expect(sandbox.membershipChanges()).toEqual([]);
    expect(await provider().removeMember(PROD_READ, ALICE)).toMatchObject({
      status: 404,
      note: 'not a member: nothing to delete',
    });
  });

  it('a concurrent change (ConflictException CONCURRENT_MODIFICATION) is read back: a member is success', async () => {
    sandbox.concurrentChangeNext(1);
    const answer = await provider().addMember(PROD_READ, ALICE);
    expect(answer.note).toMatch(/^already a member \(ConflictException CONCURRENT_MODIFICATION\)/);
    expect(sandbox.isMember('AWS-ProdReadOnly', 'alice')).toBe(true);
  });

  it('unknown users and groups are permanent errors naming them', async () => {
    const noGroup = await connectorError(
      provider().addMember('9067c0ffee-00000000-0000-4000-8000-000000000bad', ALICE),
    );
    expect(noGroup.kind).toBe('permanent');
    expect(noGroup.message).toMatch(/^unknown group 9067c0ffee-00000000-0000-4000-8000-000000000bad/);
    const noUser = await connectorError(
      provider().isMember(PROD_READ, '9067c0ffee-00000000-0000-4000-8000-000000000bad'),
    );
    expect(noUser.message).toMatch(/^unknown user /);
    const invalid = await connectorError(provider().isMember(PROD_READ, 'alice'));
    expect(invalid).toMatchObject({ kind: 'permanent', details: { code: 'ValidationException' } });
  });
});

describe('failures', () => {
  it('ThrottlingException is rate-limited with RetryAfterSeconds as the retry delay; nothing changed', async () => {
    sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 42 });
    const err = await connectorError(provider().addMember(PROD_READ, ALICE));
    expect(err).toMatchObject({ kind: 'rate-limited', details: { retryAfterMs: 42_000, code: 'ThrottlingException' } });
    const failure = asActivityFailure(err) as ApplicationFailure;
    expect(failure.nextRetryDelay).toBe(42_000);
    expect(failure.nonRetryable).toBeFalsy();
    expect(sandbox.membershipChanges()).toEqual([]);
    await provider().addMember(PROD_READ, ALICE);
    expect(sandbox.isMember('AWS-ProdReadOnly', 'alice')).toBe(true);
  });

  it('InternalServerException is transient', async () => {
    sandbox.faults.update({ failNext: 1 });
    const err = await connectorError(provider().isMember(PROD_READ, ALICE));
    expect(err.kind).toBe('retryable');
    expect((asActivityFailure(err) as ApplicationFailure).nonRetryable).toBeFalsy();
  });

  it('AccessDeniedException is permanent and names the missing action', async () => {
    const err = await connectorError(provider(readOnly).addMember(PROD_READ, ALICE));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(
      /^missing permission: the AWS credentials cannot add user \S+ to group \S+: identitystore:CreateGroupMembership is not allowed/,
    );
    expect((asActivityFailure(err) as ApplicationFailure).nonRetryable).toBe(true);
    sandbox.denyAction('identitystore:GetGroupMembershipId');
    const read = await connectorError(provider().removeMember(PROD_READ, ALICE));
    expect(read.message).toMatch(/identitystore:GetGroupMembershipId is not allowed/);
  });

  it('a wrong secret is "bad credentials", and the secret never appears in a message', async () => {
    const err = await connectorError(provider({ secretAccessKey: { env: ENV.wrong } }).findGroup('AWS-Developers'));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^bad credentials: AWS refused the access key \(InvalidSignatureException/);
    const unknown = await connectorError(provider({ accessKeyId: 'AKIAUNKNOWNKEY000000' }).findGroup('AWS-Developers'));
    expect(unknown.message).toMatch(/^bad credentials: .*UnrecognizedClientException/);
    expect(err.message).not.toContain('not-the-aws-secret-access-key');
  });

  it('an unreachable endpoint is transient', async () => {
    const err = await connectorError(provider({ endpoint: 'http://127.0.0.1:9' }).findGroup('AWS-Developers'));
    expect(err.kind).toBe('retryable');
  });
});

describe('connections test', () => {
  const rules = (overrides: Record<string, unknown> = {}, groups = ['AWS-Developers', 'No-Such-Group']) =>
    rulesDocumentSchema.parse({
      version: 1,
      connections: {
        jira: { type: 'jira', site: 'http://x', email: 'a@example.com', apiToken: { env: 'X' } },
        aws: { ...connection(), ...overrides },
      },
      portal: { connection: 'jira', project: 'ACCESS', statusMapping: { Approved: ['Approved'] } },
      applications: [
        {
          name: 'AWS',
          owner: 'dave@example.com',
          levels: [
            {
              name: 'Developer',
              connection: 'aws',
              groups,
              risk: 'low',
              approval: { approvers: ['app-owner'] },
              duration: { default: '1 day' },
            },
          ],
        },
      ],
    });
  const check = (overrides: Record<string, unknown> = {}, groups?: string[]) => {
    const registry = new ConnectorRegistry();
    return checkConnection('aws', rules(overrides, groups), {
      provider: (n, c) => registry.provider(n, c),
      jira: (c) => registry.jira(c),
    });
  };

  it('says what works and names the unknown group', async () => {
    const report = await check();
    expect(report.lines).toEqual([
      {
        ok: true,
        text: "authenticated; identity store d-9067c0ffee answers; sessions last at most 2 hours (the connection's sessionDuration)",
      },
      { ok: true, text: `group AWS-Developers exists (${DEVELOPERS})` },
      { ok: false, text: 'unknown group: No-Such-Group does not exist in aws' },
      { ok: true, text: 'membership write permission: ok (identitystore:DeleteGroupMembership)' },
    ]);
    expect(sandbox.membershipChanges()).toEqual([]);
  });

  it('bad credentials', async () => {
    const report = await check({ secretAccessKey: { env: ENV.wrong } });
    expect(report.ok).toBe(false);
    expect(report.lines).toEqual([
      { ok: false, text: expect.stringMatching(/^bad credentials: .*InvalidSignatureException/) },
    ]);
  });

  it('a key without the write permission', async () => {
    const report = await check(readOnly, ['AWS-Developers']);
    expect(report.lines.at(-1)).toEqual({
      ok: false,
      text: expect.stringMatching(
        /^membership write: missing permission: .*identitystore:DeleteGroupMembership is not allowed/,
      ),
    });
  });
});

describe('the rules', () => {
  it('accept the sandbox connection and refuse half a static key, a manager approver, a bound over 12 hours', () => {
    expect(connection().sessionDuration).toBe('2 hours');
    expect(
      connectionSchema.safeParse({ type: 'aws', region: 'r', identityStoreId: 'd', accessKeyId: 'AKIA' }).success,
    ).toBe(false);
    expect(
      connectionSchema.safeParse({ type: 'aws', region: 'r', identityStoreId: 'd', sessionDuration: '13 hours' })
        .success,
    ).toBe(false);
    const parsed = rulesDocumentSchema.safeParse({
      version: 1,
      connections: {
        jira: { type: 'jira', site: 'http://x', email: 'a@example.com', apiToken: { env: 'X' } },
        aws: { type: 'aws', region: 'us-east-1', identityStoreId: 'd-1234567890' },
      },
      portal: { connection: 'jira', project: 'ACCESS', statusMapping: {} },
      applications: [
        {
          name: 'AWS',
          owner: 'dave@example.com',
          levels: [
            {
              name: 'Developer',
              connection: 'aws',
              groups: ['AWS-Developers'],
              risk: 'low',
              approval: { approvers: ['manager'] },
              duration: { default: '1 day' },
            },
          ],
        },
      ],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toEqual([
      expect.objectContaining({
        path: ['applications', 0, 'levels', 0, 'approval', 'approvers', 0],
        message: expect.stringMatching(/^Leasehold reads no managers from AWS/),
      }),
    ]);
  });

  it('ISO 8601 session durations', () => {
    expect(parseIsoDuration('PT1H')).toBe(HOUR);
    expect(parseIsoDuration('PT1H30M')).toBe(1.5 * HOUR);
    expect(parseIsoDuration('PT43200S')).toBe(12 * HOUR);
    expect(parseIsoDuration('P1D')).toBeUndefined();
  });
});
