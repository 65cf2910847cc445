import { eventually, Leasehold } from '../harness/leasehold';
import { OKTA_READONLY_TOKEN, samplePerson, sandboxCredentials } from '@leasehold/sandbox';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';
import { accessRequestWorkflowId } from '../../src/workflows/ids';
import { retryProvisioningUpdate } from '../../src/workflows/access-request/messages';

/** Failures of the identity provider and of the worker: retried, surfaced, never dropped. */
describe('provisioning and revocation through failures', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });
  const alice = samplePerson('alice');

  test('Okta answering 429s and 500s for a while: provisioning completes after it recovers, with one membership change', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'GitHub',
      level: 'Admin',
      duration: '1 hour',
      why: 'rotate org secrets',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    lh.sandboxes.okta.faults.update({ throttleNext: 2, failNext: 2, retryAfterSeconds: 1 });
    await lh.approve(key, 'bob');
    await lh.approve(key, 'dave');

    await lh.waitForState(key, 'Active', 90_000);
    expect(lh.sandboxes.okta.faults.current).toEqual(expect.objectContaining({ throttleNext: 0, failNext: 0 }));
    expect(lh.sandboxes.okta.groupMembers('github-admins')).toContain('alice@example.com');
    const adds = lh.sandboxes.okta.membershipChanges().filter((c) => c.op === 'add' && c.userId === alice.oktaId);
    expect(adds).toHaveLength(1);
  });

  test('an unknown user fails fast with a clear Jira comment and nothing provisioned', async () => {
    const key = await lh.request({
      as: 'mallory',
      app: 'Jira Software',
      level: 'User',
      duration: '1 hour',
      why: 'let me in',
    });
    const state = await lh.waitForState(key, 'Failed');
    expect(state.groupChanges).toEqual([]);
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Failed');
    expect(lh.jiraComments(key).join('\n')).toContain('mallory@example.com is not a user in okta');
  });

  test('a missing permission fails provisioning visibly; an operator retries once it is fixed', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'Jira Software',
      level: 'User',
      duration: '1 hour',
      why: 'retry me',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    process.env.OKTA_API_TOKEN = OKTA_READONLY_TOKEN;
    try {
      await lh.move(key, 'Approved by Manager', 'bob');
      const failed = await lh.waitForState(key, 'ProvisioningFailed');
      expect(failed.problem?.message).toMatch(/missing permission/);
      await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Failed');
      expect(lh.jiraComments(key).join('\n')).toMatch(/Provisioning failed: .*missing permission/);
    } finally {
      process.env.OKTA_API_TOKEN = sandboxCredentials.okta.token;
    }
    await lh.client.workflow
      .getHandle(accessRequestWorkflowId(key))
      .executeUpdate(retryProvisioningUpdate, { args: [{ operator: 'dave', reason: 'token fixed' }] });
    await lh.waitForState(key, 'Active');
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).toContain('alice@example.com');
  });

  test('a worker down at expiry revokes when it comes back', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'Salesforce',
      level: 'Admin',
      duration: '5 seconds',
      why: 'quick fix',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.approve(key, 'bob');
    await lh.approve(key, 'carol');
    const active = await lh.waitForState(key, 'Active');
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Granted');

    await lh.stopWorker();
    const expiry = Date.parse(active.expiresAt!);
    while (Date.now() < expiry + 3_000) await new Promise((r) => setTimeout(r, 500));
    // Nobody revoked while the worker was down.
    expect(lh.sandboxes.entra.isMember('SF-Admin', 'alice@example.com')).toBe(true);

    await lh.startWorker();
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(lh.sandboxes.entra.isMember('SF-Admin', 'alice@example.com')).toBe(false);
  });
});

describe('a revocation that keeps failing', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  test('alerts in Jira and through the search attribute operators filter on, keeps trying, and completes once Okta recovers', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'Jira Software',
      level: 'User',
      duration: '3 seconds',
      why: 'short',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.approve(key, 'bob');
    await lh.waitForState(key, 'Active');
    lh.sandboxes.okta.faults.update({ failNext: 100_000 });
    try {
      const failing = await lh.waitForState(key, 'RevocationFailing', 90_000);
      expect(failing.problem?.message).toMatch(/release in jira-software-users/);
      await lh.waitFor(key, () =>
        lh.jiraComments(key).some((c) => c.startsWith('ALERT: revoking this access keeps failing')),
      );
      const listed: string[] = [];
      await eventually(
        async () => {
          listed.length = 0;
          for await (const wf of lh.client.workflow.list({ query: `LeaseholdState = "RevocationFailing"` }))
            listed.push(wf.workflowId);
          return listed.includes(accessRequestWorkflowId(key));
        },
        30_000,
        'the visibility search',
      );
      expect(lh.sandboxes.okta.groupMembers('jira-software-users')).toContain('alice@example.com');
    } finally {
      lh.sandboxes.okta.faults.reset();
    }
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Expired');
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).not.toContain('alice@example.com');
  });
});
