import fs from 'node:fs';
import os from 'node:os';
import { sandboxEnvFile } from '../paths';
import type { Client } from '@temporalio/client';
import { readEnv, type Env } from '../config/env';
import { connectClient, temporalTarget } from '../temporal/connection';

/** What every CLI command shares: the environment, who is acting, and a Temporal client on demand. */
export class CliContext {
  readonly env: Env;

  constructor() {
    loadSandboxEnv();
    this.env = readEnv();
  }

  private client?: Client;

  /** The person recorded as submitter/operator: `--as`, LEASEHOLD_ACTOR, or the OS user. */
  actor(explicit?: string): string {
    return explicit ?? this.env.LEASEHOLD_ACTOR ?? os.userInfo().username;
  }

  /** TEMPORAL_ADDRESS, or the embedded server `npm start` runs on this machine. */
  async temporal(): Promise<Client> {
    this.client ??= await connectClient(temporalTarget(this.env, `127.0.0.1:${this.env.LEASEHOLD_TEMPORAL_PORT}`));
    return this.client;
  }

  async close(): Promise<void> {
    await this.client?.connection.close();
  }
}

/**
 * While `leasehold start` runs the sandboxes it writes their variables (URLs, demo credentials) to
 * .leasehold/sandbox.env; commands in other shells pick up those not already set.
 */
function loadSandboxEnv(): void {
  if (['start', 'worker', 'webhook', 'sandbox'].includes(process.argv[2] ?? '')) return;
  let text: string;
  try {
    text = fs.readFileSync(sandboxEnvFile, 'utf8');
  } catch {
    return;
  }
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && process.env[line.slice(0, eq)] === undefined) process.env[line.slice(0, eq)] = line.slice(eq + 1);
  }
}
