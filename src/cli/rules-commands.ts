import fs from 'node:fs';
import { ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Command } from 'commander';
import { isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { parseRulesText } from '../policy/parse';
import { RulesStore } from '../temporal/rules-store';
import { rulesDocumentSchema, type RulesDocument } from '../policy/schema';
import { formatPath, type RuleProblem } from '../policy/validate';
import type { CliContext } from './context';
import { lineDiff } from './line-diff';
import { err, fail, out, table } from './output';

function readRules(file: string): { ok: true; rules: RulesDocument; raw: unknown } | { ok: false } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${file}: ${(e as Error).message}`);
    return { ok: false };
  }
  const result = parseRulesText(text);
  if (!result.ok) {
    printProblems(file, result.problems);
    return { ok: false };
  }
  return { ok: true, rules: result.rules, raw: result.raw };
}

function printProblems(file: string, problems: RuleProblem[]): void {
  err(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  for (const p of problems) err(`  ${p.path}: ${p.message}`);
  process.exitCode = 1;
}

export const rulesJsonSchema = (): unknown =>
  z.toJSONSchema(rulesDocumentSchema, { io: 'input', unrepresentable: 'any' });

export function registerRulesCommands(program: Command, ctx: CliContext): void {
  const rules = program.command('rules').description('validate, apply and inspect the rules (policy as code)');
  const store = async () => new RulesStore(await ctx.temporal(), ctx.env.LEASEHOLD_TASK_QUEUE, 0);

  rules
    .command('validate')
    .argument('<file>', 'rules document (YAML or JSON)')
    .description('check a rules document offline; lists every problem with its path; exits non-zero on any')
    .action((file: string) => {
      const result = readRules(file);
      if (!result.ok) return;
      const levels = result.rules.applications.reduce((n, a) => n + a.levels.length, 0);
      out(
        `${file} is valid: ${result.rules.applications.length} applications, ${levels} access levels, ${Object.keys(result.rules.connections).length} connections`,
      );
    });

  rules
    .command('apply')
    .argument('<file>', 'rules document (YAML or JSON)')
    .option('-m, --comment <text>', 'why this change (recorded with the version)')
    .option('--as <name>', 'who submits (default: LEASEHOLD_ACTOR or the OS user)')
    .description(
      'submit the rules to the policy workflow: checked whole (schema, then groups in each connection); nothing is applied unless all of it is valid',
    )
    .action(async (file: string, opts: { comment?: string; as?: string }) => {
      const result = readRules(file);
      if (!result.ok) return;
      try {
        const submitted = await (
          await store()
        ).submit({ document: result.raw, submittedBy: ctx.actor(opts.as), comment: opts.comment });
        const what = {
          active: 'is now active',
          pending: `waits for a second admin (leasehold rules approve ${submitted.version} --as OTHER_ADMIN)`,
          unchanged: 'is unchanged: identical to the active version',
        }[submitted.status];
        out(`rules v${submitted.version} ${what} (sha256 ${submitted.digest.slice(0, 12)})`);
      } catch (e) {
        const problems = rejectionProblems(e);
        if (problems) printProblems(file, problems);
        // Refused before any handler ran (a message too large, a namespace missing): Temporal's own reason.
        else if (e instanceof ServiceError)
          fail(
            `rules apply was refused by Temporal: ${(e.cause as { details?: string } | undefined)?.details ?? e.message}`,
          );
        else throw e;
      }
    });

  rules
    .command('approve')
    .argument('<version>', 'the pending version')
    .option('--as <name>', 'who approves (must differ from the submitter)')
    .description('approve a pending rules version (when the active rules require a second admin)')
    .action(async (version: string, opts: { as?: string }) => {
      const n = Number(version.replace(/^v/i, ''));
      if (!Number.isInteger(n) || n < 1) return fail(`not a rules version: ${version}`);
      try {
        const summary = await (await store()).approve(n, ctx.actor(opts.as));
        out(`rules v${summary.version} approved by ${summary.approvedBy} and active`);
      } catch (e) {
        // The validator's reason (not pending, submitter approving their own change), not "Workflow Update failed".
        if (e instanceof WorkflowUpdateFailedError)
          return fail(`cannot approve v${n}: ${e.cause?.message ?? e.message}`);
        throw e;
      }
    });

  rules
    .command('show')
    .option('--version <n>', 'a specific version (default: the active one)')
    .option('--json', 'print JSON instead of YAML')
    .description('print the rules in force')
    .action(async (opts: { version?: string; json?: boolean }) => {
      const s = await store();
      const version = opts.version ? await s.version(Number(opts.version)) : await s.current();
      if (!version)
        return fail(opts.version ? `version ${opts.version} is not kept` : 'no rules have been applied yet');
      if (opts.json) return out(JSON.stringify(version.rules, null, 2));
      out(
        `# rules v${version.version}, submitted by ${version.submittedBy} at ${version.submittedAt}${version.approvedBy ? `, approved by ${version.approvedBy}` : ''}`,
      );
      out(stringify(version.rules).trimEnd());
    });

  rules
    .command('history')
    .option('--json', 'print JSON')
    .description('every rules version: status, submitter, time, approver')
    .action(async (opts: { json?: boolean }) => {
      const history = await (await store()).history();
      if (opts.json) return out(JSON.stringify(history, null, 2));
      if (history.length === 0) return out('no rules have been applied yet');
      out(
        table(
          ['version', 'status', 'submitted by', 'submitted at', 'approved by', 'comment'],
          history.map((h) => [
            `v${h.version}`,
            h.status,
            h.submittedBy,
            h.submittedAt,
            h.approvedBy ?? '',
            h.comment ?? '',
          ]),
        ),
      );
    });

  rules
    .command('diff')
    .argument('<file>', 'rules document (YAML or JSON)')
    .description('what applying FILE would change, against the rules in force')
    .action(async (file: string) => {
      const result = readRules(file);
      if (!result.ok) return;
      const current = await (await store()).current();
      const before = current ? stringify(current.rules) : '';
      const after = stringify(result.rules);
      if (before === after) return out(`no change against v${current?.version}`);
      out(`--- active rules${current ? ` v${current.version}` : ' (none)'}\n+++ ${file}`);
      for (const line of rulesDiff(before, after)) out(line);
    });

  rules
    .command('schema')
    .description('print the JSON Schema of the rules document (for editors)')
    .action(() => out(JSON.stringify(rulesJsonSchema(), null, 2)));
}

