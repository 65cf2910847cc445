/**
 * The fault suite (`npm run chaos`, `npm run chaos -- --quick`): each fault that could delay a
 * revocation or lose a request, on the embedded stack (a Temporal dev server of its own, the
 * sandboxes, the worker and the webhook starter, all on loopback), with a table per scenario:
 * requests, lost, duplicated, failed, revocation lateness past expiry, IdP calls per membership change.
 * Exits 1 when any request was lost, duplicated or failed. Not part of `npm test`.
 *
 *   npm run chaos -- [--quick] [--only NAME,NAME]
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startDevServer } from '../src/temporal/dev-server';
import { installRuntimeLogging } from '../src/temporal/runtime';
import { writeWorkflowBundle } from '../src/worker/workflow-bundle';
import { printTable, type Row } from './chaos/measure';
import * as scenarios from './chaos/scenarios';

const all: Record<string, (ctx: scenarios.ChaosContext) => Promise<Row>> = {
  'jira-down': scenarios.jiraDownAcrossExpiry,
  'jira-down-judging': scenarios.jiraDownWhileJudging,
  'flaky-idp': scenarios.flakyDirectories,
  'release-behind-acquire': scenarios.releaseBehindAcquire,
  'long-history': scenarios.longHistories,
  'worker-kill': scenarios.workerKilled,
  'temporal-restart': scenarios.temporalRestart,
  intake: () => scenarios.intakeSafety(),
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const quick = values.quick ?? false;
  const names = values.only ? values.only.split(',') : Object.keys(all);
  for (const name of names)
    if (!all[name]) throw new Error(`no scenario ${name} (known: ${Object.keys(all).join(', ')})`);
  installRuntimeLogging();
  process.env.LEASEHOLD_LOG_LEVEL ??= 'error';
  const server = await startDevServer();
  process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.LEASEHOLD_WORKFLOW_BUNDLE = await writeWorkflowBundle(
    path.join(os.tmpdir(), `leasehold-chaos-bundle-${process.pid}.js`),
  );
  const ctx: scenarios.ChaosContext = { quick, size: (full, small) => (quick ? small : full) };
  const rows: Row[] = [];
  try {
    for (const name of names) {
      const started = Date.now();
      process.stderr.write(`chaos: ${name}…\n`);
      const r = await all[name]!(ctx);
      rows.push(r);
      process.stderr.write(`chaos: ${name} done in ${Math.round((Date.now() - started) / 1000)} s\n`);
    }
  } finally {
    await server.stop();
  }
  printTable(rows);
  if (rows.some((r) => r.lost + r.duplicated + r.failed > 0)) process.exitCode = 1;
}

main().then(
  () => process.exit(),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
