import { campaignCsv } from '../../../src/evidence/review-csv';
import { validateRules } from '../../../src/policy/validate';
import type { CampaignRecord } from '../../../src/workflows/review/types';
import { editedRules, exampleRules } from '../../fixtures/rules';

const problemsOf = (doc: unknown) => {
  const result = validateRules(doc);
  return result.ok ? [] : result.problems;
};

describe('review campaigns in the rules', () => {
  test('the example campaign is valid, with its defaults', () => {
    const result = validateRules(exampleRules());
    expect(result.ok && result.rules.reviews[0]).toEqual(
      expect.objectContaining({ name: 'quarterly-production', length: '14 days', undecided: 'recommendation' }),
    );
  });

  test('rejected whole, with the path of each problem', () => {
    const problems = problemsOf(
      editedRules((d) => {
        d.reviews = [
          {
            name: 'Quarterly',
            scope: [{ application: 'Jira Softwre' }, { application: 'Salesforce', levels: ['Owner'] }],
            reviewers: ['manager'],
          },
          {
            name: 'groups',
            scope: [
              { connection: 'okta', groups: ['aws-prod-admin'] },
              { connection: 'nowhere', groups: ['x'] },
            ],
            reviewers: ['app-owner', { group: 'auditors', connection: 'jira' }],
            every: '7 days',
            length: '14 days',
            undecided: 'maybe',
          },
          { name: 'groups', scope: [{ application: 'GitHub' }], reviewers: [] },
        ];
      }),
    );
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^reviews\[0\]\.name: campaign names are lower-case/),
        'reviews[0].scope[0].application: no application "Jira Softwre"',
        'reviews[0].scope[1].levels[0]: "Owner" is not an access level of "Salesforce"',
        expect.stringMatching(/^reviews\[1\]\.undecided: /),
        expect.stringMatching(/^reviews\[1\]\.scope\[1\]\.connection: unknown connection "nowhere"/),
        expect.stringMatching(/^reviews\[1\]\.reviewers\[0\]: app-owner reviews applications/),
        expect.stringMatching(/^reviews\[1\]\.reviewers\[1\]\.connection: "jira" is not a directory connection/),
        'reviews[1].length: a campaign of 14 days would still run when the next one starts (every 7 days)',
        'reviews[2].name: duplicate campaign "groups"',
        expect.stringMatching(/^reviews\[2\]\.reviewers: /),
      ]),
    );
    expect(problems).toHaveLength(10);
  });
});

describe('the campaign record as CSV', () => {
  test('one row per item, commas, quotes and new lines quoted', () => {
    const record = {
      items: [
        {
          item: 'ACCESS-7',
          person: 'erin@example.com',
          access: 'Salesforce (Admin): SF-Admin',
          group: 'SF-Admin',
          connection: 'entra',
          obtained: { kind: 'outside', grants: [], text: 'outside Leasehold' },
          recommendation: { decision: 'revoke', reason: 'no sign-in for 90d' },
          reviewers: ['manager bob@example.com'],
          decision: 'revoke',
          decidedBy: 'reviewer',
          reviewer: 'bob@example.com',
          at: '2026-12-04T10:00:00.000Z',
          justification: 'left the team, "finance" project\nended',
          ignored: [
            {
              eventId: 'e',
              accountId: 'a',
              email: 'erin@example.com',
              status: 'Keep',
              at: '',
              reason: 'the person under review',
            },
          ],
          enforcement: {
            outcome: 'removed',
            at: '',
            verifiedAt: '2026-12-04T10:00:01.000Z',
            idpAnswer: { status: 204, requestId: 'r-1' },
            endedGrants: ['ACCESS-3'],
          },
        },
      ],
    } as unknown as CampaignRecord;
    const [header, ...rows] = campaignCsv(record)
      .trimEnd()
      .split(/\n(?=ACCESS-)/);
    expect(header).toContain('item,person,access,group,connection,obtained,recommendation,reviewer,decision');
    expect(rows).toEqual([
      'ACCESS-7,erin@example.com,Salesforce (Admin): SF-Admin,SF-Admin,entra,outside Leasehold,revoke: no sign-in for 90d,bob@example.com,revoke,reviewer,2026-12-04T10:00:00.000Z,"left the team, ""finance"" project\nended",removed,204 (r-1),2026-12-04T10:00:01.000Z,ACCESS-3,erin@example.com: the person under review',
    ]);
  });
});
