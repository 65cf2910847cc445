import fs from 'node:fs';
import type { Command } from 'commander';
import type { ConnectionReport } from '../connectors/connection-check';
import type { RulesDocument } from '../policy/schema';
import { outputOption } from './args';
import type { CliContext } from './context';
import { fail, printResult, type OutputFormat } from './output';

export function registerConnectionsCommand(program: Command, ctx: CliContext): void {
  program
    .command('connections')
    .description('check the connections of the rules')
    .command('test')
    .argument('[name]', 'one connection (default: all)')
    .option('--rules <file>', 'check the connections of this document instead of the rules in force')
    .description(
      'real calls per connection saying exactly what is wrong: credentials, permissions, reachability, unknown groups',
    )
    .addOption(outputOption())
    .action(async (name: string | undefined, opts: { rules?: string; output: OutputFormat }) => {
      const { parseRulesText, problemLine } = await import('../policy/parse');
      let rules: RulesDocument | undefined;
      if (opts.rules) {
        let text: string;
        try {
          text = fs.readFileSync(opts.rules, 'utf8');
        } catch (e) {
          return fail(`cannot read ${opts.rules}: ${(e as Error).message}`);
        }
        const parsed = parseRulesText(text);
        if (!parsed.ok)
          return fail(
            `${opts.rules} is not valid: ${parsed.problems.map((p) => problemLine(opts.rules!, p)).join('; ')}`,
          );
        rules = parsed.rules;
      } else {
        const { RulesStore } = await import('../temporal/rules-store');
        rules = (await new RulesStore(await ctx.temporal(), ctx.env.LEASEHOLD_TASK_QUEUE, 0).current())?.rules;
        if (!rules) return fail('no rules have been applied yet; pass --rules FILE');
      }
      const names = name ? [name] : Object.keys(rules.connections);
      const { checkConnection } = await import('../connectors/connection-check');
      const { ConnectorRegistry } = await import('../connectors/registry');
      const registry = new ConnectorRegistry();
      const reports: ConnectionReport[] = [];
      for (const n of names) {
        reports.push(
          await checkConnection(n, rules, {
            provider: registry.provider.bind(registry),
            jira: registry.jira.bind(registry),
          }),
        );
      }
      await printResult(opts.output, reports, () =>
        reports
          .flatMap((report) => [
            `${report.ok ? '✓' : '✗'} ${report.name}${report.type ? ` (${report.type})` : ''}`,
            ...report.lines.map((line) => `    ${line.ok ? 'ok  ' : 'FAIL'} ${line.text}`),
          ])
          .join('\n'),
      );
      if (!reports.every((r) => r.ok)) process.exitCode = 1;
    });
}
