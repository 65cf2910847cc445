import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Where `npm run build` writes the pre-built workflow bundle (the worker and replays use it if present). */
export const prebuiltBundlePath = path.join(__dirname, '..', 'workflow-bundle.js');

/** A logger that says nothing (webpack's progress is noise in a build). */
export const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const workflowsPath = require.resolve('../workflows');

/**
 * Modules loaded once per reused V8 context instead of once per workflow run. By default every run
 * instantiates each module it loads (its own module cache): with thousands of short-lived lease and
 * request runs, that was most of a run's memory and of the time to start one. These modules keep no
 * state of their own at module scope (module-level values are constants, activity proxies and
 * message definitions; every run's state lives in its function's closures), which is what makes
 * sharing them safe; the SDK deep-freezes what they export. The rules' validation (zod) is not
 * among them: only the policy workflow loads it, when it validates.
 */
export const preloadModules = ['@temporalio/workflow', workflowsPath];

/** Bundles src/workflows into one file (webpack, as the worker would) and returns its path. */
export async function writeWorkflowBundle(outFile: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, preloadModules, logger: quietLogger });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  return outFile;
}

/** Worker options naming the workflow code: the pre-built bundle when there is one, else the sources. */
export async function workflowBundleOption(): Promise<
  { workflowBundle: { codePath: string } } | { workflowsPath: string; bundlerOptions: { preloadModules: string[] } }
> {
  const fromEnv = process.env.LEASEHOLD_WORKFLOW_BUNDLE;
  if (fromEnv && fs.existsSync(fromEnv)) return { workflowBundle: { codePath: fromEnv } };
  if (__filename.endsWith('.js') && fs.existsSync(prebuiltBundlePath))
    return { workflowBundle: { codePath: prebuiltBundlePath } };
  return { workflowsPath, bundlerOptions: { preloadModules } };
}

if (require.main === module) {
  writeWorkflowBundle(process.argv[2] ?? prebuiltBundlePath).catch((err: unknown) => {
    process.stderr.write(`bundling workflows failed: ${String(err)}\n`);
    process.exitCode = 1;
  });
}
