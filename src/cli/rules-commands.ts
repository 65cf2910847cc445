import fs from 'node:fs';
import type { Command } from 'commander';
import type { RulesDocument } from '../policy/schema';
import type { RuleProblem } from '../policy/validate';
import { outputOption } from './args';
import type { CliContext } from './context';
import { UsageError } from './failures';
import { err, fail, out, printResult, table, type OutputFormat } from './output';

type ReadRules = { ok: true; rules: RulesDocument; raw: unknown; text: string } | { ok: false };

/** The Temporal SDK and the rules modules, loaded when a command runs (not for `--help`). */
const sdk = async () => ({
  ...(await import('@temporalio/client')),
  ...(await import('@temporalio/common')),
  ...(await import('../policy/parse')),
});

async function readRules(file: string): Promise<ReadRules> {
  const { parseRulesText } = await import('../policy/parse');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${file}: ${(e as Error).message}`);
    return { ok: false };
  }
  const result = parseRulesText(text);
  if (!result.ok) {
    await printProblems(file, result.problems);
    return { ok: false };
  }
  return { ok: true, rules: result.rules, raw: result.raw, text };
}

async function printProblems(file: string, problems: RuleProblem[]): Promise<void> {
  const { problemLine } = await import('../policy/parse');
  err(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  for (const p of problems) err(problemLine(file, p));
  process.exitCode = 1;
}

export function registerRulesCommands(program: Command, ctx: CliContext): void {
  const rules = program.command('rules').description('validate, apply and inspect the rules (policy as code)');
  const store = async () => {
    const { RulesStore } = await import('../temporal/rules-store');
    return new RulesStore(await ctx.temporal(), ctx.env.LEASEHOLD_TASK_QUEUE, 0);
  };

  rules
    .command('validate')
    .argument('<file>', 'rules document (YAML or JSON)')
    .description('check a rules document offline; lists every problem with its path; exits non-zero on any')
    .action(async (file: string) => {
      const result = await readRules(file);
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
      const result = await readRules(file);
      if (!result.ok) return;
      const { ServiceError, WorkflowUpdateFailedError, ApplicationFailure, locateInText } = await sdk();
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
        const problems = rejectionProblems(e, WorkflowUpdateFailedError, ApplicationFailure);
        // The workflow's problems carry paths only: located in the file that was submitted.
        if (problems) await printProblems(file, locateInText(result.text, problems));
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
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`not a rules version: ${version}`);
      const { WorkflowUpdateFailedError } = await import('@temporalio/client');
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
    .addOption(outputOption())
    .option('--json', 'the same as -o json')
    .description('print the rules in force (table: YAML headed by the version, submitter and approver)')
    .action(async (opts: { version?: string; json?: boolean; output: OutputFormat }) => {
      if (opts.version !== undefined && !/^v?[1-9]\d*$/i.test(opts.version))
        throw new UsageError(`--version: not a rules version: ${opts.version}`);
      const s = await store();
      const n = opts.version === undefined ? undefined : Number(opts.version.replace(/^v/i, ''));
      const version = n !== undefined ? await s.version(n) : await s.current();
      if (!version) return fail(n !== undefined ? `version ${n} is not kept` : 'no rules have been applied yet');
      const { stringify } = await import('yaml');
      await printResult(opts.json ? 'json' : opts.output, version.rules, () =>
        [
          `# rules v${version.version}, submitted by ${version.submittedBy} at ${version.submittedAt}${version.approvedBy ? `, approved by ${version.approvedBy}` : ''}`,
          stringify(version.rules).trimEnd(),
        ].join('\n'),
      );
    });

  rules
    .command('history')
    .addOption(outputOption())
    .option('--json', 'the same as -o json')
    .description('every rules version: status, submitter, time, approver')
    .action(async (opts: { json?: boolean; output: OutputFormat }) => {
      const history = await (await store()).history();
      await printResult(opts.json ? 'json' : opts.output, history, () =>
        history.length === 0
          ? 'no rules have been applied yet'
          : table(
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
    .option('--exit-code', 'exit 1 when there are differences, 0 when there are none (like git diff --exit-code)')
    .description(
      'what applying FILE would change, against the rules in force (a unified diff of both as YAML); exits 0 whether or not they differ; with --exit-code 1 when they differ, 0 when not, 2 on an invalid FILE',
    )
    .action(async (file: string, opts: { exitCode?: boolean }) => {
      const result = await readRules(file);
      // With --exit-code, 1 means "differs": a document that cannot be compared is 2 (as diff(1) does).
      if (!result.ok) {
        if (opts.exitCode) process.exitCode = 2;
        return;
      }
      const current = await (await store()).current();
      const { rulesDiff } = await import('./rules-diff');
      const lines = rulesDiff(current?.rules, result.rules);
      if (lines.length === 0) return out(`no change against v${current?.version}`);
      out(`--- active rules${current ? ` v${current.version}` : ' (none)'}\n+++ ${file}`);
      out(lines.join('\n'));
      if (opts.exitCode) process.exitCode = 1;
    });

  rules
    .command('schema')
    .description('print the JSON Schema of the rules document (for editors)')
    .action(async () => out(JSON.stringify((await import('./rules-schema')).rulesJsonSchema(), null, 2)));
}

/** The problems a rejected submission reports (validator text or the handler's ApplicationFailure details). */
function rejectionProblems(
  e: unknown,
  WorkflowUpdateFailedError: typeof import('@temporalio/client').WorkflowUpdateFailedError,
  ApplicationFailure: typeof import('@temporalio/common').ApplicationFailure,
): RuleProblem[] | undefined {
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
