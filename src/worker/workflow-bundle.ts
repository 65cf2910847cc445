import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { leanBundle } from './source-map';

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

/** The bundle with webpack's full source map, beside the lean one (`x.js` → `x.debug.js`). */
export const debugBundlePath = (bundlePath: string): string => bundlePath.replace(/(\.js)?$/, '.debug.js');

/**
 * Bundles src/workflows (webpack, as the worker would) into two files: `outFile`, whose source map is
 * lean (see source-map.ts), and its debug sibling with the full map. Returns `outFile`.
 */
export async function writeWorkflowBundle(outFile: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, preloadModules, logger: quietLogger });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(debugBundlePath(outFile), code);
  fs.writeFileSync(outFile, await leanBundle(code));
  return outFile;
}

/**
 * The bundle a worker runs: the lean one, or its debug sibling (full source map) when workflow stack
 * traces are on and it is there.
 */
function bundleFor(bundlePath: string, stackTraces: boolean): string {
  const debug = debugBundlePath(bundlePath);
  return stackTraces && fs.existsSync(debug) ? debug : bundlePath;
}

/**
 * Worker options naming the workflow code (see `bundleFor`): the bundle given, else the one named by
 * LEASEHOLD_WORKFLOW_BUNDLE, else the pre-built one when there is one, else the sources.
 */
export async function workflowBundleOption({
  bundlePath,
  stackTraces = false,
}: { bundlePath?: string; stackTraces?: boolean } = {}): Promise<
  { workflowBundle: { codePath: string } } | { workflowsPath: string; bundlerOptions: { preloadModules: string[] } }
> {
  if (bundlePath) return { workflowBundle: { codePath: bundleFor(bundlePath, stackTraces) } };
  const fromEnv = process.env.LEASEHOLD_WORKFLOW_BUNDLE;
  if (fromEnv && fs.existsSync(fromEnv)) return { workflowBundle: { codePath: bundleFor(fromEnv, stackTraces) } };
  if (__filename.endsWith('.js') && fs.existsSync(prebuiltBundlePath))
    return { workflowBundle: { codePath: bundleFor(prebuiltBundlePath, stackTraces) } };
  return { workflowsPath, bundlerOptions: { preloadModules } };
}

if (require.main === module) {
  writeWorkflowBundle(process.argv[2] ?? prebuiltBundlePath).catch((err: unknown) => {
    process.stderr.write(`bundling workflows failed: ${String(err)}\n`);
    process.exitCode = 1;
  });
}
