/**
 * The performance figures (`npm run bench`, `-- --quick`, `-- --only raw,approval`): a benchmark, not a
 * test. Everything runs on the embedded stack: a Temporal dev server of its own, the sandboxes
 * answering at once, the worker and the webhook starter, on loopback; each figure on a fresh
 * namespace and sandboxes. Prints a markdown table (figure | measured | target | ratio to the raw
 * baseline of the same run | held). Exits 0 whatever the targets say; 1 only if the bench itself broke
 * (a request lost or failed).
 *
 *   npm run bench -- [--quick] [--only raw,approval,burst,expiry,rate-limit,backlog,webhook,startup]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { logger } from '../src/logging';
import { startDevServer } from '../src/temporal/dev-server';
import { installRuntimeLogging } from '../src/temporal/runtime';
import { writeWorkflowBundle } from '../src/worker/workflow-bundle';
import { approvalFigures } from './perf/approvals';
import { printTable, type PerfContext, type Row } from './perf/common';
import { backlogFigure } from './perf/backlog';
import { expiryFigure } from './perf/expiry';
import { rateLimitFigures } from './perf/rate-limit';
import { rawBaseline } from './perf/raw';
import { startupFigure } from './perf/startup';
import { webhookFigure } from './perf/webhook';

const figures: Record<string, (ctx: PerfContext) => Promise<Row[]>> = {
  raw: rawBaseline,
  approval: (ctx) => approvalFigures(ctx, { steady: true, burst: false }),
  burst: (ctx) => approvalFigures(ctx, { steady: false, burst: true }),
  expiry: expiryFigure,
  'rate-limit': rateLimitFigures,
  backlog: backlogFigure,
  webhook: webhookFigure,
  startup: startupFigure,
};

const out = (line = ''): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const quick = values.quick ?? false;
  const names = values.only ? values.only.split(',').map((n) => n.trim()) : Object.keys(figures);
  for (const name of names)
    if (!figures[name]) throw new Error(`no figure ${name} (known: ${Object.keys(figures).join(', ')})`);
  // Every other figure's ratio divides by the raw baseline: it always runs first.
  if (!names.includes('raw')) names.unshift('raw');
  else names.sort((a, b) => (a === 'raw' ? -1 : b === 'raw' ? 1 : 0));
  process.env.LEASEHOLD_LOG_LEVEL ??= 'error';
  logger.level = process.env.LEASEHOLD_LOG_LEVEL;
  installRuntimeLogging();

  const started = Date.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-perf-'));
  const ctx: PerfContext = {
    quick,
    size: (full, small) => (quick ? small : full),
    broken: [],
    log: (line) => void process.stderr.write(`bench: ${line}\n`),
  };
  ctx.log(`${os.cpus().length} CPUs, Node ${process.version}, ${quick ? 'quick' : 'full'} run: ${names.join(', ')}`);
  const server = await startDevServer({ startTimeoutMs: 120_000 });
  process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.LEASEHOLD_WORKFLOW_BUNDLE = await writeWorkflowBundle(path.join(workDir, 'workflow-bundle.js'));
  const rows: Row[] = [];
  try {
    for (const name of names) {
      const t = Date.now();
      ctx.log(`${name}…`);
      try {
        rows.push(...(await figures[name]!(ctx)));
      } catch (err) {
        ctx.broken.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        rows.push({ figure: name, measured: 'BROKE (see below)', target: '–' });
      }
      ctx.log(`${name} done in ${Math.round((Date.now() - t) / 1000)} s`);
    }
  } finally {
    await server.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  out();
  printTable(rows, out);
  out();
  out(
    `${quick ? 'quick' : 'full'} run, ${os.cpus().length} CPUs, wall time ${Math.round((Date.now() - started) / 1000)} s`,
  );
  for (const b of ctx.broken) out(`! ${b}`);
  return ctx.broken.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
