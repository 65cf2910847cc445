import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { parseDuration } from '../../policy/duration';
import { driftStateQuery, reconcileNowUpdate } from './messages';
import { reconcileAll } from './pass';
import type { DriftState, ReconciliationSummary } from './types';

/**
 * Drift detection, as one long-lived workflow (`leasehold-drift`): it reconciles every group the rules
 * manage with its directory on the rules' schedule (`drift.every`, hourly by default), or at once when an
 * operator asks. It carries what it must remember between passes (each group's baseline, the findings
 * still open and where they were reported), hence a workflow that continues as new rather than a
 * Schedule of stateless runs.
 */

const KEEP_PASSES = 50;
const HOUR_MS = 3_600_000;
/** Passes per run before continuing as new (each pass is a handful of events per managed group). */
const PASSES_PER_RUN = 100;

export async function driftWorkflow(carried?: DriftState): Promise<void> {
  const state: DriftState = carried ?? { baseline: {}, open: [], closed: [], passes: [] };
  let asked = 0;
  let served = 0;
  setHandler(driftStateQuery, () => state);
  setHandler(reconcileNowUpdate, async () => {
    const ask = ++asked;
    // Answered by a pass that started after the ask (a pass under way may have read the groups before).
    await condition(() => served >= ask);
    return state.passes.at(-1)!;
  });

  // The rules' interval, learnt each pass (the schema's default when they say nothing: the activity applies it).
  let everyMs = HOUR_MS;
  for (let pass = 0; ; pass++) {
    const serving = asked;
    const summary = await reconcileAll(state);
    everyMs = parseDuration(summary.every) ?? everyMs;
    remember(state, summary);
    served = serving;
    describe(state, summary, everyMs);
    if (pass + 1 >= PASSES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(() => asked === served && allHandlersFinished());
      await continueAsNew<typeof driftWorkflow>(state);
    }
    await condition(() => asked > served, everyMs, { summary: 'until the next reconciliation' });
  }
}

function remember(state: DriftState, summary: ReconciliationSummary): void {
  state.passes.push(summary);
  state.passes.splice(0, Math.max(0, state.passes.length - KEEP_PASSES));
}

function describe(state: DriftState, last: ReconciliationSummary, everyMs: number): void {
  const next = new Date(Date.parse(last.at) + everyMs).toISOString();
  const open = state.open.map((f) => `- ${f.kind}: ${f.userLogin} in ${f.groupName} (${f.connectionName})`).join('\n');
  setCurrentDetails(
    `last reconciliation **${last.at}**: ${last.groups} groups, ${last.members} members; next at ${next}\n\n` +
      `open findings: ${state.open.length}${open ? `\n${open}` : ''}` +
      (last.unresolvedGroups.length ? `\n\nnot read: ${last.unresolvedGroups.join('; ')}` : ''),
  );
}
