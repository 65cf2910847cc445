import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { campaignCsv } from '../evidence/review-csv';
import type { CampaignView } from '../temporal/reviews';
import { outputOption } from './args';
import { EXIT } from './failures';
import type { CliContext } from './context';
import { fail, out, printResult, table, type OutputFormat } from './output';

function itemsTable(view: CampaignView): string {
  const items = view.record?.items.map((i) => ({
    key: i.item,
    person: i.person,
    access: i.access,
    status: `${i.decision}${i.decidedBy === 'default' ? ' (default)' : ''}`,
    by: i.reviewer,
    enforced: i.enforcement
      ? `${i.enforcement.outcome}${i.enforcement.idpAnswer ? ` (${i.enforcement.idpAnswer.status})` : ''}`
      : '',
  }));
  const open = view.state?.items.map((i) => ({
    key: i.issueKey,
    person: i.person,
    access: i.access,
    status: i.record ? i.record.decision : i.status,
    by: i.record?.reviewer ?? i.reviewers.join(', '),
    enforced: i.record?.enforcement?.outcome ?? '',
  }));
  const rows = items ?? open ?? [];
  const head = view.record
    ? `${view.workflowId}: ended ${view.record.endedAt}; record on ${view.record.issueKey}`
    : `${view.workflowId}: ${view.status.toLowerCase()}, ${view.state?.phase ?? '?'}${view.state?.endsAt ? `, decide by ${view.state.endsAt}` : ''}${view.state?.issueKey ? ` (${view.state.issueKey})` : ''}`;
  if (rows.length === 0) return `${head}\nno items yet`;
  return `${head}\n${table(
    ['item', 'person', 'access', 'decision', 'by / reviewers', 'enforced'],
    rows.map((r) => [r.key, r.person, r.access, r.status, r.by, r.enforced]),
  )}`;
}

export function registerReviewCommands(program: Command, ctx: CliContext): void {
  const review = program
    .command('review')
    .description('access reviews: campaigns (rules `reviews:`) where reviewers decide in Jira who keeps each access');
  const reviews = async () => {
    const { Reviews } = await import('../temporal/reviews');
    return new Reviews(await ctx.temporal(), ctx.env.LEASEHOLD_TASK_QUEUE);
  };
  const latest = async (name: string): Promise<CampaignView | undefined> => {
    const view = await (await reviews()).latest(name);
    if (!view) fail(`no run of campaign "${name}" (start one with \`leasehold review start ${name}\`)`, EXIT.failed);
    return view;
  };

  review
    .command('start')
    .description('start a campaign now: one Jira item per current member of every group in its scope')
    .argument('<campaign>', 'the campaign name in the rules')
    .option('--as <name>', 'who starts it (default: $USER)')
    .action(async (name: string, opts: { as?: string }) => {
      const { RulesStore } = await import('../temporal/rules-store');
      const rules = (await new RulesStore(await ctx.temporal(), ctx.env.LEASEHOLD_TASK_QUEUE).current())?.rules;
      const names = rules?.reviews.map((c) => c.name) ?? [];
      if (!names.includes(name))
        return fail(
          `the rules in force have no review campaign "${name}" (campaigns: ${names.join(', ') || 'none'})`,
          EXIT.usage,
        );
      const workflowId = await (await reviews()).start(name, ctx.actor(opts.as));
      out(`started ${workflowId}; \`leasehold review show ${name}\` lists its items`);
    });

  review
    .command('show')
    .description("the campaign's latest run: its items, their reviewers and decisions")
    .argument('<campaign>', 'the campaign name in the rules')
    .addOption(outputOption())
    .action(async (name: string, opts: { output: OutputFormat }) => {
      const view = await latest(name);
      if (view) await printResult(opts.output, view, () => itemsTable(view));
    });

  review
    .command('export')
    .description("the evidence of the campaign's latest run that ended, as CSV or JSON")
    .argument('<campaign>', 'the campaign name in the rules')
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
    .option('--file <path>', 'write to this file instead of stdout')
    .action(async (name: string, opts: { format: 'csv' | 'json'; file?: string }) => {
      const view = await latest(name);
      if (!view) return;
      if (!view.record)
        return fail(
          `${view.workflowId} has not ended yet (${view.state?.phase ?? view.status}): its record is written at the end`,
          EXIT.failed,
        );
      const text = opts.format === 'csv' ? campaignCsv(view.record) : `${JSON.stringify(view.record, null, 2)}\n`;
      if (opts.file) await writeFile(opts.file, text);
      else process.stdout.write(text);
    });
}
