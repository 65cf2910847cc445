import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';
import { runCli } from '../harness/cli';
import { eventually, Leasehold } from '../harness/leasehold';
import { editedRules, writeRules } from '../fixtures/rules';

/**
 * A request is judged by the rules version it started under, to its end: applying new rules while it
 * waits changes neither who may approve it nor what it grants, and its evidence names that version.
 */
describe('a running request keeps the rules version it started with', () => {
  let lh: Leasehold;
  let dir: string;
  beforeAll(async () => {
    lh = await Leasehold.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-pinned-'));
  });
  afterAll(async () => {
    await lh?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("v2 hands Jira Software / User to the owner with a 2-second maximum; the v1 request still takes bob's approval and its 3 seconds", async () => {
    // v1 (the example rules): the requester's manager approves; at most 90 days.
    const alices = await lh.request({
      as: 'alice',
      app: 'Jira Software',
      level: 'User',
      duration: '3 seconds',
      why: 'started under v1',
    });
    const waiting = await lh.waitForState(alices, 'AwaitingApproval');
    expect(waiting.rule).toEqual(expect.objectContaining({ version: 1, application: 'Jira Software' }));
    expect(waiting.rule!.level.approval.approvers).toEqual(['manager']);

    const v2 = writeRules(
      dir,
      'v2.yaml',
      editedRules((d) => {
        const level = d.applications[0].levels[0];
        level.approval = { approvers: ['app-owner'], required: 1 };
        level.duration = { default: '2 seconds', max: '2 seconds' };
      }),
    );
    const applied = await runCli(lh, ['rules', 'apply', v2, '--as', 'dave', '-m', 'owner approves Jira users']);
    expect(applied.stdout).toMatch(/^rules v2 is now active/);
    expect((await lh.rules.current())?.version).toBe(2);

    // A request raised now is under v2: bob, the manager, no longer counts and the grant is capped.
    const erins = await lh.request({
      as: 'erin',
      app: 'Jira Software',
      level: 'User',
      duration: '3 seconds',
      why: 'started under v2',
    });
    const erinWaiting = await lh.waitForState(erins, 'AwaitingApproval');
    expect(erinWaiting.rule?.version).toBe(2);
    expect(erinWaiting).toEqual(expect.objectContaining({ grantedDurationMs: 2_000, durationCapped: true }));
    await lh.move(erins, 'Approved by Manager', 'bob');
    const ignored = await lh.waitFor(erins, (s) => s.ignored.length > 0);
    expect(ignored.state).toBe('AwaitingApproval');
    expect(ignored.ignored[0]).toEqual(
      expect.objectContaining({
        email: 'bob@example.com',
        reason: expect.stringContaining('not an authorized approver (allowed: app-owner)'),
      }),
    );

    // The v1 request: bob's approval counts as it did when it started, and it keeps its 3 seconds.
    expect((await lh.state(alices)).rule?.version).toBe(1);
    await lh.move(alices, 'Approved by Manager', 'bob');
    const active = await lh.waitForState(alices, 'Active');
    expect(active.approvals).toEqual([expect.objectContaining({ email: 'bob@example.com', as: 'manager' })]);
    expect(active).toEqual(expect.objectContaining({ grantedDurationMs: 3_000, durationCapped: false }));
    expect(active.rule).toEqual(expect.objectContaining({ version: 1 }));
    expect(active.rule!.level.duration).toEqual({ default: '30 days', max: '90 days' });

    // The v2 request needs the owner.
    await eventually(() => lh.jiraIssue(erins).status === 'Waiting for approval', 30_000, `${erins} back to waiting`);
    await lh.move(erins, 'Approved by Manager', 'carol');
    const erinActive = await lh.waitForState(erins, 'Active');
    expect(erinActive.approvals).toEqual([expect.objectContaining({ email: 'carol@example.com', as: 'app-owner' })]);

    const evidence = await lh.result<EvidenceRecord>(alices);
    expect(evidence.outcome).toBe('Expired');
    expect(evidence.ruleVersion).toBe(1);
    expect(evidence.rule).toEqual(expect.objectContaining({ application: 'Jira Software', connection: 'okta' }));
    expect(evidence.rule!.level.approval.approvers).toEqual(['manager']);
    expect(evidence.rule!.level.duration.max).toBe('90 days');
    expect(Date.parse(evidence.expiresAt!) - Date.parse(evidence.grantedAt!)).toBe(3_000);

    const erinEvidence = await lh.result<EvidenceRecord>(erins);
    expect(erinEvidence.ruleVersion).toBe(2);
    expect(erinEvidence.rule!.level.approval.approvers).toEqual(['app-owner']);
    expect(erinEvidence.ignoredEvents).toEqual([expect.objectContaining({ email: 'bob@example.com' })]);
  });
});
