import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { parse } from 'yaml';
import { validateRules } from '../../src/policy/validate';
import { readOnlyApp } from '@leasehold/sandbox';
import type { RulesVersionSummary } from '../../src/workflows/policy/types';
import { runCli, type CliRun } from '../harness/cli';
import { Leasehold } from '../harness/leasehold';
import {
  editedRules,
  exampleRules,
  exampleRulesPath,
  fiveMistakes,
  writeRules,
  type RawRules,
} from '../fixtures/rules';

/** A problem line as the CLI prints it: `FILE:LINE:COLUMN: PATH: MESSAGE` (whole, or starting with `rest`). */
const located = (file: string, rest: string, whole = true): unknown => {
  const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return expect.stringMatching(new RegExp(`^${esc(file)}:\\d+:\\d+: ${esc(rest)}${whole ? '$' : ''}`));
};

/** `leasehold rules …` and `leasehold connections test` as an admin runs them, against a running Leasehold. */
describe('the rules and connections commands', () => {
  let lh: Leasehold;
  let dir: string;
  const started = Date.now();

  beforeAll(async () => {
    lh = await Leasehold.start({ starter: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-rules-cli-'));
  });
  afterAll(async () => {
    await lh?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], env?: Record<string, string | undefined>): Promise<CliRun> => runCli(lh, args, env);
  const file = (name: string, doc: RawRules): string => writeRules(dir, name, doc);
  const history = async (): Promise<RulesVersionSummary[]> => {
    const run = await cli(['rules', 'history', '--json']);
    expect(run.exitCode).toBe(0);
    return JSON.parse(run.stdout) as RulesVersionSummary[];
  };
  const activeVersion = async (): Promise<number | undefined> => (await lh.rules.current())?.version;
  /** `rules show --json` of the active version, compared with what validation makes of a document. */
  const expectActive = async (doc: RawRules): Promise<void> => {
    const parsed = validateRules(doc);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const shown = await cli(['rules', 'show', '--json']);
    expect(shown.exitCode).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual(parsed.rules);
  };
  // The version-2 change most tests build on: Jira Software users may have at most 60 days.
  const shorterJira = (): RawRules =>
    editedRules((d) => {
      d.applications[0].levels[0].duration.max = '60 days';
    });

  test('`rules schema` prints a JSON Schema that validates rules/example.yaml', async () => {
    const run = await cli(['rules', 'schema']);
    expect(run.exitCode).toBe(0);
    const validate = new Ajv2020({ allErrors: true, formats: { email: /^[^\s@]+@[^\s@]+$/ } }).compile(
      JSON.parse(run.stdout) as object,
    );
    expect(validate(exampleRules())).toBe(true);
    expect(
      validate(
        editedRules((d) => {
          d.connections.okta.token = 'inline';
        }),
      ),
    ).toBe(false);
  });

  test('`rules validate` accepts the example rules', async () => {
    const run = await cli(['rules', 'validate', exampleRulesPath]);
    expect(run).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: `${exampleRulesPath} is valid: 11 applications, 14 access levels, 7 connections\n`,
    });
  });

  test('`rules validate` of a document with 5 mistakes prints the 5 problems with their paths and exits non-zero; `rules apply` of it changes nothing', async () => {
    const { doc, expected } = fiveMistakes();
    const bad = file('five-mistakes.yaml', doc);
    const before = await history();

    const validated = await cli(['rules', 'validate', bad]);
    expect(validated.exitCode).not.toBe(0);
    expect(validated.stdout).toBe('');
    const lines = validated.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`${bad}: 5 problems`);
    expect(lines.slice(1)).toHaveLength(5);
    lines.slice(1).forEach((line, i) => {
      expect(line).toEqual(located(bad, `${expected[i]!.path}: `, false));
      expect(line).toContain(expected[i]!.message);
    });

    const applied = await cli(['rules', 'apply', bad, '--as', 'erin-admin']);
    expect(applied.exitCode).not.toBe(0);
    expect(applied.stderr).toBe(validated.stderr);
    expect(applied.stdout).toBe('');
    expect(await history()).toEqual(before);
    expect(await activeVersion()).toBe(1);
  });

  test('the policy workflow itself rejects an invalid document whole (the update validator), whoever submits it', async () => {
    const before = await history();
    const { doc, expected } = fiveMistakes();
    const rejected = await lh.rules.submit({ document: doc, submittedBy: 'script' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(rejected).toBeInstanceOf(WorkflowUpdateFailedError);
    const reason = (rejected as WorkflowUpdateFailedError).cause?.message ?? '';
    for (const { path: where } of expected) expect(reason).toContain(`${where}: `);
    expect(await history()).toEqual(before);
  });

  test('`rules diff` shows what would change, where; `rules apply` makes it a new version; `show` and `history` report it; an identical apply is "unchanged"', async () => {
    const changed = file('shorter-jira.yaml', shorterJira());

    const diff = await cli(['rules', 'diff', changed]);
    expect(diff.exitCode).toBe(0);
    const diffLines = diff.stdout.trimEnd().split('\n');
    expect(diffLines.slice(0, 3)).toEqual([
      '--- active rules v1',
      `+++ ${changed}`,
      expect.stringMatching(
        /^@@ -\d+,5 \+\d+,5 @@ applications\[0\]\.levels\[0\]\.duration\.max \(Jira Software \/ User\)$/,
      ),
    ]);
    expect(diffLines.filter((l) => /^[-+] /.test(l))).toEqual(['-          max: 90 days', '+          max: 60 days']);
    // --exit-code: 1 when FILE differs from the rules in force (0 when not, below).
    expect((await cli(['rules', 'diff', changed, '--exit-code'])).exitCode).toBe(1);
    expect(diff.stdout).not.toContain('Salesforce');

    const applied = await cli(['rules', 'apply', changed, '--as', 'alice-admin', '-m', 'shorter jira access']);
    expect(applied).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: expect.stringMatching(/^rules v2 is now active \(sha256 [0-9a-f]{12}\)\n$/),
    });
    expect(await activeVersion()).toBe(2);

    const shown = await cli(['rules', 'show']);
    expect(shown.exitCode).toBe(0);
    const [header, ...yaml] = shown.stdout.split('\n');
    expect(header).toMatch(/^# rules v2, submitted by alice-admin at \d{4}-\d\d-\d\dT\S+Z$/);
    expect((parse(yaml.join('\n')) as RawRules).applications[0].levels[0].duration).toEqual({
      default: '30 days',
      max: '60 days',
    });
    await expectActive(shorterJira());
    const old = await cli(['rules', 'show', '--version', '1', '--json']);
    expect((JSON.parse(old.stdout) as RawRules).applications[0].levels[0].duration.max).toBe('90 days');

    const table = await cli(['rules', 'history']);
    expect(table.exitCode).toBe(0);
    const rows = table.stdout.trimEnd().split('\n').slice(2);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^v1\s+superseded\s+test-harness\s+\d{4}-\d\d-\d\dT\S+Z$/);
    const v2Row = /^v2\s+active\s+alice-admin\s+(\S+)\s+shorter jira access$/.exec(rows[1]!);
    expect(v2Row).not.toBeNull();
    const submittedAt = Date.parse(v2Row![1]!);
    expect(submittedAt).toBeGreaterThanOrEqual(started);
    expect(submittedAt).toBeLessThanOrEqual(Date.now());

    expect(await cli(['rules', 'diff', changed])).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: 'no change against v2\n',
    });
    expect((await cli(['rules', 'diff', changed, '--exit-code'])).exitCode).toBe(0);
    const again = await cli(['rules', 'apply', changed, '--as', 'bob-admin']);
    expect(again).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: expect.stringMatching(/^rules v2 is unchanged: identical to the active version/),
    });
    expect((await history()).map((h) => [h.version, h.status, h.submittedBy])).toEqual([
      [1, 'superseded', 'test-harness'],
      [2, 'active', 'alice-admin'],
    ]);
  });

  test('apply-time checks: groups that do not exist in their connection reject the whole document, at their paths', async () => {
    const before = await history();
    const typo = file(
      'typo.yaml',
      editedRules((d) => {
        d.applications[0].levels[0].duration.max = '45 days'; // a change that must not land either
        d.applications[0].levels[0].groups = ['jira-software-userz'];
        d.applications[4].levels[0].approval.approvers.push({ group: 'Salesforce-Approvers', connection: 'entra' });
      }),
    );
    expect((await cli(['rules', 'validate', typo])).exitCode).toBe(0); // offline, the document is fine

    const applied = await cli(['rules', 'apply', typo, '--as', 'alice-admin']);
    expect(applied.exitCode).not.toBe(0);
    expect(applied.stdout).toBe('');
    expect(applied.stderr.trimEnd().split('\n')).toEqual([
      `${typo}: 2 problems`,
      located(typo, 'applications[0].levels[0].groups[0]: group "jira-software-userz" does not exist in okta'),
      located(
        typo,
        'applications[4].levels[0].approval.approvers[1].group: group "Salesforce-Approvers" does not exist in entra',
      ),
    ]);
    expect(await history()).toEqual(before);
    await expectActive(shorterJira());
  });

  test('apply-time checks: a Jira connection that would disable intake (no webhook secret, unreadable token, refused token) is rejected whole', async () => {
    const before = await history();
    const noSecret = file(
      'no-secret.yaml',
      editedRules((d) => {
        delete d.connections.jira.webhookSecret;
        d.connections.jira.apiToken = { env: 'LEASEHOLD_TEST_UNSET_TOKEN' };
      }),
    );
    const applied = await cli(['rules', 'apply', noSecret, '--as', 'alice-admin']);
    expect(applied.exitCode).not.toBe(0);
    expect(applied.stderr.trimEnd().split('\n')).toEqual([
      `${noSecret}: 2 problems`,
      located(
        noSecret,
        'connections.jira.webhookSecret: the portal connection needs a webhookSecret (or automationSecret): without one the starter rejects every delivery',
      ),
      located(
        noSecret,
        'connections.jira.apiToken: the worker cannot read it: environment variable LEASEHOLD_TEST_UNSET_TOKEN is not set',
      ),
    ]);

    process.env.LEASEHOLD_TEST_WRONG_TOKEN = 'not-the-token';
    const refused = file(
      'refused.yaml',
      editedRules((d) => {
        d.connections.jira.apiToken = { env: 'LEASEHOLD_TEST_WRONG_TOKEN' };
      }),
    );
    const rejected = await cli(['rules', 'apply', refused, '--as', 'alice-admin']);
    expect(rejected.exitCode).not.toBe(0);
    expect(rejected.stderr).toMatch(/connections\.jira: Jira refused the connection: Jira get myself failed with 401/);
    expect(await history()).toEqual(before);
  });

  describe('`connections test`', () => {
    test('succeeds against the sandboxes: credentials, fields, every group, write permission', async () => {
      const run = await cli(['connections', 'test']);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).not.toContain('FAIL');
      const lines = run.stdout.split('\n');
      const connections = ['jira', 'okta', 'entra', 'atlassian', 'github', 'google', 'aws'];
      for (const name of connections) expect(lines).toContain(`✓ ${name} (${name})`);
      expect(lines).toContain('    ok   authenticated as Leasehold Bot (leasehold-bot@example.com)');
      expect(lines).toContain('    ok   group jira-software-users exists (00gjirasoftware00001)');
      expect(lines).toContain('    ok   group Azure-Prod-Contributors exists (5f000000-0000-4000-8000-00000000a004)');
      // Every directory connection but AWS's, whose write probe reports in its own words.
      expect(lines.filter((l) => l === '    ok   membership write permission: ok')).toHaveLength(5);
    });

    test('a wrong Okta token is reported as bad credentials for okta, with a non-zero exit', async () => {
      const goodToken = process.env.OKTA_API_TOKEN;
      const run = await cli(['connections', 'test', 'okta'], { OKTA_API_TOKEN: 'not-the-okta-token' });
      expect(process.env.OKTA_API_TOKEN).toBe(goodToken);
      expect(run.exitCode).not.toBe(0);
      expect(run.stdout.split('\n').slice(0, 2)).toEqual([
        '✗ okta (okta)',
        expect.stringMatching(/^ {4}FAIL bad credentials: the Okta API token is invalid/),
      ]);
      expect(run.stdout).not.toContain('jira');
    });

    test('a wrong Jira API token is reported as bad credentials too', async () => {
      const run = await cli(['connections', 'test', 'jira'], { JIRA_API_TOKEN: 'not-the-jira-token' });
      expect(run.exitCode).not.toBe(0);
      expect(run.stdout.split('\n').slice(0, 2)).toEqual([
        '✗ jira (jira)',
        expect.stringMatching(/^ {4}FAIL bad credentials: .*401/),
      ]);
    });

    test('a group missing from Okta in a --rules file is reported as an unknown group, the others as found', async () => {
      const typo = file(
        'typo-okta.yaml',
        editedRules((d) => {
          d.applications[0].levels[0].groups = ['jira-software-userz'];
        }),
      );
      const run = await cli(['connections', 'test', 'okta', '--rules', typo]);
      expect(run.exitCode).not.toBe(0);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toBe('✗ okta (okta)');
      expect(lines).toContain('    FAIL unknown group: jira-software-userz does not exist in okta');
      expect(lines).toContain('    ok   group confluence-users exists (00gconfluence0000002)');
      expect(lines.filter((l) => l.includes('FAIL'))).toHaveLength(1);
    });

    test('the read-only Entra app authenticates but is reported as missing the Graph write permission', async () => {
      const readOnly = file(
        'entra-read-only.yaml',
        editedRules((d) => {
          d.connections.entra.clientId = readOnlyApp.clientId;
          d.connections.entra.clientSecret = { env: 'LEASEHOLD_TEST_READONLY_SECRET' };
        }),
      );
      const run = await cli(['connections', 'test', '--rules', readOnly], {
        LEASEHOLD_TEST_READONLY_SECRET: readOnlyApp.clientSecret,
      });
      expect(run.exitCode).not.toBe(0);
      const lines = run.stdout.split('\n');
      expect(lines).toEqual(expect.arrayContaining(['✓ jira (jira)', '✓ okta (okta)', '✗ entra (entra)']));
      const entra = lines.slice(lines.indexOf('✗ entra (entra)'));
      expect(entra).toContain('    ok   authenticated; directory reads work');
      expect(entra.filter((l) => l.includes('FAIL'))).toEqual([
        expect.stringMatching(/^ {4}FAIL membership write: missing Graph permission \(GroupMember\.ReadWrite\.All/),
      ]);
    });

    test('a connection the rules do not define is named as such', async () => {
      const run = await cli(['connections', 'test', 'ldap']);
      expect(run.exitCode).not.toBe(0);
      expect(run.stdout).toBe(
        '✗ ldap\n    FAIL no connection named ldap in the rules (known: jira, okta, entra, atlassian, github, google, aws)\n',
      );
    });
  });

  test('second-admin approval: once the rules require it, a change waits until another admin approves it', async () => {
    const requireSecond = (max: string): RawRules =>
      editedRules((d) => {
        d.applications[0].levels[0].duration.max = max;
        d.settings.requireSecondAdmin = true;
      });
    // Turning it on is itself a change under the rules in force (which do not require it).
    const on = await cli(['rules', 'apply', file('second-admin.yaml', requireSecond('60 days')), '--as', 'admin-a']);
    expect(on.stdout).toMatch(/^rules v3 is now active/);

    const change = file('second-admin-45.yaml', requireSecond('45 days'));
    const submitted = await cli(['rules', 'apply', change, '--as', 'admin-a', '-m', 'tighter']);
    expect(submitted).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: expect.stringMatching(
        /^rules v4 waits for a second admin \(leasehold rules approve 4 --as OTHER_ADMIN\)/,
      ),
    });
    expect(await activeVersion()).toBe(3);
    expect((await history()).at(-1)).toEqual(
      expect.objectContaining({ version: 4, status: 'pending', submittedBy: 'admin-a', comment: 'tighter' }),
    );

    for (const self of ['admin-a', ' ADMIN-A ']) {
      const own = await cli(['rules', 'approve', '4', '--as', self]);
      expect(own.exitCode).not.toBe(0);
      expect(own.stderr).toContain(
        'cannot approve v4: a second admin must approve: the submitter cannot approve their own change',
      );
    }
    const wrong = await cli(['rules', 'approve', '3', '--as', 'admin-b']);
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.stderr).toContain('version 3 is not the pending one (v4)');
    expect(await activeVersion()).toBe(3);

    const approved = await cli(['rules', 'approve', '4', '--as', 'admin-b']);
    expect(approved).toEqual({ exitCode: 0, stderr: '', stdout: 'rules v4 approved by admin-b and active\n' });
    expect(await activeVersion()).toBe(4);
    expect((await cli(['rules', 'show'])).stdout.split('\n')[0]).toMatch(
      /^# rules v4, submitted by admin-a at \S+, approved by admin-b$/,
    );
    await expectActive(requireSecond('45 days'));
    const after = await history();
    expect(after.map((h) => [h.version, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'superseded'],
      [4, 'active'],
    ]);
    expect(after[3]).toEqual(
      expect.objectContaining({ submittedBy: 'admin-a', approvedBy: 'admin-b', approvedAt: expect.any(String) }),
    );

    // A newer submission withdraws the pending one, which stays on record.
    expect(
      (await cli(['rules', 'apply', file('second-admin-40.yaml', requireSecond('40 days')), '--as', 'admin-a'])).stdout,
    ).toMatch(/^rules v5 waits/);
    expect(
      (await cli(['rules', 'apply', file('second-admin-35.yaml', requireSecond('35 days')), '--as', 'admin-b'])).stdout,
    ).toMatch(/^rules v6 waits/);
    expect((await history()).slice(4).map((h) => [h.version, h.status, h.submittedBy])).toEqual([
      [5, 'withdrawn', 'admin-a'],
      [6, 'pending', 'admin-b'],
    ]);
    const withdrawn = await cli(['rules', 'show', '--version', '5', '--json']);
    expect((JSON.parse(withdrawn.stdout) as RawRules).applications[0].levels[0].duration.max).toBe('40 days');
    expect((await cli(['rules', 'approve', '5', '--as', 'admin-b'])).stderr).toContain(
      'version 5 is not the pending one (v6)',
    );
    expect(await activeVersion()).toBe(4);
  });
});
