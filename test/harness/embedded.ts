import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { freePort } from '../../src/temporal/dev-server';
import { findTemporalCli } from '../../src/temporal/cli-binary';
import { eventually } from './leasehold';

/**
 * The environment of `leasehold start` as a newcomer runs it, on free ports (so a test never meets a
 * running demo) with its state in `stateDir`: nothing else configured. The variables the harness set
 * for its own sandboxes are left out, so they cannot leak into this one.
 */
export async function embeddedStartEnv(stateDir: string): Promise<NodeJS.ProcessEnv> {
  const [temporal, ui, webhook, jira, okta, entra, health, github, google, aws, slack] = await Promise.all(
    Array.from({ length: 11 }, () => freePort()),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LEASEHOLD_STATE_DIR: stateDir,
    TEMPORAL_CLI_PATH: findTemporalCli()!.path,
    LEASEHOLD_TEMPORAL_PORT: String(temporal),
    LEASEHOLD_TEMPORAL_UI_PORT: String(ui),
    LEASEHOLD_WEBHOOK_PORT: String(webhook),
    LEASEHOLD_SANDBOX_JIRA_PORT: String(jira),
    LEASEHOLD_SANDBOX_OKTA_PORT: String(okta),
    LEASEHOLD_SANDBOX_ENTRA_PORT: String(entra),
    LEASEHOLD_SANDBOX_GITHUB_PORT: String(github),
    LEASEHOLD_SANDBOX_GOOGLE_PORT: String(google),
    LEASEHOLD_SANDBOX_AWS_PORT: String(aws),
    LEASEHOLD_SANDBOX_SLACK_PORT: String(slack),
    LEASEHOLD_WORKER_HEALTH_PORT: String(health),
    LEASEHOLD_LOG_LEVEL: 'warn',
  };
  for (const k of ['JIRA_SITE', 'OKTA_ORG_URL', 'ENTRA_TENANT_ID', 'TEMPORAL_ADDRESS', 'NODE_OPTIONS']) delete env[k];
  return env;
}

/** `leasehold start` (the compiled CLI) as a child process: started until its banner, stopped as Ctrl-C does. */
export class EmbeddedStart {
  private child?: ChildProcess;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** Starts it and waits for the banner; `ms` is how long that took. */
  async start(): Promise<{ output: string; ms: number }> {
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'leasehold.js'), 'start'], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(
      () => output.includes('Ctrl-C stops everything') || child.exitCode !== null,
      90_000,
      'the start banner',
    );
    if (!output.includes('Leasehold is running')) throw new Error(`leasehold start failed:\n${output}`);
    return { output, ms: Date.now() - started };
  }

  /** SIGINT, as Ctrl-C, and its exit code once it has exited (undefined if it was not running). */
  async stop(): Promise<number | null | undefined> {
    const child = this.child;
    if (!child) return undefined;
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    return child.exitCode;
  }
}
