import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { rulesJsonSchema } from '../../../src/cli/rules-schema';
import { parseRulesText } from '../../../src/policy/parse';
import { validateRules, type RuleProblem } from '../../../src/policy/validate';
import { editedRules, exampleRules, exampleRulesPath, fiveMistakes, type RawRules } from '../../fixtures/rules';

const rulesDir = path.dirname(exampleRulesPath);

const problemsOf = (doc: unknown): RuleProblem[] => {
  const result = validateRules(doc);
  return result.ok ? [] : result.problems;
};

describe('the rules document schema', () => {
  test('the example rules are valid, with the defaults filled in', () => {
    const result = parseRulesText(fs.readFileSync(exampleRulesPath, 'utf8'));
    if (!result.ok) throw new Error(`example rules rejected: ${JSON.stringify(result.problems)}`);
    expect(result.rules.applications.map((a) => a.name)).toEqual([
      'Jira Software',
      'Confluence',
      'GitHub',
      'AWS Production',
      'Salesforce',
      'Finance Reports',
      'Azure Production',
      'Bitbucket',
      'GitHub Teams',
      'Google Groups',
      'AWS Developer Sandbox',
    ]);
    expect(Object.keys(result.rules.connections)).toEqual([
      'jira',
      'okta',
      'entra',
      'atlassian',
      'github',
      'google',
      'aws',
    ]);
    const github = result.rules.applications[2]!.levels[0]!;
    expect(github.approval.deadline).toBe('3 days');
    expect(github.autoApprove).toBe(false);
    expect(result.rules.settings.requireSecondAdmin).toBe(false);
    expect(result.rules.portal.outcomes.granted).toBe('Access Granted');
    // `raw` is the document as written: no defaults added, secrets still references.
    expect((result.raw as RawRules).connections.okta).toEqual({
      type: 'okta',
      orgUrl: '${OKTA_ORG_URL:-http://127.0.0.1:8092}',
      token: { env: 'OKTA_API_TOKEN' },
    });
  });

  test('a document with five mistakes in five places yields exactly those five problems, each with its path', () => {
    const { doc, expected } = fiveMistakes();
    const problems = problemsOf(doc);
    expect(problems).toEqual(expected.map((e) => ({ path: e.path, message: expect.stringContaining(e.message) })));
  });

  test.each<[string, (d: RawRules) => void, RuleProblem[]]>([
    [
      'an inline client secret',
      (d) => {
        d.connections.entra.clientSecret = 'hunter2';
      },
      [{ path: 'connections.entra.clientSecret', message: expect.stringContaining('{ env: NAME } or { file: PATH }') }],
    ],
    [
      'a secret env reference that is not a variable name',
      (d) => {
        d.connections.okta.token = { env: 'okta token' };
      },
      [{ path: 'connections.okta.token.env', message: 'must be an environment variable name' }],
    ],
    [
      'an unknown key in a connection',
      (d) => {
        d.connections.okta.password = { env: 'X' };
      },
      [{ path: 'connections.okta', message: expect.stringContaining('"password"') }],
    ],
    [
      'a high-risk level without a maximum',
      (d) => {
        delete d.applications[0].levels[1].duration.max;
      },
      [
        {
          path: 'applications[0].levels[1].duration.max',
          message: 'high-risk access must be time-bound: set a max duration',
        },
      ],
    ],
    [
      'a duration that is not one',
      (d) => {
        d.applications[0].levels[0].duration.max = 'a quarter';
      },
      [{ path: 'applications[0].levels[0].duration.max', message: expect.stringContaining('not a duration') }],
    ],
    [
      'auto-approval above low risk',
      (d) => {
        d.applications[0].levels[0].autoApprove = true;
      },
      [
        {
          path: 'applications[0].levels[0].autoApprove',
          message: 'auto-approval is allowed for low risk only, not medium',
        },
      ],
    ],
    [
      'a duplicate access level of one application',
      (d) => {
        d.applications[4].levels[0].name = 'Admin';
      },
      [{ path: 'applications[4].levels[1].name', message: 'duplicate access level "Admin" of "Salesforce"' }],
    ],
    // Jira options are matched to rules case-insensitively, so "user" would shadow "User".
    [
      'a duplicate access level differing only in case',
      (d) => {
        d.applications[4].levels[0].name = 'admin';
      },
      [{ path: 'applications[4].levels[1].name', message: 'duplicate access level "Admin" of "Salesforce"' }],
    ],
    [
      'a duplicate application differing only in case',
      (d) => {
        d.applications[1].name = 'JIRA SOFTWARE';
      },
      [{ path: 'applications[1].name', message: 'duplicate application "JIRA SOFTWARE"' }],
    ],
    [
      'a level in an undefined connection',
      (d) => {
        d.applications[0].levels[0].connection = 'ldap';
      },
      [{ path: 'applications[0].levels[0].connection', message: 'unknown connection "ldap"' }],
    ],
    [
      'a level in the jira connection',
      (d) => {
        d.applications[0].levels[0].connection = 'jira';
      },
      [
        {
          path: 'applications[0].levels[0].connection',
          message: expect.stringContaining('"jira" is not a directory connection'),
        },
      ],
    ],
    [
      'an approver group in the jira connection',
      (d) => {
        d.applications[0].levels[0].approval.approvers.push({ group: 'jira-admins', connection: 'jira' });
      },
      [
        {
          path: 'applications[0].levels[0].approval.approvers[1].connection',
          message: expect.stringContaining('"jira" is not a directory connection'),
        },
      ],
    ],
    [
      'a portal on a directory connection',
      (d) => {
        d.portal.connection = 'okta';
      },
      [{ path: 'portal.connection', message: '"okta" is not a jira connection' }],
    ],
    [
      'a Jira status mapped to two decisions (in another case)',
      (d) => {
        d.portal.statusMapping.Denied.push('approved by manager');
      },
      [{ path: 'portal.statusMapping.Denied[1]', message: '"approved by manager" is already mapped to Approved' }],
    ],
    [
      'two approvals required where only the manager may approve',
      (d) => {
        d.applications[0].levels[1].approval.approvers = ['manager'];
      },
      [
        {
          path: 'applications[0].levels[1].approval.required',
          message: expect.stringContaining('needs 2 distinct approvers but only 1 can approve'),
        },
      ],
    ],
    [
      'two approvals required from the same named person listed twice',
      (d) => {
        d.applications[0].levels[1].approval.approvers = [{ user: 'dave@example.com' }, { user: 'Dave@example.com' }];
      },
      [
        {
          path: 'applications[0].levels[1].approval.required',
          message: expect.stringContaining('but only 1 can approve'),
        },
      ],
    ],
    [
      'an unknown schema version',
      (d) => {
        d.version = 2;
      },
      [{ path: 'version', message: expect.any(String) }],
    ],
  ])('%s is reported alone, at its path', (_name, edit, expected) => {
    expect(problemsOf(editedRules(edit))).toEqual(expected);
  });

  test('a bad connection type is reported once, not again at every level that uses it', () => {
    expect(
      problemsOf(
        editedRules((d) => {
          d.connections.okta.type = 'ldap';
        }),
      ),
    ).toEqual([{ path: 'connections.okta.type', message: expect.any(String) }]);
    expect(
      problemsOf(
        editedRules((d) => {
          delete d.connections;
        }),
      ),
    ).toEqual([{ path: 'connections', message: expect.any(String) }]);
  });

  test('a level with several problems reports all of them (an invalid field does not hide the others)', () => {
    const problems = problemsOf(
      editedRules((d) => {
        d.applications[0].levels[0].risk = 'severe';
        d.applications[0].levels[0].duration = { default: '100 days', max: '90 days' };
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'applications[0].levels[0].risk',
      'applications[0].levels[0].duration.default',
    ]);
  });

  test('group approvers allow any number of required approvals; file secret references are accepted', () => {
    expect(
      problemsOf(
        editedRules((d) => {
          d.applications[0].levels[1].approval = {
            approvers: [{ group: 'confluence-users', connection: 'okta' }],
            required: 3,
          };
          d.connections.okta.token = { file: '/run/secrets/okta-token' };
        }),
      ),
    ).toEqual([]);
  });

  test('reclaim and drift settings: an exclusion must be a group of the level; durations are checked', () => {
    const problems = problemsOf(
      editedRules((d) => {
        d.applications[0].levels[0].reclaim = { inactiveFor: '2 hours', exclude: ['jira-softwre-users'] };
        d.drift = { every: '10 seconds', missing: 'delete' };
      }),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'applications[0].levels[0].reclaim.inactiveFor',
        message: expect.stringContaining('at least a day'),
      }),
      expect.objectContaining({
        path: 'applications[0].levels[0].reclaim.exclude[0]',
        message: '"jira-softwre-users" is not one of this level\'s groups (jira-software-users)',
      }),
      expect.objectContaining({ path: 'drift.every' }),
      expect.objectContaining({ path: 'drift.missing' }),
    ]);
  });

  test('a YAML syntax error is reported with its line and column, and nothing else', () => {
    const text = fs.readFileSync(exampleRulesPath, 'utf8').replace('  project: ACCESS\n', '  project: ACCESS: x\n');
    const brokenLine = text.split('\n').indexOf('  project: ACCESS: x') + 1;
    expect(parseRulesText(text)).toEqual({
      ok: false,
      problems: [
        {
          path: '(document)',
          message: 'Nested mappings are not allowed in compact mappings',
          line: brokenLine,
          column: 12,
        },
      ],
    });
  });

  test('a key written twice is reported with its line', () => {
    const result = parseRulesText('version: 1\nversion: 1\n');
    expect(result).toEqual({
      ok: false,
      problems: [{ path: '(document)', message: expect.stringMatching(/unique/i), line: 2, column: 1 }],
    });
  });
});

