import { GetGroupMembershipIdCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { sampleAws, sandboxCredentials } from '@leasehold/sandbox';
import { Leasehold } from '../harness/leasehold';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';

/** AWS IAM Identity Center grants end to end: portal request → webhook → approval → group membership → expiry. */
describe('a time-bound AWS IAM Identity Center group grant, through the sandbox Jira and AWS', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });
  beforeEach(() => lh.sandboxes.aws.reset());

  /** The membership id as the Identity Store API answers it (GetGroupMembershipId), or undefined when not a member. */
  async function membership(handle: string): Promise<string | undefined> {
    const client = new IdentitystoreClient({
      region: lh.sandboxes.aws.region,
      endpoint: lh.sandboxes.aws.url,
      credentials: {
        accessKeyId: sandboxCredentials.aws.readOnlyAccessKeyId,
        secretAccessKey: sandboxCredentials.aws.readOnlySecretAccessKey,
      },
      maxAttempts: 1,
    });
    try {
      const found = await client.send(
        new GetGroupMembershipIdCommand({
          IdentityStoreId: sampleAws.identityStoreId,
          GroupId: lh.sandboxes.aws.groupId('AWS-Developers'),
          MemberId: { UserId: sampleAws.userIds[handle]! },
        }),
      );
      return found.MembershipId;
    } catch (err) {
      if ((err as Error).name === 'ResourceNotFoundException') return undefined;
      throw err;
    } finally {
      client.destroy();
    }
  }

  test('alice asks, dave (the owner) approves, she is in AWS-Developers until it expires; the evidence bounds her sessions', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'AWS Developer Sandbox',
      level: 'Developer',
      duration: '8 seconds',
      why: 'debug the staging stack',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    expect(await membership('alice')).toBeUndefined();

    await lh.move(key, 'Approved by Manager', 'dave');
    const active = await lh.waitForState(key, 'Active');
    expect(active.approvals).toEqual([expect.objectContaining({ email: 'dave@example.com', as: 'app-owner' })]);
    const membershipId = await membership('alice');
    expect(membershipId).toMatch(/^9067c0ffee-/);

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(await membership('alice')).toBeUndefined();
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(evidence.groupChanges[0]!.idpAnswer).toMatchObject({
      status: 200,
      note: `membership ${membershipId} created`,
    });

    // Sessions already issued outlive the removal: the evidence says until when (DeveloperAccess: PT1H).
    const removal = evidence.groupChanges[1]!;
    const goneBy = Date.parse(removal.idpAnswer!.accessGoneBy!);
    expect(goneBy - Date.parse(removal.at)).toBeGreaterThan(3_590_000);
    expect(goneBy - Date.parse(removal.at)).toBeLessThanOrEqual(3_600_000);
    expect(removal.idpAnswer!.note).toBe(
      `membership ${membershipId} deleted; AWS sessions already issued stay valid up to the session duration (1 hour, from permission set DeveloperAccess (sso-admin)): access certainly gone by ${removal.idpAnswer!.accessGoneBy}`,
    );
    expect(lh.sandboxes.aws.membershipChanges().map((c) => `${c.op} ${c.userId}`)).toEqual([
      `add ${sampleAws.userIds.alice}`,
      `remove ${sampleAws.userIds.alice}`,
    ]);
    expect(lh.jiraIssue(key).status).toBe('Access Expired');
  });

  test('bob, already in AWS-Developers, stays in it after his grant ends', async () => {
    const before = await membership('bob');
    expect(before).toBeDefined();
    const key = await lh.request({
      as: 'bob',
      app: 'AWS Developer Sandbox',
      level: 'Developer',
      duration: '5 seconds',
      why: 'review',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'dave');
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['already-member', 'kept']);
    expect(evidence.preExistingMembership).toBe(true);
    expect(await membership('bob')).toBe(before);
    expect(lh.sandboxes.aws.membershipChanges()).toEqual([]);
  });

  test('ThrottlingException (RetryAfterSeconds) after the approval is waited out, with one change', async () => {
    const key = await lh.request({
      as: 'erin',
      app: 'AWS Developer Sandbox',
      level: 'Developer',
      duration: '5 seconds',
      why: 'again',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    lh.sandboxes.aws.faults.update({ throttleNext: 2, retryAfterSeconds: 2 });
    const approvedAt = Date.now();
    await lh.move(key, 'Approved by Manager', 'carol');
    await lh.waitForState(key, 'Active');
    // Two throttled attempts, each waited for the 2 s AWS asked (nextRetryDelay), before the grant.
    expect(Date.now() - approvedAt).toBeGreaterThanOrEqual(4_000);
    expect(lh.sandboxes.aws.faults.current.throttleNext).toBe(0);
    expect(await membership('erin')).toBeDefined();
    expect(lh.sandboxes.aws.membershipChanges().map((c) => `${c.op} ${c.userId}`)).toEqual([
      `add ${sampleAws.userIds.erin}`,
    ]);
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed']);
    expect(lh.sandboxes.aws.membershipChanges()).toHaveLength(2);
  });
});
