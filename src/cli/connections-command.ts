import fs from 'node:fs';
import type { Command } from 'commander';
import { checkConnection } from '../connectors/connection-check';
import { ConnectorRegistry } from '../connectors/registry';
import { parseRulesText, problemLine } from '../policy/parse';
import { RulesStore } from '../temporal/rules-store';
import type { RulesDocument } from '../policy/schema';
import type { CliContext } from './context';
import { fail, out } from './output';

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
    .action(async (name: string | undefined, opts: { rules?: string }) => {
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
        rules = (await new RulesStore(await ctx.temporal(), ctx.env.LEASEHOLD_TASK_QUEUE, 0).current())?.rules;
        if (!rules) return fail('no rules have been applied yet; pass --rules FILE');
      }
      const names = name ? [name] : Object.keys(rules.connections);
      const registry = new ConnectorRegistry();
      let allOk = true;
      for (const n of names) {
        const report = await checkConnection(n, rules, {
          provider: registry.provider.bind(registry),
          jira: registry.jira.bind(registry),
        });
        allOk &&= report.ok;
        out(`${report.ok ? '✓' : '✗'} ${report.name}${report.type ? ` (${report.type})` : ''}`);
        for (const line of report.lines) out(`    ${line.ok ? 'ok  ' : 'FAIL'} ${line.text}`);
      }
      if (!allOk) process.exitCode = 1;
    });
}
