import { Leasehold } from '../harness/leasehold';
import { evidenceFromHistory } from '../../src/evidence/from-history';
import { extendUpdate, revokeNowUpdate } from '../../src/workflows/access-request/messages';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';
import { accessRequestWorkflowId } from '../../src/workflows/ids';

/** Ending access early and moving its end: operators, removal requests, change requests, Jira. */
describe('early revocation and extension', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });
  const handle = (key: string) => lh.client.workflow.getHandle(accessRequestWorkflowId(key));

  async function activeGrant(app: string, level: string, duration: string): Promise<string> {
    const key = await lh.request({ as: 'alice', app, level, duration, why: 'work' });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.approve(key, 'bob');
    await lh.waitForState(key, 'Active');
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Granted');
    return key;
  }

  test('an operator revokes now; the evidence (also rebuilt from the history alone) records who and why', async () => {
    const key = await activeGrant('Finance Reports', 'Read-only', '1 day');
    expect(lh.sandboxes.entra.isMember('Finance-Reports', 'alice@example.com')).toBe(true);
    await handle(key).executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'left the project' }] });

    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Revoked');
    expect(evidence.revocation).toEqual(expect.objectContaining({ reason: 'operator', by: 'dave' }));
    expect(lh.sandboxes.entra.isMember('Finance-Reports', 'alice@example.com')).toBe(false);
    await lh.waitFor(key, () => lh.jiraIssue(key).status === 'Access Revoked');

    const rebuilt = await evidenceFromHistory(lh.client, accessRequestWorkflowId(key));
    expect(rebuilt).toEqual(evidence);
  });

  test('a revocation update on a closed request is rejected', async () => {
    const key = await activeGrant('Finance Reports', 'Read-only', '1 day');
    await handle(key).executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'done' }] });
    await lh.result(key);
    await expect(
      handle(key).executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'again' }] }),
    ).rejects.toThrow();
  });

  test('moving the issue to "Access Revoked" in Jira revokes, recording who did it', async () => {
    const key = await activeGrant('Jira Software', 'User', '1 day');
    await lh.move(key, 'Access Revoked', 'carol');
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.revocation).toEqual(
      expect.objectContaining({ reason: 'revoked-in-jira', by: 'carol@example.com' }),
    );
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).not.toContain('alice@example.com');
  });

  test('a Request Access Removal for the same access revokes the grant and closes both issues', async () => {
    const key = await activeGrant('AWS Production', 'Read-only', '1 day');
    const removal = await lh.request({
      as: 'alice',
      app: 'AWS Production',
      level: 'Read-only',
      type: 'Request Access Removal',
      why: 'no longer needed',
    });
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.revocation).toEqual(expect.objectContaining({ reason: 'removal-request', issueKey: removal }));
    expect(lh.sandboxes.okta.groupMembers('aws-prod-readonly')).not.toContain('alice@example.com');
    await lh.waitFor(
      key,
      () => lh.jiraIssue(removal).status === 'Access Revoked' && lh.jiraIssue(key).status === 'Access Revoked',
    );
  });

  test('a Request Access Change, approved by the manager, extends the grant within the maximum', async () => {
    const key = await activeGrant('Salesforce', 'User', '1 hour');
    const before = await lh.state(key);
    const change = await lh.request({
      as: 'alice',
      app: 'Salesforce',
      level: 'User',
      type: 'Request Access Change',
      duration: '1 day',
      why: 'project extended',
    });
    await lh.waitFor(key, () => lh.jiraComments(change).some((c) => c.startsWith('Change request')));
    await lh.move(change, 'Approved by Manager', 'bob');
    const extended = await lh.waitFor(key, (s) => s.extensions.length === 1);
    expect(Date.parse(extended.expiresAt!) - Date.parse(extended.grantedAt!)).toBe(24 * 3600_000);
    expect(extended.extensions[0]).toEqual(
      expect.objectContaining({ issueKey: change, from: before.expiresAt, to: extended.expiresAt }),
    );
    await lh.waitFor(key, () => lh.jiraIssue(change).status === 'Access Granted');

    // An operator extension beyond the maximum (90 days) is capped at it.
    const capped = await handle(key).executeUpdate(extendUpdate, {
      args: [{ operator: 'dave', reason: 'audit season', duration: '200 days' }],
    });
    expect(Date.parse(capped.expiresAt!) - Date.parse(capped.grantedAt!)).toBe(90 * 24 * 3600_000);
    expect(capped.extensions.at(-1)?.capped).toBe(true);
    await handle(key).executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'cleanup' }] });
    await lh.result(key);
  });
});