describe('the JSON Schema for editors (`leasehold rules schema`)', () => {
  const ajv = new Ajv2020({ allErrors: true, formats: { email: /^[^\s@]+@[^\s@]+$/ } });
  const validate = ajv.compile(rulesJsonSchema() as object);

  test('is draft 2020-12 and validates the example rules', () => {
    expect((rulesJsonSchema() as { $schema?: string }).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ok = validate(exampleRules());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the committed rules/leasehold-rules.schema.json is what the zod schema gives (regenerate: npm run rules:schema)', () => {
    const committed: unknown = JSON.parse(fs.readFileSync(path.join(rulesDir, 'leasehold-rules.schema.json'), 'utf8'));
    expect(committed).toEqual(rulesJsonSchema());
  });

  test("the example rules' first line points editors at it", () => {
    const first = fs.readFileSync(exampleRulesPath, 'utf8').split('\n')[0]!;
    const target = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
    expect(target).toBe('./leasehold-rules.schema.json');
    expect(fs.existsSync(path.resolve(rulesDir, target!))).toBe(true);
  });

  test('rejects an obviously wrong document where it is wrong', () => {
    const doc = editedRules((d) => {
      d.connections.okta.token = 'inline-token';
      d.applications[0].levels[0].risk = 'severe';
      d.applications[1].owner = 42;
    });
    expect(validate(doc)).toBe(false);
    const where = new Set(validate.errors!.map((e) => e.instancePath));
    expect([...where]).toEqual(
      expect.arrayContaining(['/connections/okta/token', '/applications/0/levels/0/risk', '/applications/1/owner']),
    );
    expect(validate({ version: 1 })).toBe(false);
    expect(validate('rules')).toBe(false);
  });
});
