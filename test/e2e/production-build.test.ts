import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { projectRoot } from '../../src/paths';
import { freePort } from '../../src/temporal/dev-server';
import { ensureNamespace } from '../../src/temporal/namespace';
import { eventually } from '../harness/leasehold';

/**
 * The production image and `leasehold worker` load no sandbox module. The production dependency set is
 * npm's own answer (`npm ls --omit=dev --workspaces=false`: what the image's `npm ci` and `npm prune`
 * keep); the compiled CLI runs on exactly that set (a node_modules of links to it, with
 * --preserve-symlinks so nothing resolves beyond it), and a preload records every module each thread
 * asks for and loads. The same recorder, on the full checkout, does see the sandbox when a sandbox
 * command runs, and the worker there leaves it unloaded although it could load it.
 */

const SANDBOX_FILE = /\/packages\/sandbox\/|\/node_modules\/@leasehold\/sandbox(\/|$)|\/node_modules\/selfsigned\//;
const SANDBOX_REQUEST = /^(@leasehold\/sandbox(\/.*)?|selfsigned)$/;
const NOT_INSTALLED = 'needs the sandbox package (@leasehold/sandbox), which is not installed';

const RECORDER = `
const Module = require('node:module');
const fs = require('node:fs');
const { threadId } = require('node:worker_threads');
const requests = new Set();
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  requests.add(request);
  return resolve.call(this, request, ...rest);
};
process.on('exit', () => {
  const line = JSON.stringify({ threadId, requests: [...requests], loaded: Object.keys(require.cache) });
  fs.appendFileSync(process.env.LEASEHOLD_TEST_MODULE_LOG, line + '\\n');
});
`;

