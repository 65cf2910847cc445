import { gatewayAs } from '../../src/cli/demo-commands';
import type { CampaignView } from '../../src/temporal/reviews';
import type { EvidenceRecord } from '../../src/workflows/access-request/types';
import { reviewItemStateQuery } from '../../src/workflows/review/messages';
import type { ReviewItemRecord, ReviewItemState } from '../../src/workflows/review/types';
import { reviewItemWorkflowId } from '../../src/workflows/ids';
import { runCli } from '../harness/cli';
import { exampleRulesText } from '../harness/example-rules';
import { eventually, Leasehold } from '../harness/leasehold';
import { oktaAdmin } from '../harness/okta-admin';

/** A campaign over Jira Software User (Okta) and Salesforce User (Entra), reviewed by managers. */
const reviewRules = (): string =>
  `${exampleRulesText().split('\n# Access reviews:')[0]}
reviews:
  - name: quarterly
    scope:
      - { application: Jira Software, levels: [User] }
      - { application: Salesforce, levels: [User] }
    reviewers: [manager]
    length: 50 seconds
    remindEvery: 30 seconds
    undecided: revoke
`;

/**
 * Access reviews end to end: the campaign reads the current members from Okta and Entra, opens an item
 * per (person, access) in Jira with its context, counts only the reviewer's decisions, enforces revokes
 * through the leases, applies the default at the end, and attaches the record.
 */
