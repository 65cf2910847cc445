/**
 * The raw baseline's workflow (bundled on its own by `bundleWorkflowCode`, never by the product's
 * bundle): waits for a signal, then runs `steps` no-op activities one after the other.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export interface RawActivities {
  noop(step: number): Promise<void>;
}

export const goSignal = defineSignal('go');

const { noop } = proxyActivities<RawActivities>({ startToCloseTimeout: '10 seconds' });

export async function rawBaselineWorkflow(steps: number): Promise<void> {
  let go = false;
  setHandler(goSignal, () => void (go = true));
  await condition(() => go);
  for (let i = 0; i < steps; i++) await noop(i);
}
