import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Bundles `src/workflows` once per test run and returns the bundle's path. */
export async function bundleWorkflowsOnce(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-bundle-'));
  const file = path.join(dir, 'workflows.js');
  fs.writeFileSync(file, code);
  return file;
}