describe('access review campaign', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start({ rules: reviewRules() });
  });
  afterAll(async () => {
    await lh?.stop();
  });

  const cli = async (args: string[]) => {
    const run = await runCli(lh, args);
    expect(run).toEqual(expect.objectContaining({ exitCode: 0 }));
    return run.stdout;
  };
  const item = (person: string, group: string) =>
    lh.sandboxes.jira
      .issues()
      .find(
        (i) =>
          i.summary.startsWith('Access review: ') &&
          new RegExp(`^Person: .*<${person}>$`, 'm').test(i.description ?? '') &&
          i.description!.includes(`group ${group} `),
      );
  const itemState = (key: string) =>
    lh.client.workflow.getHandle(reviewItemWorkflowId(key)).query(reviewItemStateQuery) as Promise<ReviewItemState>;
  /** A person comments (their justification), then moves the item. */
  const decide = async (key: string, status: string, as: string, why?: string) => {
    if (why) await (await gatewayAs(as, lh.sandboxes.jira.url)).addComment(key, why);
    await lh.move(key, status, as);
  };
  /** A move that must not count: the item records it and goes back to waiting. */
  const ignoredMove = async (key: string, status: string, as: string, why?: string) => {
    const before = (await itemState(key)).ignored;
    await decide(key, status, as, why);
    await eventually(
      async () => (await itemState(key)).ignored > before && lh.jiraIssue(key).status === 'Waiting for review',
      20_000,
      `${as}'s move on ${key} to be ignored`,
    );
  };

  test('items with context in Jira; only the reviewer counts; revokes are enforced in Okta and Entra; the default applies at the end; the CSV evidence is attached', async () => {
    // Alice gets Jira Software User through Leasehold; Erin asks for it too, already a member (pre-existing).
    const alice = await lh.request({
      as: 'alice',
      app: 'Jira Software',
      level: 'User',
      duration: '1 day',
      why: 'sprint work',
    });
    const erin = await lh.request({
      as: 'erin',
      app: 'Jira Software',
      level: 'User',
      duration: '1 day',
      why: 'reports',
    });
    for (const key of [alice, erin]) {
      await lh.waitForState(key, 'AwaitingApproval');
      await lh.move(key, 'Approved by Manager', 'bob');
      await lh.waitForState(key, 'Active');
    }
    // Frank is added directly in Okta, outside Leasehold.
    await oktaAdmin(lh).add('frank@example.com', 'jira-software-users');

    await cli(['review', 'start', 'quarterly']);
    // Okta jira-software-users: alice (granted), erin (pre-existing), bob (outside), frank (added outside);
    // Entra SF-User: bob, carol, erin.
    await eventually(
      async () => {
        const view = JSON.parse(await cli(['review', 'show', 'quarterly', '-o', 'json'])) as CampaignView;
        return view.state?.phase === 'reviewing' && view.state.items.length === 7 && view;
      },
      30_000,
      'the campaign to open its items',
    );
    const okta = (who: string) => item(`${who}@example.com`, 'jira-software-users')!;
    const entra = (who: string) => item(`${who}@example.com`, 'SF-User')!;
    expect(['alice', 'erin', 'bob', 'frank'].map((w) => !!okta(w))).toEqual([true, true, true, true]);
    expect(['bob', 'carol', 'erin'].map((w) => !!entra(w))).toEqual([true, true, true]);

    // The context a reviewer needs.
    const aliceItem = okta('alice');
    expect(aliceItem.requestType).toBe('Access Review');
    expect(aliceItem.status).toBe('Waiting for review');
    expect(aliceItem.description).toContain('Department: Engineering');
    expect(aliceItem.description).toContain('Title: Software Engineer');
    expect(aliceItem.description).toMatch(/Manager: .*<bob@example.com>/);
    expect(aliceItem.description).toContain('Last sign-in:');
    expect(aliceItem.description).toContain(
      `Obtained: granted by Leasehold: ${alice} (approved by bob@example.com, expires `,
    );
    expect(aliceItem.description).toContain('Recommendation:');
    expect(okta('erin').description).toContain("Obtained: a member before Leasehold's first grant on it");
    expect(okta('frank').description).toContain('Obtained: outside Leasehold');

    // Not the reviewer, or the person under review: recorded, changes nothing.
    await ignoredMove(aliceItem.key, 'Keep', 'alice');
    await ignoredMove(aliceItem.key, 'Revoke', 'carol', 'not needed');
    // The reviewer's revoke without a justification does not count either.
    await ignoredMove(okta('frank').key, 'Revoke', 'carol');
    expect(lh.sandboxes.okta.groupMembers('jira-software-users')).toContain('alice@example.com');

    // Decisions that count: Bob (Alice's and Erin's manager) revokes, Dave keeps Bob, Carol revokes Frank.
    await decide(aliceItem.key, 'Revoke', 'bob', 'moved to another team');
    await decide(okta('erin').key, 'Revoke', 'bob', 'no longer needs Jira');
    await decide(okta('bob').key, 'Keep', 'dave');
    await decide(okta('frank').key, 'Revoke', 'carol', 'contractor, access was never approved');
    await decide(entra('erin').key, 'Revoke', 'bob', 'left the sales project');
    await decide(entra('bob').key, 'Keep', 'dave');
    // Carol's Salesforce item stays undecided: the default (revoke) applies at the end.

    const view = await eventually(
      async () => {
        const v = JSON.parse(await cli(['review', 'show', 'quarterly', '-o', 'json'])) as CampaignView;
        return v.record && v;
      },
      90_000,
      'the campaign to end',
    );
    const record = view.record!;
    const of = (who: string, group: string) =>
      record.items.find((i) => i.person === `${who}@example.com` && i.group === group)!;
    const removed = (r: ReviewItemRecord) => r.enforcement?.outcome === 'removed' && r.enforcement.idpAnswer?.status;
    expect(of('alice', 'jira-software-users')).toEqual(
      expect.objectContaining({
        decision: 'revoke',
        decidedBy: 'reviewer',
        reviewer: 'bob@example.com',
        justification: 'moved to another team',
      }),
    );
    expect(of('alice', 'jira-software-users').ignored.map((i) => i.reason)).toEqual([
      'alice@example.com is the person under review',
      expect.stringContaining('carol@example.com is not a reviewer of this item'),
    ]);
    expect(of('frank', 'jira-software-users').ignored[0]!.reason).toContain('a revoke needs a justification');
    expect(removed(of('alice', 'jira-software-users'))).toBe(204);
    expect(removed(of('erin', 'jira-software-users'))).toBe(204);
    expect(removed(of('frank', 'jira-software-users'))).toBe(204);
    expect(removed(of('erin', 'SF-User'))).toBe(204);
    expect(of('bob', 'jira-software-users')).toEqual(
      expect.objectContaining({ decision: 'keep', reviewer: 'dave@example.com' }),
    );
    expect(of('carol', 'SF-User')).toEqual(expect.objectContaining({ decision: 'revoke', decidedBy: 'default' }));
    expect(removed(of('carol', 'SF-User'))).toBe(204);

    // Enforced and verified in the directories.
    expect(lh.sandboxes.okta.groupMembers('jira-software-users').sort()).toEqual(['bob@example.com']);
    expect(lh.sandboxes.entra.isMember('SF-User', 'bob@example.com')).toBe(true);
    expect(lh.sandboxes.entra.isMember('SF-User', 'erin@example.com')).toBe(false);
    expect(lh.sandboxes.entra.isMember('SF-User', 'carol@example.com')).toBe(false);

    // Alice's and Erin's grants ended with their memberships: revoked by the review.
    const evidence = await lh.result<EvidenceRecord>(alice);
    expect(evidence.outcome).toBe('Revoked');
    expect(evidence.revocation).toEqual(
      expect.objectContaining({ reason: 'membership-removed', by: expect.stringContaining('access review quarterly') }),
    );
    expect(of('alice', 'jira-software-users').enforcement?.endedGrants).toEqual([alice]);
    expect((await lh.result<EvidenceRecord>(erin)).outcome).toBe('Revoked');

    // The items show the outcome; the campaign issue carries the record as JSON and CSV.
    expect(lh.jiraComments(aliceItem.key).join('\n')).toContain(
      'Decided by bob@example.com: revoke ("moved to another team")',
    );
    expect(lh.jiraIssue(entra('carol').key).status).toBe('Revoke');
    expect(lh.jiraComments(entra('carol').key).join('\n')).toContain('Reminder: this access review is undecided');
    const files = lh.sandboxes.jira.attachments(record.issueKey);
    expect(files.map((f) => f.filename).sort()).toEqual([
      `review-quarterly-${record.startedAt.slice(0, 10)}.csv`,
      `review-quarterly-${record.startedAt.slice(0, 10)}.json`,
    ]);
    const csv = files
      .find((f) => f.filename.endsWith('.csv'))!
      .content.toString('utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toMatch(
      /^item,person,access,group,connection,obtained,recommendation,reviewer,decision,decided_by,decided_at,justification,enforced,idp_answer/,
    );
    expect(csv).toHaveLength(8);
    expect(csv.find((l) => l.startsWith(`${entra('carol').key},`))).toContain('revoke,default,');
    expect(await cli(['review', 'export', 'quarterly'])).toBe(
      files.find((f) => f.filename.endsWith('.csv'))!.content.toString('utf8'),
    );
  });
});
