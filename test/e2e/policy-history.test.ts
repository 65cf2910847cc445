import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POLICY_WORKFLOW_ID } from '../../src/workflows/ids';
import type { RulesVersionSummary } from '../../src/workflows/policy/types';
import { runCli } from '../harness/cli';
import { Leasehold } from '../harness/leasehold';
import { exampleRules, exampleRulesPath, writeRules, type RawRules } from '../fixtures/rules';

/** A string as a regular expression matching exactly it. */
const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A large organisation's rules: the example plus `extra` applications (all in existing Okta groups). */
/** How many applications the example rules have (the large documents add theirs after them). */
const examples = exampleRules().applications.length;

function largeRules(extra: number, defaultDays: number): RawRules {
  const doc = exampleRules();
  for (let i = 0; i < extra; i++) {
    doc.applications.push({
      name: `Internal App ${i}`,
      owner: 'carol@example.com',
      levels: [
        {
          name: 'User',
          connection: 'okta',
          groups: ['aws-prod-readonly'],
          risk: 'medium',
          approval: { approvers: ['manager'] },
          duration: { default: `${defaultDays} days`, max: '90 days' },
        },
      ],
    });
  }
  return doc;
}

/**
 * The policy workflow keeps every version's record across continue-as-new: a long history of large
 * documents (hundreds of applications) makes Temporal suggest it, and the carried state must stay
 * within Temporal's payload limit, or the workflow could never move on.
 */
describe('the rules history across continue-as-new', () => {
  let lh: Leasehold;
  let dir: string;
  beforeAll(async () => {
    lh = await Leasehold.start({ starter: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-policy-history-'));
  });
  afterAll(async () => {
    await lh?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('many versions of a large document: the workflow continues as new and still answers for every version', async () => {
    const handle = lh.client.workflow.getHandle(POLICY_WORKFLOW_ID);
    const firstRun = (await handle.describe()).runId;
    let last = 1;
    // ~140 KB of JSON per document: Temporal suggests continue-as-new after about 4 MB of history.
    for (let n = 2; n <= 40; n++) {
      const result = await lh.rules.submit({ document: largeRules(600, (n % 60) + 1), submittedBy: `admin-${n}` });
      expect(result).toEqual(expect.objectContaining({ version: n, status: 'active' }));
      last = n;
      if ((await handle.describe()).runId !== firstRun) break;
    }
    expect((await handle.describe()).runId).not.toBe(firstRun);

    // The new run knows every version, who submitted it and when.
    const history = JSON.parse((await runCli(lh, ['rules', 'history', '--json'])).stdout) as RulesVersionSummary[];
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(history.map((h) => h.submittedBy)).toEqual([
      'test-harness',
      ...Array.from({ length: last - 1 }, (_, i) => `admin-${i + 2}`),
    ]);
    expect(history.every((h) => !Number.isNaN(Date.parse(h.submittedAt)))).toBe(true);
    expect(history.map((h) => h.status)).toEqual([...Array<string>(last - 1).fill('superseded'), 'active']);

    const shown = await runCli(lh, ['rules', 'show', '--json']);
    expect((JSON.parse(shown.stdout) as RawRules).applications).toHaveLength(examples + 600);
    expect((await runCli(lh, ['rules', 'show'])).stdout).toMatch(
      new RegExp(`^# rules v${last}, submitted by admin-${last} at `),
    );
    const previous = await runCli(lh, ['rules', 'show', '--version', String(last - 1), '--json']);
    expect(previous.exitCode).toBe(0);
    expect((JSON.parse(previous.stdout) as RawRules).applications[examples].levels[0].duration.default).toBe(
      `${((last - 1) % 60) + 1} days`,
    );

    // And it takes new versions.
    const applied = await runCli(lh, ['rules', 'apply', exampleRulesPath, '--as', 'dave']);
    expect(applied.stdout).toMatch(new RegExp(`^rules v${last + 1} is now active`));
    expect((await lh.rules.current())?.rules.applications).toHaveLength(examples);
  }, 60_000); // a stuck workflow would hang the next submission: fail well before the suite's timeout

  test('a document too large to keep is refused by `rules validate` and `rules apply` with the reason, and rejected whole by the workflow', async () => {
    const before = await lh.rules.history();
    const huge = writeRules(dir, 'huge.yaml', largeRules(2000, 1));
    const expected = [
      `${huge}: 1 problem`,
      // FILE:LINE:COLUMN: MESSAGE; a whole-document problem is located at the document's start.
      expect.stringMatching(new RegExp(`^${literal(huge)}:1:1: \\d+ KiB of JSON; at most 384 KiB can be kept$`)),
    ];
    const validated = await runCli(lh, ['rules', 'validate', huge]);
    expect(validated.exitCode).not.toBe(0);
    expect(validated.stderr.trimEnd().split('\n')).toEqual(expected);
    const run = await runCli(lh, ['rules', 'apply', huge, '--as', 'dave']);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr.trimEnd().split('\n')).toEqual(expected);
    // Sent past the CLI, the policy workflow's validator refuses it too.
    await expect(lh.rules.submit({ document: largeRules(2000, 1), submittedBy: 'dave' })).rejects.toThrow();
    expect(await lh.rules.history()).toEqual(before);
  });
});
