import fs from 'node:fs';
import os from 'node:os';
import { sandboxEnvFile } from '../paths';
import type { Client } from '@temporalio/client';
import { readEnv, type Env } from '../config/env';
import type { TemporalTarget } from '../temporal/connection';
import { UnreachableError, UsageError } from './failures';

/** The global options: they take precedence over TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE. */
export interface GlobalOptions {
  address?: string;
  namespace?: string;
}

/** How long a CLI command waits for Temporal to answer before saying it cannot reach it (not the services). */
export const CLI_CONNECT_TIMEOUT_MS = 3000;

/**
 * What every CLI command shares: the environment, who is acting, and a Temporal client on demand.
 * The Temporal SDK is loaded only when a command asks for a client.
 */
export class CliContext {
  private parsedEnv?: Env;
  private client?: Client;
  private target?: TemporalTarget;
  globals: GlobalOptions = {};

  constructor() {
    loadSandboxEnv();
  }

  /** The environment, parsed on first use; an invalid variable is bad input (exit 2). */
  get env(): Env {
    if (!this.parsedEnv) {
      try {
        this.parsedEnv = readEnv();
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    return this.parsedEnv;
  }

  /** The person recorded as submitter/operator: `--as`, LEASEHOLD_ACTOR, or the OS user. */
  actor(explicit?: string): string {
    return explicit ?? this.env.LEASEHOLD_ACTOR ?? os.userInfo().username;
  }

  /** Where Temporal is: `--address`/`--namespace`, else TEMPORAL_ADDRESS/TEMPORAL_NAMESPACE, else the embedded server. */
  async temporalTarget(): Promise<TemporalTarget> {
    const { temporalTarget } = await import('../temporal/connection');
    const env = {
      ...this.env,
      ...(this.globals.address ? { TEMPORAL_ADDRESS: this.globals.address } : {}),
      ...(this.globals.namespace ? { TEMPORAL_NAMESPACE: this.globals.namespace } : {}),
    };
    this.target = temporalTarget(env, `127.0.0.1:${env.LEASEHOLD_TEMPORAL_PORT}`);
    return this.target;
  }

  /** The address commands talk to (once known), for messages. */
  get temporalAddress(): string | undefined {
    return this.target?.address;
  }

  /** A client of that Temporal; fails within a few seconds, naming the address, when it does not answer. */
  async temporal(): Promise<Client> {
    if (this.client) return this.client;
    const target = await this.temporalTarget();
    const { Client, Connection } = await import('@temporalio/client');
    let connection;
    try {
      connection = await Connection.connect({
        address: target.address,
        connectTimeout: CLI_CONNECT_TIMEOUT_MS,
        ...(target.tls ? { tls: target.tls } : {}),
        ...(target.apiKey ? { apiKey: target.apiKey } : {}),
      });
    } catch (e) {
      throw new UnreachableError(target.address, (e as Error).message);
    }
    this.client = new Client({ connection, namespace: target.namespace });
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
