import type { Command } from 'commander';
import { CommanderError } from 'commander';
import { CliContext } from '../../src/cli/context';
import { buildProgram } from '../../src/cli/main';
import type { Leasehold } from './leasehold';

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs `leasehold ARGS` in this process, the way `main()` does (an error thrown by a command is printed
 * as `error: …` with exit code 1), against the harness's namespace and task queue. `env` overrides
 * variables for this one command (undefined = unset); everything is restored afterwards, and so is
 * process.exitCode. Output is what the command wrote to process.stdout / process.stderr.
 */
export async function runCli(
  lh: Leasehold,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const overrides: Record<string, string | undefined> = {
    TEMPORAL_ADDRESS: process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: lh.namespace,
    LEASEHOLD_TASK_QUEUE: lh.taskQueue,
    ...env,
  };
  const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
  const setEnv = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  const stdout: string[] = [];
  const stderr: string[] = [];
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r): r is () => void => typeof r === 'function');
      done?.();
      return true;
    }) as typeof process.stdout.write;

  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  setEnv(overrides);
  let ctx: CliContext | undefined;
  let exitCode: number;
  process.stdout.write = capture(stdout);
  process.stderr.write = capture(stderr);
  try {
    ctx = new CliContext();
    const program = buildProgram(ctx);
    exitOverrideEverywhere(program);
    await program.parseAsync(['node', 'leasehold', ...args]);
    exitCode = Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      exitCode = e.exitCode;
    } else {
      stderr.push(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      exitCode = 1;
    }
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    await ctx?.close();
    setEnv(saved);
    process.exitCode = previousExitCode;
  }
  return { stdout: stdout.join(''), stderr: stderr.join(''), exitCode };
}

/** Commander would call process.exit on a usage error; make it throw instead, in every subcommand. */
function exitOverrideEverywhere(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideEverywhere(sub);
}
