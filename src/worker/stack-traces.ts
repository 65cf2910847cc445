import fs from 'node:fs';
import { logger } from '../logging';

/** The variable the workflow threads read, through our patch of the SDK (patches/). */
const VARIABLE = 'LEASEHOLD_WORKFLOW_STACK_TRACES';

/**
 * Whether workflows record a stack trace for every promise they create. The Temporal SDK does it
 * always, for the `__stack_trace` query behind the UI's "Stack Trace" tab (a promise hook;
 * temporalio/sdk-typescript#1587), and it is paid on every workflow task, replays included. Our patch
 * of the SDK (patches/@temporalio+worker+*.patch) leaves the hook out when the variable is `off`: with
 * 250 runs cached, the 1,000-grant Okta storm took 1.16× its floor instead of 1.66× (README,
 * "Performance"). What a run waits for stays visible without it: its current details and summaries.
 *
 * The SDK's workflow threads read the variable when they start, so this is set before any worker is
 * created.
 */
export function recordWorkflowStackTraces(on: boolean): void {
  process.env[VARIABLE] = on ? 'on' : 'off';
  if (!on && !sdkPatched())
    logger.warn(
      `${VARIABLE}=off has no effect: the Temporal SDK patch is not applied (run \`npx patch-package\`; ` +
        '`npm ci` applies it unless scripts are skipped)',
    );
}

/** Whether node_modules holds the SDK as our patch leaves it. */
function sdkPatched(): boolean {
  try {
    return fs.readFileSync(require.resolve('@temporalio/worker/lib/workflow/vm-shared.js'), 'utf8').includes(VARIABLE);
  } catch {
    return false;
  }
}
