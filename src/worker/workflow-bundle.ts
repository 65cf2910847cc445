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

/** Bundles src/workflows into one file (webpack, as the worker would) and returns its path. */
export async function writeWorkflowBundle(outFile: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quietLogger });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  return outFile;
}

/** Worker options naming the workflow code: the pre-built bundle when there is one, else the sources. */
export async function workflowBundleOption(): Promise<
  { workflowBundle: { codePath: string } } | { workflowsPath: string }
> {
  const fromEnv = process.env.LEASEHOLD_WORKFLOW_BUNDLE;
  if (fromEnv && fs.existsSync(fromEnv)) return { workflowBundle: { codePath: fromEnv } };
  if (__filename.endsWith('.js') && fs.existsSync(prebuiltBundlePath))
    return { workflowBundle: { codePath: prebuiltBundlePath } };
  return { workflowsPath: require.resolve('../workflows') };
}

if (require.main === module) {
  writeWorkflowBundle(process.argv[2] ?? prebuiltBundlePath).catch((err: unknown) => {
    process.stderr.write(`bundling workflows failed: ${String(err)}\n`);
    process.exitCode = 1;
  });
}
