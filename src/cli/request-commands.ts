import type { Command } from 'commander';
import type { EvidenceRecord, RequestSnapshot, RequestState } from '../workflows/access-request/types';
import { accessRequestWorkflowId } from '../workflows/ids';
import { issueArgument, outputOption, stateOption } from './args';
import type { CliContext } from './context';
import { out, printResult, table, type OutputFormat } from './output';
import { renderEvidence, renderRequest } from './request-view';

/** A row of `request list`, from the workflow's search attributes. */
export interface RequestListItem {
  issue: string;
  state: string;
  requester: string;
  application: string;
  accessLevel: string;
  expiresAt?: string;
  workflowId: string;
  status: string;
}

interface OperatorOptions {
  reason: string;
  as?: string;
}

export function registerRequestCommands(program: Command, ctx: CliContext): void {
  const request = program.command('request').description('inspect and act on access requests (operators)');
  const handle = async (key: string) => (await ctx.temporal()).workflow.getHandle(accessRequestWorkflowId(key));
  const messages = () => import('../workflows/access-request/messages');

  request
    .command('list')
    .addOption(stateOption())
    .option('--all', 'include closed requests')
    .addOption(outputOption())
    .description('access requests with their state, requester and expiry')
    .action(async (opts: { state?: RequestState; all?: boolean; output: OutputFormat }) => {
      const { searchAttributes } = await import('../workflows/search-attributes');
      const clauses = [`WorkflowType = 'accessRequestWorkflow'`];
      if (!opts.all) clauses.push(`ExecutionStatus = 'Running'`);
      if (opts.state) clauses.push(`${searchAttributes.state.name} = "${opts.state}"`);
      const items: RequestListItem[] = [];
      for await (const wf of (await ctx.temporal()).workflow.list({ query: clauses.join(' AND ') })) {
        const sa = wf.typedSearchAttributes;
        items.push({
          issue: sa.get(searchAttributes.jiraKey) ?? wf.workflowId,
          state: sa.get(searchAttributes.state) ?? wf.status.name,
          requester: sa.get(searchAttributes.requester) ?? '',
          application: sa.get(searchAttributes.application) ?? '',
          accessLevel: sa.get(searchAttributes.accessLevel) ?? '',
          expiresAt: sa.get(searchAttributes.expiresAt)?.toISOString(),
          workflowId: wf.workflowId,
          status: wf.status.name,
        });
      }
      await printResult(opts.output, items, () =>
        items.length
          ? table(
              ['issue', 'state', 'requester', 'access', 'expires'],
              items.map((i) => [
                i.issue,
                i.state,
                i.requester,
                `${i.application} (${i.accessLevel})`,
                i.expiresAt ?? '',
              ]),
            )
          : 'no matching requests',
      );
    });

  request
    .command('show')
    .addArgument(issueArgument())
    .addOption(outputOption())
    .description('a request for people: state, approvals and who is still needed, expiry, group changes, problems')
    .action(async (key: string, opts: { output: OutputFormat }) => {
      const state: RequestSnapshot = await (await handle(key)).query((await messages()).stateQuery);
      await printResult(opts.output, state, () => renderRequest(state));
    });

  const operatorAction = (name: string, description: string) =>
    request
      .command(name)
      .addArgument(issueArgument('Jira issue key'))
      .requiredOption('-r, --reason <text>', 'why (recorded in the evidence)')
      .option('--as <name>', 'operator name (default: LEASEHOLD_ACTOR or the OS user)')
      .description(description);
  const act = (opts: OperatorOptions) => ({
    args: [{ operator: ctx.actor(opts.as), reason: opts.reason }] as [{ operator: string; reason: string }],
  });

  operatorAction('revoke', 'revoke now: removes the access (or cancels a pending request)').action(
    async (key: string, opts: OperatorOptions) => {
      const state = await (await handle(key)).executeUpdate((await messages()).revokeNowUpdate, act(opts));
      out(`${key}: revocation requested (state ${state.state})`);
    },
  );
  operatorAction('extend', 'move the end of an active grant (within the rule maximum, counted from the grant)')
    .requiredOption('-d, --duration <duration>', 'new total duration from the grant, e.g. "3 days"')
    .action(async (key: string, opts: OperatorOptions & { duration: string }) => {
      const state = await (
        await handle(key)
      ).executeUpdate((await messages()).extendUpdate, {
        args: [{ operator: ctx.actor(opts.as), reason: opts.reason, duration: opts.duration }],
      });
      out(
        `${key}: access now ends ${state.expiresAt}${state.extensions.at(-1)?.capped ? ' (capped at the rule maximum)' : ''}`,
      );
    });
  operatorAction('retry', 'retry provisioning of a request that failed (after fixing the cause)').action(
    async (key: string, opts: OperatorOptions) => {
      const state = await (await handle(key)).executeUpdate((await messages()).retryProvisioningUpdate, act(opts));
      out(`${key}: provisioning retried (state ${state.state})`);
    },
  );
  operatorAction(
    'retry-revocation',
    'try a failing revocation again now, instead of at its next round (after fixing the cause)',
  ).action(async (key: string, opts: OperatorOptions) => {
    const state = await (await handle(key)).executeUpdate((await messages()).retryRevocationUpdate, act(opts));
    out(`${key}: revocation retried now (state ${state.state})`);
  });

  program
    .command('evidence')
    .addArgument(issueArgument())
    .addOption(outputOption())
    .description('the audit evidence record of a request, rebuilt from its workflow history')
    .action(async (key: string, opts: { output: OutputFormat }) => {
      const { evidenceFromHistory } = await import('../evidence/from-history');
      const evidence: EvidenceRecord = await evidenceFromHistory(await ctx.temporal(), accessRequestWorkflowId(key));
      await printResult(opts.output, evidence, () => renderEvidence(evidence));
    });
}
