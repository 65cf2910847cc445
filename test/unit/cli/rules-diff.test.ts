import { parse } from 'yaml';
import { rulesDiff } from '../../../src/cli/rules-diff';
import { editedRules, exampleRules } from '../../fixtures/rules';

describe('rulesDiff (`leasehold rules diff`)', () => {
  test('equal documents: no lines', () => {
    expect(rulesDiff(exampleRules(), exampleRules())).toEqual([]);
  });

  test('a changed maximum: one unified hunk with 2 lines of context, headed by its path and names', () => {
    const after = editedRules((d) => {
      d.applications[0].levels[0].duration.max = '60 days';
    });
    const lines = rulesDiff(exampleRules(), after);
    expect(lines).toHaveLength(1 + 2 + 2 + 2);
    expect(lines[0]).toMatch(
      /^@@ -\d+,5 \+\d+,5 @@ applications\[0\]\.levels\[0\]\.duration\.max \(Jira Software \/ User\)$/,
    );
    expect(lines.filter((l) => /^[-+]/.test(l))).toEqual(['-          max: 90 days', '+          max: 60 days']);
    expect(lines.slice(1, 3).every((l) => l.startsWith(' '))).toBe(true);
  });

  test('changes far apart are separate hunks, each located (items of nested sequences counted)', () => {
    const after = editedRules((d) => {
      d.connections.okta.orgUrl = 'https://example.okta.com';
      d.applications[4].levels[1].approval.approvers.push({ user: 'erin@example.com' });
      d.applications[6].levels[0].groups = ['Azure-Prod-Owners'];
    });
    const headers = rulesDiff(exampleRules(), after).filter((l) => l.startsWith('@@'));
    expect(headers.map((h) => h.replace(/^@@ [^@]+ @@ /, ''))).toEqual([
      'connections.okta.orgUrl',
      'applications[4].levels[1].approval.approvers[2].user (Salesforce / Admin)',
      'applications[6].levels[0].groups[0] (Azure Production / Admin)',
    ]);
  });

  test('no rules yet: everything is added, and the added text is the YAML of the document', () => {
    const lines = rulesDiff(undefined, exampleRules());
    expect(lines[0]).toMatch(/^@@ -0,0 \+1,\d+ @@ version$/);
    const added = lines.slice(1).map((l) => l.slice(1));
    expect(parse(added.join('\n'))).toEqual(exampleRules());
  });
});
