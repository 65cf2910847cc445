import { stringify } from 'yaml';
import { locateInText, parseRulesText, problemLine } from '../../../src/policy/parse';
import type { RuleProblem } from '../../../src/policy/validate';
import { editedRules, type RawRules } from '../../fixtures/rules';

/** The document as YAML, and the 1-based line of the first line that contains `needle`. */
function yamlOf(doc: RawRules): { text: string; lineOf: (needle: string, after?: number) => number } {
  const text = stringify(doc);
  const lines = text.split('\n');
  return {
    text,
    lineOf: (needle, after = 0) => lines.findIndex((l, i) => i >= after && l.includes(needle)) + 1,
  };
}

const problems = (text: string): RuleProblem[] => {
  const result = parseRulesText(text);
  if (result.ok) throw new Error('expected the document to be rejected');
  return result.problems;
};

describe('every problem of a rejected rules document has its line and column', () => {
  test('a YAML syntax error: its own position', () => {
    expect(problems('version: 1\nportal:\n  project: ACCESS: x\n')).toEqual([
      { path: '(document)', message: 'Nested mappings are not allowed in compact mappings', line: 3, column: 12 },
    ]);
  });

  test('a key written twice: the second one', () => {
    expect(problems('version: 1\nversion: 1\n')).toEqual([
      { path: '(document)', message: expect.stringMatching(/unique/i), line: 2, column: 1 },
    ]);
  });

  test('a schema problem: the value at its path (a flow mapping inside a block sequence)', () => {
    const text = [
      'version: 1',
      'connections:',
      '  okta: { type: okta, orgUrl: "https://o.example", token: { env: OKTA_TOKEN } }',
      '  jira: { type: jira, site: "https://j.example", email: a@b.io, apiToken: { env: T } }',
      'portal: { connection: jira, project: A, statusMapping: {} }',
      'applications:',
      '  - name: App',
      '    owner: o@example.com',
      '    levels:',
      '      - name: User',
      '        connection: okta',
      '        groups: [g]',
      '        risk: medium',
      '        approval: { approvers: [manager] }',
      '        duration: { default: 1 day, max: forever }',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      {
        path: 'applications[0].levels[0].duration.max',
        message: expect.stringContaining('not a duration'),
        line: 15,
        column: 42, // "forever"
      },
    ]);
  });

  test('an unknown connection (a cross-reference) and a bad risk, each where it is', () => {
    const { text, lineOf } = yamlOf(
      editedRules((d) => {
        d.applications[1].levels[0].connection = 'octa';
        d.applications[3].levels[1].risk = 'severe';
      }),
    );
    const confluence = lineOf('name: Confluence');
    const aws = lineOf('name: AWS Production');
    expect(problems(text)).toEqual([
      { path: 'applications[3].levels[1].risk', message: expect.any(String), line: lineOf('risk: severe'), column: 15 },
      {
        path: 'applications[1].levels[0].connection',
        message: 'unknown connection "octa"',
        line: lineOf('connection: octa', confluence),
        column: 21,
      },
    ]);
    expect(aws).toBeGreaterThan(confluence);
  });

  test('a missing key: the mapping it is missing from', () => {
    const { text, lineOf } = yamlOf(
      editedRules((d) => {
        delete d.applications[0].owner;
      }),
    );
    expect(problems(text)).toEqual([
      { path: 'applications[0].owner', message: expect.any(String), line: lineOf('- name: Jira Software'), column: 5 },
    ]);
  });

  test("apply-time problems (paths only, from the workflow) are located in the file's text", () => {
    const { text, lineOf } = yamlOf(editedRules(() => {}));
    expect(
      locateInText(text, [{ path: 'applications[0].levels[0].groups[0]', message: 'group "x" does not exist' }]),
    ).toEqual([
      {
        path: 'applications[0].levels[0].groups[0]',
        message: 'group "x" does not exist',
        line: lineOf('- jira-software-users'),
        column: 13,
      },
    ]);
  });

  test('printed as FILE:LINE:COLUMN: PATH: MESSAGE', () => {
    expect(problemLine('rules.yaml', { path: 'a.b', message: 'bad', line: 12, column: 5 })).toBe(
      'rules.yaml:12:5: a.b: bad',
    );
    expect(problemLine('rules.yaml', { path: '(document)', message: 'syntax', line: 3, column: 1 })).toBe(
      'rules.yaml:3:1: syntax',
    );
    expect(problemLine('rules.yaml', { path: 'a', message: 'unlocated' })).toBe('rules.yaml: a: unlocated');
  });
});