/** The problems a rejected submission reports (validator text or the handler's ApplicationFailure details). */
function rejectionProblems(e: unknown): RuleProblem[] | undefined {
  if (!(e instanceof WorkflowUpdateFailedError)) return problemLines(e instanceof Error ? e.message : '');
  const cause = e.cause;
  // Apply-time checks: the handler's failure carries the problems.
  if (cause instanceof ApplicationFailure && Array.isArray(cause.details?.[0]))
    return cause.details[0] as RuleProblem[];
  // The update's validator: one problem per line of its message.
  return problemLines(cause?.message ?? '') ?? [{ path: '(document)', message: cause?.message ?? e.message }];
}

function problemLines(message: string): RuleProblem[] | undefined {
  if (!/invalid rules document/.test(message)) return undefined;
  const lines = message.split('\n').filter((l) => /^\s+\S.*: /.test(l));
  if (lines.length === 0) return undefined;
  return lines.map((l) => {
    const [path, ...rest] = l.trim().split(': ');
    return { path: path!, message: rest.join(': ') };
  });
}

/**
 * A unified-style diff of two rules documents (as YAML): changed lines with `context` lines around
 * them, each hunk headed by the path of its first change (and the application / level it is in),
 * since a bare `max: 60 days` does not say whose maximum changed.
 */
