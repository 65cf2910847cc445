import type { Command } from 'commander';
import type { DriftState, ReconciliationSummary } from '../workflows/drift/types';
import { outputOption } from './args';
import type { CliContext } from './context';
import { printResult, table, type OutputFormat } from './output';

function findingsTable(state: DriftState): string {
  if (state.open.length === 0)
    return 'no drift: every member of every managed group is explained by a lease or the baseline';
  return table(
    ['kind', 'member', 'group', 'first seen', 'held by', 'action', 'reported in'],
    state.open.map((f) => [
      f.kind,
      f.userLogin,
      `${f.groupName} (${f.connectionName})`,
      f.firstSeen,
      f.heldBy?.join(', ') ?? '',
      f.action,
      f.reportedIn ?? '(not yet)',
    ]),
  );
}

function passLine(pass: ReconciliationSummary): string {
  const parts = [
    `reconciled ${pass.groups} groups (${pass.members} members) at ${pass.at}`,
    `${pass.newFindings.length} new, ${pass.resolved.length} resolved`,
  ];
  if (pass.baselined) parts.push(`${pass.baselined} recorded as there before Leasehold`);
  if (pass.report) parts.push(`reported in ${pass.report}`);
  const unread = pass.unresolvedGroups.length ? `\nnot read: ${pass.unresolvedGroups.join('; ')}` : '';
  return parts.join('; ') + unread;
}

export function registerDriftCommand(program: Command, ctx: CliContext): void {
  program
    .command('drift')
    .description(
      'memberships of managed groups that Leasehold cannot explain: members with no grant, and grants whose membership was removed outside Leasehold',
    )
    .option('--now', 'reconcile every managed group now and wait for the result')
    .option('--as <name>', 'who asks (default: $USER)')
    .addOption(outputOption())
    .action(async (opts: { now?: boolean; as?: string; output: OutputFormat }) => {
      const { DriftWatch } = await import('../temporal/drift');
      const watch = new DriftWatch(await ctx.temporal(), ctx.env.LEASEHOLD_TASK_QUEUE);
      const pass = opts.now ? await watch.reconcileNow(ctx.actor(opts.as)) : undefined;
      const { WorkflowNotFoundError } = await import('@temporalio/client');
      const state = await watch.state().catch((e: unknown) => {
        if (e instanceof WorkflowNotFoundError)
          throw new Error(
            'drift detection has not started: it starts with the first rules applied (leasehold rules apply FILE)',
          );
        throw e;
      });
      const last = pass ?? state.passes.at(-1);
      await printResult(opts.output, { open: state.open, lastPass: last ?? null }, () =>
        [last ? passLine(last) : 'no reconciliation yet', '', findingsTable(state)].join('\n'),
      );
    });
}
