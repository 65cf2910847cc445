import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { embeddedStartEnv } from '../../test/harness/embedded';
import { secs, type PerfContext, type Row } from './common';

const BANNER_END = 'Ctrl-C stops everything';
/** What the bench's own stacks put in this process's environment: none of it may reach `leasehold start`. */
const LEAKED = /^(JIRA_|ATLASSIAN_|OKTA_|ENTRA_|GITHUB_|GOOGLE_|AWS_|LEASEHOLD_TEST_|LEASEHOLD_WORKFLOW_BUNDLE)/;

interface Started {
  ms: number;
  output: string;
}

/** Spawns `command`, times it to the end of the ready banner, then stops it as Ctrl-C does (its process group). */
async function timeToReady(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<Started> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${command} ${args.join(' ')}: no banner in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (output.includes(BANNER_END)) {
        clearTimeout(timer);
        resolve(performance.now());
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited before its banner:\n${output.slice(-2000)}`));
    });
  });
  try {
    const at = await ready;
    if (!output.includes('Leasehold is running')) throw new Error(`no "Leasehold is running" in:\n${output}`);
    return { ms: at - started, output };
  } finally {
    if (child.pid) await stopGroup(child.pid, exited);
  }
}

const alive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Ctrl-C to the whole process group, then waits until every process of it is gone (SIGKILL after 30 s). */
async function stopGroup(pgid: number, exited: Promise<void>): Promise<void> {
  if (alive(pgid)) process.kill(-pgid, 'SIGINT');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  const deadline = Date.now() + 30_000;
  while (alive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pgid)) process.kill(-pgid, 'SIGKILL');
}

async function freshEnv(): Promise<{ env: NodeJS.ProcessEnv; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-perf-start-'));
  const env = await embeddedStartEnv(dir);
  for (const key of Object.keys(env)) if (LEAKED.test(key)) delete env[key];
  env.LEASEHOLD_LOG_LEVEL = 'error';
  return { env, dir };
}

const mtime = (file: string): number => fs.statSync(path.join(projectRoot, file)).mtimeMs;

/**
 * Figure 8: `node bin/leasehold.js start` (what `npm start` runs after its build) to its ready banner,
 * on free ports with its state in a fresh folder: the first start (new Temporal database, namespace,
 * rules applied) and a restart on the same state; then `npm start` itself once (build included).
 */
export async function startupFigure(ctx: PerfContext): Promise<Row[]> {
  const node = process.execPath;
  const cli = path.join(projectRoot, 'bin', 'leasehold.js');
  const first = await freshEnv();
  const dirs = [first.dir];
  try {
    const before = mtime('dist/cli/main.js');
    const cold = await timeToReady(node, [cli, 'start'], first.env, 120_000);
    ctx.log(`  leasehold start (first): ${secs(cold.ms)}`);
    const warm = await timeToReady(node, [cli, 'start'], first.env, 120_000);
    ctx.log(`  leasehold start (restart): ${secs(warm.ms)}`);
    const rebuiltByCli = mtime('dist/cli/main.js') !== before;
    const second = await freshEnv();
    dirs.push(second.dir);
    const npm = await timeToReady('npm', ['start'], second.env, 300_000);
    const rebuiltByNpm = mtime('dist/cli/main.js') !== before;
    ctx.log(`  npm start: ${secs(npm.ms)}`);
    return [
      {
        figure: '8. `leasehold start` (already built) → ready banner, first start',
        measured: `${secs(cold.ms)} (restart on the same state ${secs(warm.ms)})`,
        target: '≤ 10 s',
        held: cold.ms <= 10_000 && warm.ms <= 10_000,
        note: `no rebuild by \`leasehold start\`: ${rebuiltByCli ? 'NO, dist/ changed' : 'yes, dist/ untouched'}`,
      },
      {
        figure: '8. `npm start` (its build step, then start) → ready banner, once',
        measured: secs(npm.ms),
        target: '≤ 10 s',
        held: npm.ms <= 10_000,
        note: `rebuilt: ${rebuiltByNpm ? 'yes (its `npm run build` re-emitted dist/, though nothing had changed)' : 'no (dist/ untouched)'}`,
      },
    ];
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}
