import { allHandlersFinished, condition, log } from '@temporalio/workflow';
import { legacyJira } from './activities';
import { buildEvidence } from './evidence';
import type { RequestRun } from './run';
import { slackSettled } from './slack';
import { audit } from './sinks';
import type { EvidenceRecord, RequestState } from './types';

/**
 * The end of a request: its final state, the closing comment and transition, and the evidence record
 * attached to the issue. The lifecycle is over (any access is gone); the run stays open until Jira has
 * heard all of it, and returns the evidence as its result.
 */
export async function finish(
  run: RequestRun,
  state: RequestState,
  text?: string,
  status?: string,
): Promise<EvidenceRecord> {
  const { input, snapshot, policy } = run;
  const problem = snapshot.problem?.message; // setState clears it
  run.setState(state);
  snapshot.endedAt = new Date().toISOString();
  if (state === 'Failed' || state === 'ManualHandling') {
    const reason = text?.split('\n')[0] ?? state;
    snapshot.failure = { reason, ...(problem ? { error: problem } : {}), at: snapshot.endedAt };
  }
  audit.stateChanged(snapshot);
  if (text) await run.comment(text);
  if (status) await run.moveTo(status);
  const evidence = buildEvidence(snapshot);
  const file = {
    issueKey: input.issueKey,
    fileName: `leasehold-evidence-${input.issueKey}.json`,
    json: JSON.stringify(evidence, null, 2),
  };
  if (policy && run.resilient) {
    run.writeBack.enqueue({ kind: 'evidence', ...file });
    await condition(() => run.writeBack.drained());
  } else if (policy) {
    await legacyJira
      .attachEvidence({ jira: policy.jira, ...file })
      .catch((err: unknown) =>
        log.error('could not attach evidence; it stays in the workflow history', { error: String(err) }),
      );
  }
  await slackSettled(run);
  await condition(allHandlersFinished);
  return evidence;
}
