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

const RUNNING_LEASES = `WorkflowType = 'groupLeaseWorkflow' AND ExecutionStatus = 'Running'`;

/** Holders of running group leases whose own workflow is no longer running (terminated, failed, gone). */
async function findOrphans(client: Client): Promise<Orphan[]> {
  const { WorkflowNotFoundError } = await import('@temporalio/client');
  const { leaseStateQuery } = await import('../workflows/group-lease/messages');
  const orphans: Orphan[] = [];
  for await (const wf of client.workflow.list({ query: RUNNING_LEASES })) {
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

  leases
    .command('prioritize')
    .option('--as <name>', 'who moves them (default: $USER; recorded in each lease history)')
    .description(
      'once after upgrading: leases started before membership changes went first get that priority (a repeat changes nothing)',
    )
    .addOption(outputOption())
    .action(async (opts: { as?: string; output: OutputFormat }) => {
      const client = await ctx.temporal();
      const result = await prioritizeLeases(client, `leasehold leases prioritize (${ctx.actor(opts.as)})`);
      await printResult(opts.output, result, () =>
        [
          ...result.moved.map((id) => `prioritized ${id}`),
          `${result.moved.length} lease(s) prioritized, ${result.already} already were`,
        ].join('\n'),
      );
    });
}

/**
 * Leases started before membership priority (src/workflows/priorities.ts) move to it: each running
 * lease not at the key gets it through UpdateWorkflowExecutionOptions (an event in its history names
 * who did it). Visibility does not list priorities, so each lease is described first; a repeat moves
 * none.
 */
async function prioritizeLeases(client: Client, identity: string): Promise<{ moved: string[]; already: number }> {
  const { MEMBERSHIP_PRIORITY_KEY, membershipPriority } = await import('../workflows/priorities');
  const moved: string[] = [];
  let already = 0;
  for await (const wf of client.workflow.list({ query: RUNNING_LEASES })) {
    const described = await client.workflow.getHandle(wf.workflowId, wf.runId).describe();
    if (described.raw.workflowExecutionInfo?.priority?.priorityKey === MEMBERSHIP_PRIORITY_KEY) {
      already++;
      continue;
    }
    await client.workflowService.updateWorkflowExecutionOptions({
      namespace: client.options.namespace,
      workflowExecution: { workflowId: wf.workflowId, runId: wf.runId },
      workflowExecutionOptions: { priority: membershipPriority },
      updateMask: { paths: ['priority'] },
      identity,
    });
    moved.push(wf.workflowId);
  }
  return { moved, already };
}
