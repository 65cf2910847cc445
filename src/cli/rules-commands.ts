import fs from 'node:fs';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { z } from 'zod';
import { parseRulesText } from '../policy/parse';
import { RulesStore } from '../policy/rules-store';
import { rulesDocumentSchema, type RulesDocument } from '../policy/schema';
import type { RuleProblem } from '../policy/validate';
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

export const rulesJsonSchema = (): unknown => z.toJSONSchema(rulesDocumentSchema, { io: 'input', unrepresentable: 'any' });

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
      out(`${file} is valid: ${result.rules.applications.length} applications, ${levels} access levels, ${Object.keys(result.rules.connections).length} connections`);
    });

  rules
    .command('apply')
    .argument('<file>', 'rules document (YAML or JSON)')
    .option('-m, --comment <text>', 'why this change (recorded with the version)')
    .option('--as <name>', 'who submits (default: LEASEHOLD_ACTOR or the OS user)')
    .description('submit the rules to the policy workflow: checked whole (schema, then groups in each connection); nothing is applied unless all of it is valid')
    .action(async (file: string, opts: { comment?: string; as?: string }) => {
      const result = readRules(file);
      if (!result.ok) return;
      try {
        const submitted = await (await store()).submit({ document: result.raw, submittedBy: ctx.actor(opts.as), comment: opts.comment });
        const what = { active: 'is now active', pending: 'waits for a second admin (leasehold rules approve)', unchanged: 'is unchanged: identical to the active version' }[submitted.status];
        out(`rules v${submitted.version} ${what} (sha256 ${submitted.digest.slice(0, 12)})`);
      } catch (e) {
        const problems = rejectionProblems(e);
        if (problems) printProblems(file, problems);
        else throw e;
      }
    });

  rules
    .command('approve')
    .argument('<version>', 'the pending version')
    .option('--as <name>', 'who approves (must differ from the submitter)')
    .description('approve a pending rules version (when the active rules require a second admin)')
    .action(async (version: string, opts: { as?: string }) => {
      const summary = await (await store()).approve(Number(version), ctx.actor(opts.as));
      out(`rules v${summary.version} approved by ${summary.approvedBy} and active`);
    });

  rules
    .command('show')
    .option('--version <n>', 'a specific version (default: the active one)')
    .option('--json', 'print JSON instead of YAML')
    .description('print the rules in force')
    .action(async (opts: { version?: string; json?: boolean }) => {
      const s = await store();
      const version = opts.version ? await s.version(Number(opts.version)) : await s.current();
      if (!version) return fail(opts.version ? `version ${opts.version} is not kept` : 'no rules have been applied yet');
      if (opts.json) return out(JSON.stringify(version.rules, null, 2));
      out(`# rules v${version.version}, submitted by ${version.submittedBy} at ${version.submittedAt}${version.approvedBy ? `, approved by ${version.approvedBy}` : ''}`);
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
      out(table(['version', 'status', 'submitted by', 'submitted at', 'approved by', 'comment'], history.map((h) => [
        `v${h.version}`, h.status, h.submittedBy, h.submittedAt, h.approvedBy ?? '', h.comment ?? '',
      ])));
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
      for (const line of lineDiff(before, after)) if (!line.startsWith('  ')) out(line);
    });

  rules
    .command('schema')
    .description('print the JSON Schema of the rules document (for editors)')
    .action(() => out(JSON.stringify(rulesJsonSchema(), null, 2)));
}

/** The problems a rejected submission reports (validator text or the handler's ApplicationFailure details). */
function rejectionProblems(e: unknown): RuleProblem[] | undefined {
  if (!(e instanceof WorkflowUpdateFailedError)) {
    const message = e instanceof Error ? e.message : '';
    const lines = message.split('\n').filter((l) => /^\s+\S.*: /.test(l));
    if (/invalid rules document/.test(message) && lines.length > 0) {
      return lines.map((l) => {
        const [path, ...rest] = l.trim().split(': ');
        return { path: path!, message: rest.join(': ') };
      });
    }
    return undefined;
  }
  const cause = e.cause;
  if (cause instanceof ApplicationFailure && Array.isArray(cause.details?.[0])) return cause.details[0] as RuleProblem[];
  return [{ path: '(document)', message: cause?.message ?? e.message }];
}
