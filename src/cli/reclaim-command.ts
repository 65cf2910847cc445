import type { Command } from 'commander';
import { outputOption } from './args';
import type { CliContext } from './context';
import { printResult, table, type OutputFormat } from './output';

export function registerReclaimCommands(program: Command, ctx: CliContext): void {
  const reclaim = program
    .command('reclaim')
    .description('inactivity reclaim: members of reclaimed levels who have not signed in for a while (daily)');
  const reclaims = async () => {
    const { Reclaims } = await import('../temporal/reclaim');
    return new Reclaims(await ctx.temporal(), ctx.env.LEASEHOLD_TASK_QUEUE);
  };

  reclaim
    .command('run')
    .description('sweep now (as the daily schedule does): each inactive member gets a notice and a grace period')
    .option('--as <name>', 'who asks (default: $USER)')
    .addOption(outputOption())
    .action(async (opts: { as?: string; output: OutputFormat }) => {
      const summary = await (await reclaims()).sweepNow(ctx.actor(opts.as));
      await printResult(opts.output, summary, () =>
        [
          `read ${summary.groups} groups: ${summary.inactive} inactive members; ${summary.started.length} reclaims started, ${summary.alreadyUnderWay.length} already under way`,
          ...summary.started.map((id) => `  started ${id}`),
          ...(summary.unresolved.length ? [`not read: ${summary.unresolved.join('; ')}`] : []),
          ...(summary.noSignInTime.length
            ? [`left alone, no sign-in time (never, or not available): ${summary.noSignInTime.join('; ')}`]
            : []),
        ].join('\n'),
      );
    });

  reclaim
    .command('list')
    .description('reclaims under way (in their grace period) and done, with their outcome')
    .addOption(outputOption())
    .action(async (opts: { output: OutputFormat }) => {
      const views = await (await reclaims()).list();
      await printResult(opts.output, views, () =>
        views.length === 0
          ? 'no reclaims'
          : table(
              ['reclaim', 'status', 'notice', 'outcome', 'reason'],
              views.map((v) => [
                v.workflowId,
                v.status,
                v.record?.notice ?? '',
                v.record?.outcome ?? '(grace period)',
                v.record?.reason ?? '',
              ]),
            ),
      );
    });
}
