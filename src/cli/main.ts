import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { projectRoot } from '../paths';
import { CliContext, type GlobalOptions } from './context';
import { registerConnectionsCommand } from './connections-command';
import { registerDemoCommands } from './demo-commands';
import { registerDriftCommand } from './drift-command';
import { registerReclaimCommands } from './reclaim-command';
import { registerReviewCommands } from './review-command';
import { describeFailure, EXIT, EXIT_CODES_HELP } from './failures';
import { registerLeaseCommands } from './lease-commands';
import { err } from './output';
import { registerRequestCommands } from './request-commands';
import { registerRulesCommands } from './rules-commands';
import { registerServeCommands } from './serve-commands';
import { registerTemporalCommands } from './temporal-commands';

/** The commands that run until stopped: the context's connection is theirs to keep. */
const LONG_RUNNING = new Set(['start', 'worker', 'webhook', 'sandbox']);

export const version = (): string =>
  (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The `leasehold` command itself: name, version, global options, help text; usage errors exit 2. */
function root(ctx: CliContext): Command {
  const program = new Command('leasehold')
    .description('Leasehold: time-bound access governance on Temporal (Jira Service Management → Okta / Entra ID)')
    .version(version(), '-V, --version', 'print the version')
    .option('--address <host:port>', 'Temporal frontend to talk to (overrides TEMPORAL_ADDRESS)')
    .option('--namespace <namespace>', 'Temporal namespace (overrides TEMPORAL_NAMESPACE)')
    // The program's own options end at the command (`rules show --version 2` is the command's --version);
    // the global options are also accepted after the command (globalOptionsEverywhere).
    .enablePositionalOptions()
    .showHelpAfterError()
    // Commander's usage errors (unknown option, missing argument, invalid choice) exit 2, not 1.
    .exitOverride((e) => {
      throw e.exitCode === 0 ? e : new CommanderError(EXIT.usage, e.code, e.message);
    })
    .addHelpText(
      'after',
      `
Environment: TEMPORAL_ADDRESS (unset = the embedded server on 127.0.0.1:7233), TEMPORAL_NAMESPACE,
TEMPORAL_API_KEY, LEASEHOLD_TASK_QUEUE, LEASEHOLD_ACTOR, LEASEHOLD_LOG_LEVEL,
LEASEHOLD_LOG_FORMAT (pretty|json; default pretty on a terminal), LEASEHOLD_WORKER_HEALTH_PORT (/healthz, /metrics).
--address and --namespace take precedence over TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE.
Read commands take -o table|json|yaml (table, for people, is the default).
${EXIT_CODES_HELP.trim()}
See README.md.`,
    );
  program.hook('preAction', (command, action) => {
    const global = command.opts<GlobalOptions>();
    const local = action.opts<GlobalOptions>();
    ctx.globals = {
      address: local.address ?? global.address ?? ctx.globals.address,
      namespace: local.namespace ?? global.namespace ?? ctx.globals.namespace,
    };
    // The service and demo commands read the environment themselves: the global options reach them through it.
    if (ctx.globals.address) process.env.TEMPORAL_ADDRESS = ctx.globals.address;
    if (ctx.globals.namespace) process.env.TEMPORAL_NAMESPACE = ctx.globals.namespace;
  });
  return program;
}

/** `--address` and `--namespace` after the command too (`leasehold request list --address HOST:PORT`). */
function globalOptionsEverywhere(command: Command): void {
  for (const sub of command.commands) {
    if (sub.commands.length > 0) {
      globalOptionsEverywhere(sub);
      continue;
    }
    const has = (flag: string) => sub.options.some((o) => o.long === flag);
    if (!has('--address')) sub.addOption(new Option('--address <host:port>').hideHelp());
    if (!has('--namespace')) sub.addOption(new Option('--namespace <namespace>').hideHelp());
  }
}

/** `leasehold`: run the services, manage rules, act on requests. */
export function buildProgram(ctx = new CliContext()): Command {
  const program = root(ctx);
  registerServeCommands(program);
  registerTemporalCommands(program, ctx);
  registerRulesCommands(program, ctx);
  registerConnectionsCommand(program, ctx);
  registerRequestCommands(program, ctx);
  registerLeaseCommands(program, ctx);
  registerDriftCommand(program, ctx);
  registerReclaimCommands(program, ctx);
  registerReviewCommands(program, ctx);
  registerDemoCommands(program);
  globalOptionsEverywhere(program);
  return program;
}

/** The top-level command an action belongs to (`request` for `request list`). */
function topLevel(command: Command): string {
  let c = command;
  while (c.parent?.parent) c = c.parent;
  return c.name();
}

export async function main(argv = process.argv): Promise<void> {
  // `leasehold request list | head -1`: a closed pipe ends the output quietly, as in other CLIs.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const ctx = new CliContext();
  const program = buildProgram(ctx);
  let running: string | undefined;
  // The runtime's logging (and, for the processes that run a worker, the Temporal SDK's metrics, merged
  // into the worker's /metrics) is set up only when a command runs: `--help` loads none of it.
  program.hook('preAction', async (_program, action) => {
    running = topLevel(action);
    const { installRuntimeLogging } = await import('../temporal/runtime');
    installRuntimeLogging({ metrics: ['start', 'worker'].includes(running) });
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its message (or the help, or the version).
      process.exitCode = e.exitCode;
    } else {
      const failure = describeFailure(e, ctx.temporalAddress);
      if (process.env.LEASEHOLD_LOG_LEVEL === 'debug' || process.env.LEASEHOLD_LOG_LEVEL === 'trace')
        (await import('../logging')).logger.debug({ err: e }, 'command failed');
      err(`error: ${failure.message}`);
      process.exitCode = failure.exitCode;
    }
  } finally {
    if (!LONG_RUNNING.has(running ?? '')) await ctx.close();
  }
}

if (require.main === module) void main();
