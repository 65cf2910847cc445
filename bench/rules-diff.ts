/**
 * How long `leasehold rules diff` takes on a large rules document (`npm run bench:rules-diff`): not a
 * test, a measurement. Generates a valid rules document of about 6,000 lines (as `rules diff` prints
 * it: the parsed rules with their defaults, as YAML), changes a few lines far apart (a maximum
 * duration, a group, an approver, an application's owner, one level added), then times the diff
 * in a node process of its own on the built code (`npm run build:product` first; the npm script does),
 * reporting its time and peak RSS (`process.resourceUsage().maxRSS`).
 *
 *   npm run bench:rules-diff -- [--lines 6000] [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { parseRulesText } from '../src/policy/parse';
import type { RulesDocument, RulesDocumentInput } from '../src/policy/schema';

const { values } = parseArgs({
  options: { lines: { type: 'string', default: '6000' }, runs: { type: 'string', default: '5' } },
});
const targetLines = Number(values.lines);
const runs = Number(values.runs);

type Level = RulesDocumentInput['applications'][number]['levels'][number];
const level = (app: number, l: number): Level => ({
  name: `Level ${l}`,
  connection: l % 2 ? 'entra' : 'okta',
  groups: [`app-${app}-level-${l}`],
  risk: l % 3 === 0 ? 'high' : 'medium',
  approval: l % 3 === 0 ? { approvers: ['manager', 'app-owner'], required: 2 } : { approvers: ['manager'] },
  duration: { default: '1 day', max: '7 days' },
});

function document(applications: number): RulesDocumentInput {
  return {
    version: 1,
    connections: {
      jira: {
        type: 'jira',
        site: 'https://example.atlassian.net',
        email: 'bot@example.com',
        apiToken: { env: 'JIRA_API_TOKEN' },
        webhookSecret: { env: 'JIRA_WEBHOOK_SECRET' },
      },
      okta: { type: 'okta', orgUrl: 'https://example.okta.com', token: { env: 'OKTA_API_TOKEN' } },
      entra: { type: 'entra', tenantId: 't', clientId: 'c', clientSecret: { env: 'ENTRA_CLIENT_SECRET' } },
    },
    portal: { connection: 'jira', project: 'ACCESS', statusMapping: { Approved: ['Approved'], Denied: ['Rejected'] } },
    applications: Array.from({ length: applications }, (_, a) => ({
      name: `Application ${a}`,
      owner: `owner-${a}@example.com`,
      levels: Array.from({ length: 3 }, (_, l) => level(a, l)),
    })),
  };
}

/** What `rules diff` compares: the validated rules (defaults filled in), as YAML. */
function rulesOf(doc: RulesDocumentInput): RulesDocument {
  const parsed = parseRulesText(JSON.stringify(doc));
  if (!parsed.ok) throw new Error(`generated rules invalid: ${JSON.stringify(parsed.problems.slice(0, 3))}`);
  return parsed.rules;
}
const asDiffed = (doc: RulesDocumentInput): string => stringify(rulesOf(doc));

const linesOf = (text: string): number => text.split('\n').length - 1;
const perApp = linesOf(asDiffed(document(2))) - linesOf(asDiffed(document(1)));
const base = linesOf(asDiffed(document(0 + 1))) - perApp;
const apps = Math.max(1, Math.round((targetLines - base) / perApp));
const original = document(apps);
const changed = structuredClone(original);
const at = (f: number) => Math.floor(apps * f);
changed.applications[at(0.1)]!.levels[1]!.duration.max = '5 days';
changed.applications[at(0.4)]!.levels[0]!.groups = ['renamed-group'];
changed.applications[at(0.6)]!.levels[2]!.approval.approvers.push({ user: 'dave@example.com' });
changed.applications[at(0.8)]!.owner = 'new-owner@example.com';
changed.applications[at(0.95)]!.levels.push(level(at(0.95), 3));

const before = asDiffed(original);
const after = asDiffed(changed);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-diff-'));
fs.writeFileSync(path.join(dir, 'before.json'), JSON.stringify(rulesOf(original)));
fs.writeFileSync(path.join(dir, 'after.json'), JSON.stringify(rulesOf(changed)));

fs.writeFileSync(path.join(dir, 'before.yaml'), before);
fs.writeFileSync(path.join(dir, 'after.yaml'), after);

// Measured in a plain node process of its own (the built dist/, as `leasehold rules diff` runs it), so the
// peak RSS is the diff's and node's, not this generator's or tsx's. Node with nothing loaded is the baseline.
// `text`: the diff of the two YAML texts (what the hand-written n×m diff did); `whole`: rulesDiff from the
// parsed rules, including writing both as YAML (yaml's stringify), which is what the command runs.
const measure = (what: 'text' | 'whole'): Record<string, number> =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        '-e',
        `
  const fs = require('node:fs');
  const { rulesDiff, yamlDiff } = require(${JSON.stringify(path.resolve(__dirname, '../dist/cli/rules-diff.js'))});
  const read = (name) => fs.readFileSync(name, 'utf8');
  const values = { before: JSON.parse(read('before.json')), after: JSON.parse(read('after.json')) };
  const texts = { before: read('before.yaml'), after: read('after.yaml') };
  const times = [];
  let out = [];
  for (let i = 0; i < ${runs}; i++) {
    const start = performance.now();
    out = ${JSON.stringify(what)} === 'text'
      ? yamlDiff(texts.before, texts.after, values)
      : rulesDiff(values.before, values.after);
    times.push(performance.now() - start);
  }
  fs.writeFileSync('diff.txt', out.join('\\n'));
  console.log(JSON.stringify({ first: times[0], max: Math.max(...times), median: times.sort((a, b) => a - b)[${Math.floor(runs / 2)}],
    maxRSS: process.resourceUsage().maxRSS }));
`,
      ],
      { cwd: dir, encoding: 'utf8' },
    ),
  ) as Record<string, number>;
const idle = execFileSync(process.execPath, ['-e', 'console.log(process.resourceUsage().maxRSS)'], {
  encoding: 'utf8',
});
const text = measure('text');
const whole = measure('whole');
const output = fs.readFileSync(path.join(dir, 'diff.txt'), 'utf8').split('\n');
fs.rmSync(dir, { recursive: true });

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const ms = (t: number) => `${t.toFixed(0)} ms`;
say(`document: ${linesOf(before)} lines before, ${linesOf(after)} after (${apps} applications)`);
say(
  `diff: ${output.filter((l) => l.startsWith('@@')).length} hunks, ${output.filter((l) => /^[-+]/.test(l)).length} changed lines`,
);
say(`an idle node process: peak RSS ${mib(Number(idle))}`);
for (const [name, m] of [
  ['the two YAML texts', text],
  ['from the rules (+ stringify)', whole],
] as const)
  say(
    `${name}: first run ${ms(m.first!)}, median ${ms(m.median!)}, max ${ms(m.max!)} over ${runs} runs; peak RSS ${mib(m.maxRSS!)}`,
  );
// Judged on what the command runs (from the rules, stringify included); its memory is what the diff
// adds to a node process (the peak above an idle one), since node itself holds ~40 MiB before any work.
const added = whole.maxRSS! - Number(idle);
const ok = whole.max! < 1000 && added < (100 * 1000 * 1000) / 1024;
say(
  `verdict (what the command runs): max ${ms(whole.max!)}, ${mib(added)} above an idle node: ` +
    (ok ? 'within 1 s and 100 MB' : 'over budget (1 s, 100 MB)'),
);
process.exitCode = ok ? 0 : 1;
