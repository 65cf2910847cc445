import { Command } from 'commander';
import { logger } from '../logging';
import { installRuntimeLogging } from '../temporal/runtime';
import { CliContext } from './context';
import { registerConnectionsCommand } from './connections-command';
import { registerDemoCommands } from './demo-commands';
import { registerLeaseCommands } from './lease-commands';
import { err } from './output';
import { registerRequestCommands } from './request-commands';
import { registerRulesCommands } from './rules-commands';
import { registerServeCommands } from './serve-commands';
import { registerTemporalCommands } from './temporal-commands';

/** `leasehold`: run the services, manage rules, act on requests. */
export function buildProgram(ctx = new CliContext()): Command {
  const program = new Command('leasehold')
    .description('Leasehold: time-bound access governance on Temporal (Jira Service Management → Okta / Entra ID)')
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Environment: TEMPORAL_ADDRESS (unset = the embedded server on 127.0.0.1:7233), TEMPORAL_NAMESPACE,
TEMPORAL_API_KEY, LEASEHOLD_TASK_QUEUE, LEASEHOLD_ACTOR, LEASEHOLD_LOG_LEVEL,
LEASEHOLD_LOG_FORMAT (pretty|json; default pretty on a terminal), LEASEHOLD_WORKER_HEALTH_PORT (/healthz, /metrics). See README.md.`,
    );
  registerServeCommands(program);
  registerTemporalCommands(program);
  registerRulesCommands(program, ctx);
  registerConnectionsCommand(program, ctx);
  registerRequestCommands(program, ctx);
  registerLeaseCommands(program, ctx);
  registerDemoCommands(program);
  return program;
}

export async function main(argv = process.argv): Promise<void> {
  const longRunning = new Set(['start', 'worker', 'webhook', 'sandbox']);
  // The processes that run a worker serve the Temporal SDK's metrics (merged into the worker's /metrics).
  installRuntimeLogging({ metrics: ['start', 'worker'].includes(argv[2] ?? '') });
  const ctx = new CliContext();
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    logger.debug({ err: e }, 'command failed');
    err(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  } finally {
    if (!longRunning.has(argv[2] ?? '')) await ctx.close();
  }
}

if (require.main === module) void main();
