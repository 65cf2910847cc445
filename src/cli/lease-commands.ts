import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { LeaseHolder } from '../workflows/group-lease/types';
import { outputOption } from './args';
import type { CliContext } from './context';
import { UsageError } from './failures';
import { printResult, table, type OutputFormat } from './output';

interface Orphan {
  leaseWorkflowId: string;
  membership: string;
  holder: LeaseHolder;
  holderStatus: string;
}

/** Holders of running group leases whose own workflow is no longer running (terminated, failed, gone). */
async function findOrphans(client: Client): Promise<Orphan[]> {
  const { WorkflowNotFoundError } = await import('@temporalio/client');
  const { leaseStateQuery } = await import('../workflows/group-lease/messages');
  const orphans: Orphan[] = [];
  for await (const wf of client.workflow.list({
    query: `WorkflowType = 'groupLeaseWorkflow' AND ExecutionStatus = 'Running'`,
  })) {
    const state = await client.workflow.getHandle(wf.workflowId).query(leaseStateQuery);
    for (const holder of state.holders) {
      const status = await client.workflow
        .getHandle(holder.holderWorkflowId)
        .describe()
        .then((d) => d.status.name)
        .catch((err: unknown) => (err instanceof WorkflowNotFoundError ? 'NOT_FOUND' : Promise.reject(err)));
      if (status !== 'RUNNING') {
        orphans.push({
          leaseWorkflowId: wf.workflowId,
          membership: `${state.key.userLogin} in ${state.key.groupName} (${state.key.connectionName})`,
          holder,
          holderStatus: status,
        });
      }
    }
  }
  return orphans;
}

export function registerLeaseCommands(program: Command, ctx: CliContext): void {
  const leases = program.command('leases').description('group memberships shared by grants (operators)');

  leases
    .command('orphaned')
    .option('--release', 'release them now (each lease workflow removes the membership unless another grant holds it)')
    .option('-r, --reason <reason>', 'why (required with --release; recorded with the release)')
    .option('--as <name>', 'who releases (default: $USER)')
    .description(
      'leases whose holding request is closed or gone; they are released at their end anyway, --release does it now',
    )
    .addOption(outputOption())
    .action(async (opts: { release?: boolean; reason?: string; as?: string; output: OutputFormat }) => {
      if (opts.release && !opts.reason?.trim()) throw new UsageError('--reason is required with --release');
      const client = await ctx.temporal();
      const orphans = await findOrphans(client);
      const released: Array<{ leaseWorkflowId: string; issueKey: string; ok: boolean; detail: string }> = [];
      if (opts.release) {
        const { releaseOrphansUpdate } = await import('../workflows/group-lease/messages');
        for (const leaseWorkflowId of new Set(orphans.map((o) => o.leaseWorkflowId))) {
          const results = await client.workflow
            .getHandle(leaseWorkflowId)
            .executeUpdate(releaseOrphansUpdate, { args: [{ operator: ctx.actor(opts.as), reason: opts.reason! }] });
          for (const r of results)
            released.push({
              leaseWorkflowId,
              issueKey: r.issueKey,
              ok: r.outcome.ok,
              detail: r.outcome.ok ? r.outcome.reason : r.outcome.error,
            });
        }
      }
      await printResult(opts.output, opts.release ? { orphans, released } : { orphans }, () => {
        if (orphans.length === 0) return 'no orphaned leases';
        const lines = [
          table(
            ['membership', 'request', 'request status', 'lease ends'],
            orphans.map((o) => [o.membership, o.holder.issueKey, o.holderStatus, o.holder.until ?? '']),
          ),
        ];
        for (const r of released)
          lines.push(`released ${r.issueKey} in ${r.leaseWorkflowId}: ${r.ok ? r.detail : `FAILED ${r.detail}`}`);
        return lines.join('\n');
      });
    });
}
