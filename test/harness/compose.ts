import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/paths';

/** A compose file read as Docker Compose reads it: YAML (anchors merged), then `${VAR}` interpolation. */

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  healthcheck?: { test: string[] };
  restart?: string;
  profiles?: string[];
}
export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
}

/** Compose's interpolation: `${X}`, `${X:-default}`, `${X-default}`, `${X:?error}`, `$$` for a literal `$`. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-|:?\?)([^}]*))?\}/g,
    (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (whole === '$$') return '$';
      const value = env[name!];
      const empty = value === undefined || (op?.startsWith(':') && value === '');
      if (op?.endsWith('-')) return empty ? arg! : value!;
      if (op?.endsWith('?') && empty) throw new Error(`required variable ${name} is missing: ${arg}`);
      return value ?? '';
    },
  );
}

export function readComposeText(file: string): string {
  return fs.readFileSync(path.join(projectRoot, file), 'utf8');
}

export function loadCompose(file: string, env: Record<string, string | undefined>): ComposeFile {
  return parse(interpolate(readComposeText(file), env), { merge: true }) as ComposeFile;
}

/** What `.env.example` sets, with the secrets it leaves empty filled in (compose requires them). */
export function exampleEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(path.join(projectRoot, '.env.example'), 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return { ...env, JIRA_API_TOKEN: 'token', JIRA_WEBHOOK_SECRET: 'secret', ...extra };
}

export const commandOf = (s: ComposeService): string[] =>
  Array.isArray(s.command) ? s.command : (s.command ?? '').split(' ').filter(Boolean);

/** The allocator setting the image runs its processes with (the final stage's `ENV MALLOC_ARENA_MAX`). */
export function imageMallocArenas(): string | undefined {
  const dockerfile = fs.readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8');
  return /^\s*MALLOC_ARENA_MAX=(\d+)/m.exec(dockerfile.split(/^FROM /m).at(-1) ?? '')?.[1];
}