export function rulesDiff(before: string, after: string, context = 2): string[] {
  // Within each run of changes, removals first (lineDiff may interleave them).
  const raw = lineDiff(before, after);
  const lines: string[] = [];
  for (let i = 0; i < raw.length;) {
    if (raw[i]!.startsWith('  ')) {
      lines.push(raw[i++]!);
      continue;
    }
    let j = i;
    while (j < raw.length && !raw[j]!.startsWith('  ')) j++;
    const run = raw.slice(i, j);
    lines.push(...run.filter((l) => l.startsWith('- ')), ...run.filter((l) => l.startsWith('+ ')));
    i = j;
  }
  // Where each diff line is in the before / after text.
  const at: Array<{ before: number; after: number }> = [];
  let b = 0;
  let a = 0;
  for (const line of lines) {
    at.push({ before: b, after: a });
    if (!line.startsWith('+ ')) b++;
    if (!line.startsWith('- ')) a++;
  }
  const changed = lines.flatMap((l, i) => (l.startsWith('  ') ? [] : [i]));
  const hunks: Array<[number, number]> = [];
  for (const i of changed) {
    const last = hunks.at(-1);
    if (last && i - last[1] <= 2 * context + 1) last[1] = i;
    else hunks.push([i, i]);
  }
  const docs = { before: new YamlLocator(before), after: new YamlLocator(after) };
  const outLines: string[] = [];
  for (const [first, last] of hunks) {
    const side = lines[first]!.startsWith('- ') ? 'before' : 'after';
    outLines.push(`@@ ${docs[side].describe(at[first]![side])} @@`);
    for (let i = Math.max(0, first - context); i <= Math.min(lines.length - 1, last + context); i++) {
      if (lines[i] !== '  ') outLines.push(lines[i]!);
    }
  }
  return outLines;
}

/** Finds the path of the YAML node a line of a document belongs to. */
class YamlLocator {
  private readonly doc;
  private readonly value: unknown;
  private readonly lineStarts: number[] = [];

  constructor(private readonly text: string) {
    this.doc = parseDocument(text);
    this.value = this.doc.toJS();
    let offset = 0;
    for (const line of text.split('\n')) {
      this.lineStarts.push(offset);
      offset += line.length + 1;
    }
  }

  describe(line: number): string {
    const start = this.lineStarts[line] ?? this.text.length;
    const content = this.text.slice(start, this.lineStarts[line + 1] ?? this.text.length).trimEnd();
    const path = this.pathAt(this.doc.contents, start + Math.max(0, content.length - 1), []);
    const names: string[] = [];
    const root = this.value as { applications?: Array<{ name?: unknown; levels?: Array<{ name?: unknown }> }> } | null;
    if (path[0] === 'applications' && typeof path[1] === 'number') {
      const app = root?.applications?.[path[1]];
      if (typeof app?.name === 'string') names.push(app.name);
      const level = path[2] === 'levels' && typeof path[3] === 'number' ? app?.levels?.[path[3]] : undefined;
      if (typeof level?.name === 'string') names.push(level.name);
    }
    return `${formatPath(path)}${names.length ? ` (${names.join(' / ')})` : ''}`;
  }

  private pathAt(node: unknown, offset: number, path: (string | number)[]): (string | number)[] {
    const within = (from: number | undefined, to: number | undefined): boolean =>
      from !== undefined && to !== undefined && offset >= from && offset < to;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key : undefined;
        const value = pair.value as { range?: [number, number, number] } | null;
        if (key && within(key.range?.[0], (value?.range ?? key.range)?.[2]))
          return this.pathAt(pair.value, offset, [...path, String(key.value)]);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) {
        const range = (item as { range?: [number, number, number] } | null)?.range;
        if (within(range?.[0], range?.[2])) return this.pathAt(item, offset, [...path, i]);
      }
    }
    return path;
  }
}
