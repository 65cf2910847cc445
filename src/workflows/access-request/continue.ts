import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { RequestRun } from './run';
import type { ContinuedRequest } from './types';
import type { accessRequestWorkflow } from './workflow';

/** Past this many events (or when the server suggests it) a request continues as new. */
const MAX_HISTORY_EVENTS = 2_000;
/** Event ids remembered across continue-as-new to recognise redeliveries (signals are deduped by id). */
const MAX_SEEN_EVENTS = 500;

/** A long-lived request's history stays bounded: a flood of decisions cannot grow it without end. */
export function historyTooLong(run: RequestRun): boolean {
  if (!run.resilient) return false;
  const now = workflowInfo();
  return now.continueAsNewSuggested || now.historyLength > (run.input.maxHistoryEvents ?? MAX_HISTORY_EVENTS);
}

/**
 * Continues as new with everything the run knows, between handlers and Jira writes: in the approval
 * wait (its deadline and next reminder carried) or while active (the expiry carried in the snapshot).
 */
export async function continueRun(run: RequestRun, approval?: ContinuedRequest['approval']): Promise<never> {
  await condition(() => allHandlersFinished() && !run.writeBack.writing);
  const carried: ContinuedRequest = {
    phase: approval ? 'approval' : 'active',
    ...(approval ? { approval } : {}),
    snapshot: run.snapshot,
    policy: run.policy!,
    groups: run.groups,
    inbox: run.inbox,
    seenEvents: [...run.seenEvents].slice(-MAX_SEEN_EVENTS),
    answered: [...run.answered].slice(-MAX_SEEN_EVENTS),
    commentSeq: run.commentSeq,
    expiryChanged: run.expiry.unannounced,
    writeBack: run.writeBack.state,
    pendingExtension: run.pendingExtension,
  };
  return continueAsNew<typeof accessRequestWorkflow>(run.input, carried);
}
