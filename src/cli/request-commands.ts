import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  extendUpdate,
  retryProvisioningUpdate,
  revokeNowUpdate,
  stateQuery,
} from '../workflows/access-request/messages';
import type { EvidenceRecord, RequestSnapshot } from '../workflows/access-request/types';
import { accessRequestWorkflowId } from '../workflows/ids';
import { searchAttributes } from '../workflows/search-attributes';
import type { CliContext } from './context';
import { fail, out, table } from './output';
import { evidenceFromHistory } from '../evidence/from-history';

export function registerRequestCommands(program: Command, ctx: CliContext): void {
  const request = program.command('request').description('inspect and act on access requests (operators)');
  const handle = async (key: string) => (await ctx.temporal()).workflow.getHandle(accessRequestWorkflowId(key));

  request
    .command('list')
    .option('--state <state>', 'only requests in this state (e.g. Active, RevocationFailing)')
    .option('--all', 'include closed requests')
    .description('access requests with their state, requester and expiry')
    .action(async (opts: { state?: string; all?: boolean }) => {
      const clauses = [`WorkflowType = 'accessRequestWorkflow'`];
      if (!opts.all) clauses.push(`ExecutionStatus = 'Running'`);
      if (opts.state) clauses.push(`${searchAttributes.state.name} = "${opts.state.replace(/"/g, '')}"`);
      const rows: string[][] = [];
      for await (const wf of (await ctx.temporal()).workflow.list({ query: clauses.join(' AND ') })) {
        const sa = wf.typedSearchAttributes;
        rows.push([
          sa.get(searchAttributes.jiraKey) ?? wf.workflowId,
          sa.get(searchAttributes.state) ?? wf.status.name,
          sa.get(searchAttributes.requester) ?? '',
          `${sa.get(searchAttributes.application) ?? ''} (${sa.get(searchAttributes.accessLevel) ?? ''})`,
          sa.get(searchAttributes.expiresAt)?.toISOString() ?? '',
        ]);
      }
      out(rows.length ? table(['issue', 'state', 'requester', 'access', 'expires'], rows) : 'no matching requests');
    });

  request
    .command('show')
    .argument('<issue>', 'Jira issue key, e.g. ACCESS-12')
    .description('the full state of a request (query)')
    .action(async (key: string) => {
      const state: RequestSnapshot = await (await handle(key)).query(stateQuery);
      out(JSON.stringify(state, null, 2));
    });

  const operatorAction = (name: string, description: string) =>
    request
      .command(name)
      .argument('<issue>', 'Jira issue key')
      .requiredOption('-r, --reason <text>', 'why (recorded in the evidence)')
      .option('--as <name>', 'operator name (default: LEASEHOLD_ACTOR or the OS user)')
      .description(description);

  operatorAction('revoke', 'revoke now: removes the access (or cancels a pending request)').action(
    async (key: string, opts: { reason: string; as?: string }) => {
      const state = await (
        await handle(key)
      ).executeUpdate(revokeNowUpdate, { args: [{ operator: ctx.actor(opts.as), reason: opts.reason }] });
      out(`${key}: revocation requested (state ${state.state})`);
    },
  );
  operatorAction('extend', 'move the end of an active grant (within the rule maximum, counted from the grant)')
    .requiredOption('-d, --duration <duration>', 'new total duration from the grant, e.g. "3 days"')
    .action(async (key: string, opts: { reason: string; as?: string; duration: string }) => {
      const state = await (
        await handle(key)
      ).executeUpdate(extendUpdate, {
        args: [{ operator: ctx.actor(opts.as), reason: opts.reason, duration: opts.duration }],
      });
      out(
        `${key}: access now ends ${state.expiresAt}${state.extensions.at(-1)?.capped ? ' (capped at the rule maximum)' : ''}`,
      );
    });
  operatorAction('retry', 'retry provisioning of a request that failed (after fixing the cause)').action(
    async (key: string, opts: { reason: string; as?: string }) => {
      const state = await (
        await handle(key)
      ).executeUpdate(retryProvisioningUpdate, { args: [{ operator: ctx.actor(opts.as), reason: opts.reason }] });
      out(`${key}: provisioning retried (state ${state.state})`);
    },
  );

  program
    .command('evidence')
    .argument('<issue>', 'Jira issue key, e.g. ACCESS-12')
    .description('the audit evidence record of a request, rebuilt from its workflow history')
    .action(async (key: string) => {
      try {
        const evidence: EvidenceRecord = await evidenceFromHistory(await ctx.temporal(), accessRequestWorkflowId(key));
        out(JSON.stringify(evidence, null, 2));
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) return fail(`no request ${key}`);
        throw e;
      }
    });
}
