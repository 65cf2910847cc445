import { patched } from '@temporalio/workflow';

/**
 * Decides, in the run's first workflow task, the patches its code asks about later (each later
 * `patched(id)` then answers from the SDK's memory, with no new marker).
 *
 * A patch asked for the first time right after a local activity is not safe to replay. When the
 * activity's result came back while its workflow task was being completed, the code after it ran in
 * the next task, and the marker was recorded there; a replay runs that code in the same task, before
 * the SDK has read the next task's markers, so `patched()` answers false and the replay fails on the
 * marker (seen once on CI: 'lease-handoff-local' after the `verifyDecision` local activity). A stuck
 * replay would hold up a revocation, so no patch is left to be asked there.
 *
 * Runs recorded before 'patches-decided-at-start' ask where they always did.
 */
export function decidePatchesAtStart(ids: readonly string[]): void {
  if (!patched('patches-decided-at-start')) return;
  for (const id of ids) patched(id);
}
