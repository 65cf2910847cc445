import { samplePerson } from '@leasehold/sandbox';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';
import type { ReclaimView } from '../../src/temporal/reclaim';
import type { SweepSummary } from '../../src/workflows/reclaim/types';
import { runCli } from '../harness/cli';
import { exampleRulesText } from '../harness/example-rules';
import { eventually, Leasehold } from '../harness/leasehold';

const DAY = 86_400_000;

/** Reclaim on Jira Software User (grace 8 s here); Confluence User reclaims too, but excludes its one group. */
function reclaimRules(): string {
  const text = exampleRulesText()
    .replace(
      '        groups: [jira-software-users]\n        risk: medium\n',
      '        groups: [jira-software-users]\n        risk: medium\n        reclaim: { inactiveFor: 30 days, grace: 8 seconds }\n',
    )
    .replace(
      '        groups: [confluence-users]\n        risk: low\n',
      '        groups: [confluence-users]\n        risk: low\n        reclaim: { inactiveFor: 30 days, grace: 8 seconds, exclude: [confluence-users] }\n',
    );
  expect(text.match(/reclaim:/g)).toHaveLength(3); // and the example's own, on AWS Production Admin
  return text;
}

/** Inactivity reclaim, end to end: the sweep, the notice in Jira, the grace period, the second check. */
describe('inactivity reclaim', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start({ rules: reclaimRules() });
  });
  afterAll(async () => {
    await lh?.stop();
  });

  /** Through the Okta sandbox's admin route: the person's last sign-in. */
  const signedIn = async (login: string, at: Date): Promise<void> => {
    const res = await fetch(`${lh.sandboxes.okta.url}/__sandbox/users/${login}/last-login`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ at: at.toISOString() }),
    });
    expect(res.status).toBe(200);
  };
  const cli = async <T>(args: string[]): Promise<T> => {
    const run = await runCli(lh, [...args, '-o', 'json']);
    expect(run).toEqual(expect.objectContaining({ exitCode: 0 }));
    return JSON.parse(run.stdout) as T;
  };

  test('inactive for 31 days: notified, then removed after the grace; signing in during the grace keeps it; an excluded group is untouched; a grant on the membership ends as revoked', async () => {
    // Alice holds Jira Software User through Leasehold; Bob and Erin were members before.
    const key = await lh.request({
      as: 'alice',
      app: 'Jira Software',
      level: 'User',
      duration: '20 seconds',
      why: 'work',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'bob');
    await lh.waitForState(key, 'Active');
    const monthAgo = new Date(Date.now() - 31 * DAY);
    for (const who of ['alice', 'bob', 'erin', 'carol']) await signedIn(`${who}@example.com`, monthAgo);

    const sweep = await cli<SweepSummary>(['reclaim', 'run']);
    const started = (who: string) => sweep.started.some((id) => id.endsWith(samplePerson(who).oktaId!));
    expect(['alice', 'bob', 'erin'].filter(started)).toEqual(['alice', 'bob', 'erin']);
    expect(sweep.started).toHaveLength(3); // carol's confluence-users is excluded, so not even read

    // Each gets a notice in the portal project; Bob signs in during his grace period.
    const notice = (who: string) =>
      lh.sandboxes.jira
        .issues()
        .find((i) => i.summary.startsWith(`Unused access: ${who}@example.com in jira-software-users`));
    await eventually(() => ['alice', 'bob', 'erin'].every((w) => notice(w)), 10_000, 'the notices');
    expect(notice('erin')!.description).toContain('has not signed in since');
    await signedIn('bob@example.com', new Date());

    const views = await eventually(
      async () => {
        const list = await cli<ReclaimView[]>(['reclaim', 'list']);
        return list.length === 3 && list.every((v) => v.status === 'COMPLETED') && list;
      },
      40_000,
      'the reclaims to end',
    );
    const of = (who: string) => views.find((v) => v.record?.person === `${who}@example.com`)!.record!;
    expect(of('erin')).toEqual(
      expect.objectContaining({
        outcome: 'removed',
        removal: expect.objectContaining({ idpAnswer: expect.objectContaining({ status: 204 }) }),
      }),
    );
    expect(of('bob')).toEqual(expect.objectContaining({ outcome: 'kept' }));
    expect(of('alice')).toEqual(
      expect.objectContaining({ outcome: 'removed', removal: expect.objectContaining({ endedGrants: [key] }) }),
    );

    const members = lh.sandboxes.okta.groupMembers('jira-software-users');
    expect(members).toContain('bob@example.com');
    expect(members).not.toContain('erin@example.com');
    expect(members).not.toContain('alice@example.com');
    expect(lh.sandboxes.okta.groupMembers('confluence-users')).toContain('carol@example.com');

    // Jira hears each outcome on the notice, with the evidence attached.
    const erinNotice = notice('erin')!.key;
    expect(lh.jiraComments(erinNotice).join('\n')).toContain(
      'Access removed: erin@example.com is no longer in jira-software-users',
    );
    expect(lh.jiraComments(notice('bob')!.key).join('\n')).toContain('Access kept: bob@example.com signed in at');
    expect(lh.sandboxes.jira.attachments(erinNotice).map((a) => a.filename)).toEqual([
      'reclaim-erin@example.com-jira-software-users.json',
    ]);

    // Alice's grant ended with the membership: revoked, saying by what and why.
    const evidence = await lh.result<EvidenceRecord>(key);
    expect(evidence.outcome).toBe('Revoked');
    expect(evidence.revocation).toEqual(
      expect.objectContaining({ reason: 'membership-removed', by: `inactivity reclaim (${notice('alice')!.key})` }),
    );
    expect(evidence.groupChanges.map((c) => c.action)).toEqual(['added', 'removed', 'kept']);
  });
});
