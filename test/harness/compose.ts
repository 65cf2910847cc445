import fs from 'node:fs';
import os from 'node:os';
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

/** The Dockerfile's final stage: what the image runs with. */
export function imageStage(): string {
  const dockerfile = fs.readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8');
  return dockerfile.split(/^FROM /m).at(-1) ?? '';
}

/** The allocator the image preloads into its processes (the final stage's `ENV LD_PRELOAD`). */
export function imagePreload(): string | undefined {
  return /^\s*LD_PRELOAD=(\S+)/m.exec(imageStage())?.[1];
}

/** The Node options the image sets for its processes (the final stage's `ENV NODE_OPTIONS="..."`). */
export function imageNodeOptions(): string | undefined {
  return /^\s*NODE_OPTIONS="([^"]*)"/m.exec(imageStage())?.[1];
}

/** The library the image's preload links to (`ln -s "/usr/lib/$(uname -m)-linux-gnu/<file>" <preload>`). */
export function imagePreloadLibrary(): string | undefined {
  const preload = imagePreload();
  if (!preload) return undefined;
  const link = /ln -s "\/usr\/lib\/\$\(uname -m\)-linux-gnu\/([^"]+)" (\S+)/.exec(imageStage());
  return link && link[2] === preload ? link[1] : undefined;
}

/** The same library on this machine (Debian's path for it), when its package is installed here. */
export function hostPreload(): string | undefined {
  const library = imagePreloadLibrary();
  const candidate = library && `/usr/lib/${os.machine()}-linux-gnu/${library}`;
  return candidate && fs.existsSync(candidate) ? candidate : undefined;
}
