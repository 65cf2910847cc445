import { Leasehold } from '../harness/leasehold';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';

/** Memberships shared by grants: pre-existing members keep access; overlapping grants do not cut each other. */
describe('overlapping and pre-existing access', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  test('a member before the grant stays a member after it ends, and the evidence says so', async () => {
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).toContain('erin@example.com');
    const key = await lh.request({
      as: 'erin',
      app: 'Jira Software',
      level: 'User',
      duration: '5 seconds',
      why: 'already have it',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'bob');

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.preExistingMembership).toBe(true);
    expect(evidence.groupChanges.map((c) => [c.action, c.preExisting])).toEqual([
      ['already-member', true],
      ['kept', true],
    ]);
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).toContain('erin@example.com');
    expect(lh.sandboxes.okta.membershipChanges().filter((c) => JSON.stringify(c).includes('erin'))).toEqual([]);
  });

  test('two overlapping grants of one group: the first expiry does not cut the second', async () => {
    const short = await lh.request({
      as: 'alice',
      app: 'AWS Production',
      level: 'Read-only',
      duration: '5 seconds',
      why: 'first task',
    });
    const long = await lh.request({
      as: 'alice',
      app: 'AWS Production',
      level: 'Read-only',
      duration: '20 seconds',
      why: 'second task',
    });
    await lh.waitForState(short, 'AwaitingApproval');
    await lh.waitForState(long, 'AwaitingApproval');
    await lh.move(short, 'Approved by Manager', 'bob');
    await lh.waitForState(short, 'Active');
    await lh.move(long, 'Approved by Manager', 'bob');
    await lh.waitForState(long, 'Active');

    const first = await lh.result<EvidenceRecord>(short);
    expect(first.outcome).toBe('Expired');
    expect(first.groupChanges.at(-1)).toEqual(
      expect.objectContaining({ action: 'kept', reason: expect.stringContaining(long) }),
    );
    expect(lh.sandboxes.okta.groupMembers('aws-prod-readonly')).toContain('alice@example.com');
    expect((await lh.state(long)).state).toBe('Active');

    const second = await lh.result<EvidenceRecord>(long);
    expect(second.outcome).toBe('Expired');
    expect(second.groupChanges.at(-1)).toEqual(expect.objectContaining({ action: 'removed' }));
    expect(lh.sandboxes.okta.groupMembers('aws-prod-readonly')).not.toContain('alice@example.com');
  });
});
