import os from 'node:os';
import type { Client } from '@temporalio/client';
import { readEnv, type Env } from '../config/env';
import { connectClient, temporalTarget } from '../temporal/connection';

/** What every CLI command shares: the environment, who is acting, and a Temporal client on demand. */
export class CliContext {
  readonly env: Env = readEnv();
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
