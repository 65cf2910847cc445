import fs from 'node:fs';
import path from 'node:path';
import type { SecretRef } from '../policy/schema';
import { projectRoot } from '../paths';

/**
 * Expands `${VAR}` and `${VAR:-default}` in a rules setting with this process's environment.
 * Settings are expanded where they are used (in the worker), so a submitted document stays as written.
 */
export function expandSetting(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_m, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new Error(`setting refers to \${${name}}, which is not set`);
    },
  );
}

/** Resolves a relative path in a setting against the project root (where `npm start` runs). */
export function settingPath(value: string): string {
  const expanded = expandSetting(value);
  return path.isAbsolute(expanded) ? expanded : path.join(projectRoot, expanded);
}

export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
}

/** Reads a secret where the rules say it lives. Only ever called inside activities and servers, never workflows. */
export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const value = env[ref.env];
    if (!value) throw new SecretUnavailableError(`environment variable ${ref.env} is not set`);
    return value;
  }
  try {
    return fs.readFileSync(settingPath(ref.file), 'utf8').trim();
  } catch (err) {
    throw new SecretUnavailableError(`cannot read secret file ${ref.file}: ${(err as Error).message}`);
  }
}

/** The secret, or undefined when none is configured or it cannot be read (callers treat it as absent). */
export function readOptionalSecret(ref: SecretRef | undefined): string | undefined {
  if (!ref) return undefined;
  try {
    return readSecret(ref);
  } catch {
    return undefined;
  }
}
