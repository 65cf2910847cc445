import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Command } from 'commander';
import { leaseStateQuery, releaseOrphansUpdate } from '../workflows/group-lease/messages';
import type { LeaseHolder } from '../workflows/group-lease/types';
import type { CliContext } from './context';
import { fail, out, table } from './output';

interface Orphan {
  leaseWorkflowId: string;
  membership: string;
  holder: LeaseHolder;
  holderStatus: string;
}

/** Holders of running group leases whose own workflow is no longer running (terminated, failed, gone). */
async function findOrphans(client: Client): Promise<Orphan[]> {
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
    .action(async (opts: { release?: boolean; reason?: string; as?: string }) => {
      const client = await ctx.temporal();
      const orphans = await findOrphans(client);
      if (orphans.length === 0) return out('no orphaned leases');
      out(
        table(
          ['membership', 'request', 'request status', 'lease ends'],
          orphans.map((o) => [o.membership, o.holder.issueKey, o.holderStatus, o.holder.until ?? '']),
        ),
      );
      if (!opts.release) return;
      if (!opts.reason?.trim()) return fail('--reason is required with --release');
      for (const leaseWorkflowId of new Set(orphans.map((o) => o.leaseWorkflowId))) {
        const released = await client.workflow
          .getHandle(leaseWorkflowId)
          .executeUpdate(releaseOrphansUpdate, { args: [{ operator: ctx.actor(opts.as), reason: opts.reason }] });
        for (const r of released)
          out(
            `released ${r.issueKey} in ${leaseWorkflowId}: ${r.outcome.ok ? r.outcome.reason : `FAILED ${r.outcome.error}`}`,
          );
      }
    });
}