interface Run {
  output: string;
  exitCode: number | null;
  /** Every module specifier asked for, in any thread. */
  requests: string[];
  /** Every module file loaded, in any thread. */
  loaded: string[];
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-production-'));
const recorderFile = path.join(tmp, 'record-modules.js');
const production = path.join(tmp, 'app');
let runs = 0;

/** `leasehold ARGS` from the compiled CLI in `root`; with `ready`, stopped by SIGTERM once it holds. */
async function leasehold(
  root: string,
  args: string[],
  env: Record<string, string>,
  ready?: (output: string) => boolean | Promise<boolean>,
): Promise<Run> {
  const log = path.join(tmp, `modules-${++runs}.jsonl`);
  const preload = root === production ? '--preserve-symlinks ' : '';
  const child = spawn(process.execPath, [path.join(root, 'bin', 'leasehold.js'), ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LEASEHOLD_STATE_DIR: path.join(tmp, 'state'),
      LEASEHOLD_LOG_LEVEL: 'warn',
      NODE_OPTIONS: `${preload}--require ${recorderFile}`,
      LEASEHOLD_TEST_MODULE_LOG: log,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    if (ready) {
      await eventually(
        async () => child.exitCode !== null || (await ready(output)),
        30_000,
        `leasehold ${args.join(' ')} ready`,
      );
      if (child.exitCode !== null)
        throw new Error(`leasehold ${args.join(' ')} exited (${child.exitCode}):\n${output}`);
      child.kill('SIGTERM');
    }
    const exitCode = await exited;
    const threads = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { requests: string[]; loaded: string[] });
    return { output, exitCode, requests: threads.flatMap((t) => t.requests), loaded: threads.flatMap((t) => t.loaded) };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** The production dependency set, as npm computes it from the lock file (paths relative to the root). */
function productionDependencies(workspaces: boolean): string[] {
  const args = ['ls', '--omit=dev', `--workspaces=${workspaces}`, '--all', '--parseable'];
  const listed = execFileSync('npm', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return [
    ...new Set(
      listed
        .split('\n')
        .filter(Boolean)
        .map((p) => path.relative(projectRoot, p)),
    ),
  ].filter((p) => p !== '');
}

/** An install of the compiled product with only `dependencies` in node_modules (links to the checkout's). */
function installProduction(dependencies: string[]): void {
  for (const dep of dependencies.filter((d) => /^node_modules\/(@[^/]+\/)?[^/@]+$/.test(d))) {
    fs.mkdirSync(path.dirname(path.join(production, dep)), { recursive: true });
    fs.symlinkSync(path.join(projectRoot, dep), path.join(production, dep));
  }
  fs.mkdirSync(path.join(production, 'bin'));
  fs.copyFileSync(path.join(projectRoot, 'bin', 'leasehold.js'), path.join(production, 'bin', 'leasehold.js'));
  fs.copyFileSync(path.join(projectRoot, 'package.json'), path.join(production, 'package.json'));
  for (const dir of ['dist', 'rules']) fs.symlinkSync(path.join(projectRoot, dir), path.join(production, dir));
}

const healthy = (url: string) => async (): Promise<boolean> =>
  (await fetch(url).catch(() => undefined))?.status === 200;
/** Healthy, and its /metrics has the Temporal SDK's metrics and the request gauges (read from visibility). */
const healthyWithMetrics = (base: string) => async (): Promise<boolean> => {
  if (!(await healthy(`${base}/healthz`)())) return false;
  const text = (await (await fetch(`${base}/metrics`).catch(() => undefined))?.text()) ?? '';
  return (
    /^temporal_\w+\{/m.test(text) &&
    /^leasehold_visibility_up 1$/m.test(text) &&
    /^leasehold_requests\{state="Active"\} 0$/m.test(text)
  );
};

let prodDependencies: string[];
/** Where the workers of this file run: a namespace of its own on the test server. */
let worker: Record<string, string>;

beforeAll(async () => {
  fs.writeFileSync(recorderFile, RECORDER);
  prodDependencies = productionDependencies(false);
  installProduction(prodDependencies);
  const address = process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS!;
  const namespace = `test-${randomUUID().slice(0, 8)}`;
  const connection = await Connection.connect({ address });
  await ensureNamespace(connection, namespace, 1).finally(() => connection.close());
  worker = {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    LEASEHOLD_TASK_QUEUE: `production-${namespace}`,
  };
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the production install', () => {
  test('npm leaves the sandbox package and its dependencies out of it (and would not without --workspaces=false)', () => {
    const sandboxOnly = Object.keys(readJson('packages/sandbox/package.json').dependencies).filter(
      (d) => !(d in readJson('package.json').dependencies),
    );
    expect(sandboxOnly).toContain('selfsigned');
    const names = (deps: string[]) => new Set(deps.map((d) => d.replace(/^.*node_modules\//, '')));
    const prod = names(prodDependencies);
    expect(prod).toContain('@temporalio/worker');
    for (const name of ['@leasehold/sandbox', ...sandboxOnly]) expect(prod).not.toContain(name);
    expect(names(productionDependencies(true))).toContain('selfsigned');
    expect(Object.keys(readJson('package.json').dependencies)).not.toContain('@leasehold/sandbox');
  });

  test('`leasehold worker` runs on it (polling, healthy, serving /metrics) and loads no sandbox module', async () => {
    const port = await freePort();
    const run = await leasehold(
      production,
      ['worker'],
      { ...worker, NODE_ENV: 'production', LEASEHOLD_SANDBOXES: 'off', LEASEHOLD_WORKER_HEALTH_PORT: String(port) },
      healthyWithMetrics(`http://127.0.0.1:${port}`),
    );
    expect(run.exitCode).toBe(0);
    expect(run.loaded).toContain(path.join(production, 'node_modules', '@temporalio', 'worker', 'lib', 'worker.js'));
    // Nothing came from beyond the production set: every package file is under its node_modules.
    expect(run.loaded.filter((f) => f.includes('/node_modules/') && !f.startsWith(production))).toEqual([]);
    expectNoSandbox(run);
  });

  test('`leasehold webhook` runs on it and loads no sandbox module', async () => {
    const port = await freePort();
    const run = await leasehold(
      production,
      ['webhook'],
      {
        ...worker,
        NODE_ENV: 'production',
        LEASEHOLD_SANDBOXES: 'off',
        LEASEHOLD_WEBHOOK_HOST: '127.0.0.1',
        LEASEHOLD_WEBHOOK_PORT: String(port),
      },
      healthy(`http://127.0.0.1:${port}/healthz`),
    );
    expect(run.exitCode).toBe(0);
    expectNoSandbox(run);
  });

  test('the sandbox commands say the sandbox package is not installed: one line, no stack trace', async () => {
    const commands = [['start'], ['sandbox'], ['demo', 'move', 'ACCESS-1', 'Approved by Manager', '--as', 'bob']];
    const runs = await Promise.all(
      commands.map((args) => leasehold(production, args, { NODE_ENV: 'production', LEASEHOLD_SANDBOXES: 'off' })),
    );
    for (const [i, run] of runs.entries()) {
      expect(run.exitCode).toBe(1);
      expect(run.output).toContain(`\`leasehold ${commands[i]![0]}\` ${NOT_INSTALLED}`);
      expect(run.output).not.toMatch(/^\s+at /m);
    }
  });

  test('--help of every command works on it without the sandbox', async () => {
    for (const run of await Promise.all(
      [['--help'], ['worker', '--help'], ['webhook', '--help']].map((args) => leasehold(production, args, {})),
    )) {
      expect(run.exitCode).toBe(0);
      expect(run.output).toContain('Usage: leasehold');
      expectNoSandbox(run);
    }
  });
});

describe('the development checkout (the sandbox installed)', () => {
  test('the recorder sees the sandbox load when a sandbox command runs', async () => {
    const ports = await Promise.all(Array.from({ length: 7 }, () => freePort()));
    const env = {
      LEASEHOLD_SANDBOX_JIRA_PORT: String(ports[0]),
      LEASEHOLD_SANDBOX_OKTA_PORT: String(ports[1]),
      LEASEHOLD_SANDBOX_ENTRA_PORT: String(ports[2]),
      LEASEHOLD_SANDBOX_GITHUB_PORT: String(ports[3]),
      LEASEHOLD_SANDBOX_GOOGLE_PORT: String(ports[4]),
      LEASEHOLD_SANDBOX_AWS_PORT: String(ports[5]),
      LEASEHOLD_SANDBOX_SLACK_PORT: String(ports[6]),
    };
    const run = await leasehold(projectRoot, ['sandbox'], env, (output) => output.includes('Environment for a worker'));
    expect(run.exitCode).toBe(0);
    expect(run.requests).toContain('@leasehold/sandbox');
    expect(run.loaded).toContain(path.join(projectRoot, 'packages', 'sandbox', 'dist', 'index.js'));
    expect(run.loaded.filter((f) => SANDBOX_FILE.test(f))).toEqual(
      expect.arrayContaining([expect.stringMatching(/\/node_modules\/selfsigned\//)]),
    );
  });

  test('`leasehold worker` leaves it unloaded although it could load it', async () => {
    expect(fs.existsSync(path.join(projectRoot, 'node_modules', '@leasehold', 'sandbox', 'package.json'))).toBe(true);
    const port = await freePort();
    const run = await leasehold(
      projectRoot,
      ['worker'],
      { ...worker, LEASEHOLD_WORKER_HEALTH_PORT: String(port) },
      healthy(`http://127.0.0.1:${port}/healthz`),
    );
    expect(run.exitCode).toBe(0);
    expectNoSandbox(run);
  });
});

describe('the image', () => {
  const dockerfile = fs.readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages.at(-1)!;

  test('its final stage copies nothing of packages/ and only the pruned node_modules of the build stage', () => {
    expect(stages.length).toBeGreaterThan(1);
    expect(final).not.toMatch(/packages|sandbox\b/i);
    expect(final).toMatch(/^COPY --from=build \/app\/node_modules \.\/node_modules$/m);
    expect(final).toMatch(/LEASEHOLD_SANDBOXES=off/);
  });

  test('its build stage installs and prunes without workspaces, and copies only package.json of packages/', () => {
    const build = stages.slice(0, -1).join('\n');
    expect(build).toMatch(/^RUN npm ci [^\n]*--workspaces=false/m);
    expect(build).toMatch(
      /npm prune [^\n]*--omit=dev[^\n]*--workspaces=false|npm prune [^\n]*--workspaces=false[^\n]*--omit=dev/,
    );
    expect(build).toMatch(/npm run build:product/);
    for (const copy of build.match(/^COPY .*packages.*$/gm) ?? [])
      expect(copy).toMatch(/^COPY packages\/[^/\s]+\/package\.json /);
  });
});

function expectNoSandbox(run: Run): void {
  expect(run.loaded.length).toBeGreaterThan(10);
  expect(run.loaded.filter((f) => SANDBOX_FILE.test(f))).toEqual([]);
  expect(run.requests.filter((r) => SANDBOX_REQUEST.test(r))).toEqual([]);
}

function readJson(file: string): { dependencies: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(projectRoot, file), 'utf8')) as { dependencies: Record<string, string> };
}
