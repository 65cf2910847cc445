/**
 * Records the histories replay tests run against: `npm run histories:capture`. Run it when a
 * workflow change is deliberate and versioned (patched); commit the new files beside the old ones.
 * `npm run histories:capture -- --only NAME[,NAME]` saves only those scenarios, so the histories of
 * older workflow versions stay as they were recorded. `--suffix TAG` saves NAME.TAG.json beside the
 * older files (histories of a new shape of the same scenarios).
 */
import path from 'node:path';
import { startDevServer } from '../src/temporal/dev-server';
import { installRuntimeLogging } from '../src/temporal/runtime';
import { writeWorkflowBundle } from '../src/worker/workflow-bundle';
import { Leasehold } from '../test/harness/leasehold';
import { historiesDir, runScenarios, saveHistories } from '../test/replay/scenarios';
import os from 'node:os';

async function main(): Promise<void> {
  installRuntimeLogging();
  const server = await startDevServer();
  process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.LEASEHOLD_WORKFLOW_BUNDLE = await writeWorkflowBundle(
    path.join(os.tmpdir(), 'leasehold-capture-bundle.js'),
  );
  const lh = await Leasehold.start();
  try {
    const args = process.argv.slice(2);
    const onlyAt = args.indexOf('--only');
    const only = onlyAt >= 0 ? new Set(args.splice(onlyAt, 2)[1]?.split(',')) : undefined;
    const suffixAt = args.indexOf('--suffix');
    const suffix = suffixAt >= 0 ? `.${args.splice(suffixAt, 2)[1]}` : '';
    const ids = Object.fromEntries(
      Object.entries(await runScenarios(lh))
        .filter(([name]) => !only || only.has(name))
        .map(([name, id]) => [`${name}${suffix}`, id]),
    );
    const files = await saveHistories(lh, ids, args[0] ?? historiesDir);
    process.stdout.write(`saved:\n${files.map((f) => `  ${path.relative(process.cwd(), f)}`).join('\n')}\n`);
  } finally {
    await lh.stop();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
