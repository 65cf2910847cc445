import { condition, patched } from '@temporalio/workflow';
import type { LeaseOutcome } from '../group-lease/types';
import { recordChanges, sendLeases } from './leases';
import { finish } from './finish';
import type { RequestRun } from './run';
import { texts } from './texts';
import type { EvidenceRecord } from './types';

/** How long a failed provisioning waits for an operator's retry before the request closes as failed. */
const OPERATOR_RETRY_WINDOW_MS = 7 * 24 * 3600_000;

/**
 * Step 3: every group acquired, or none: a failed attempt releases what it did acquire and waits up to
 * 7 days for an operator's retry. Then the grant starts its clock. Returns the evidence if it closed.
 */
export async function provision(run: RequestRun): Promise<EvidenceRecord | undefined> {
  let acquired: LeaseOutcome[];
  for (let attempt = 1; ; attempt++) {
    run.setState('Provisioning');
    acquired = await sendLeases(run, 'acquire', `acquire-${attempt}`);
    recordChanges(run, acquired);
    const failed = acquired.filter((r) => !r.ok);
    if (failed.length === 0) break;

    // Never leave partial access behind a failure: release what this attempt did acquire.
    if (acquired.some((r) => r.ok)) recordChanges(run, await sendLeases(run, 'release', `rollback-${attempt}`));
    const reasons = failed.map((f) => `${run.groupName(f.groupId)}: ${f.ok ? '' : f.error}`).join('; ');
    run.setState('ProvisioningFailed');
    run.showProblem({ message: reasons, since: new Date().toISOString() });
    await run.comment(texts.provisioningFailed(reasons, run.input.issueKey));
    await run.moveTo(run.statuses.failed);
    const closed = await awaitOperatorRetry(run);
    if (closed) return closed;
  }
  await startGrant(run, accessBegan(acquired));
  return undefined;
}

/**
 * When the access began: the first membership the directory confirmed. The grant ends a duration after
 * that, even when the outcome reached this run late (its worker restarting, say): the wait is not added
 * to the access. Runs recorded before this change keep the time they processed the outcome.
 */
function accessBegan(acquired: LeaseOutcome[]): Date {
  if (!patched('expiry-from-access-start')) return new Date();
  const confirmed = acquired.flatMap((r) => (r.ok ? [Date.parse(r.at)] : []));
  return new Date(Math.min(Date.now(), ...confirmed));
}

/** The failed provisioning waits for an operator: a retry (said in Jira as an override), a close, or 7 days. */
async function awaitOperatorRetry(run: RequestRun): Promise<EvidenceRecord | undefined> {
  run.operatorRetry = undefined;
  const retried = await condition(
    () => run.operatorRetry !== undefined || run.operatorRevoke !== undefined,
    OPERATOR_RETRY_WINDOW_MS,
    { summary: 'waiting for an operator retry (leasehold request retry), 7 days' },
  );
  if (!retried) return finish(run, 'Failed', texts.notRetried());
  if (run.operatorRevoke)
    return finish(run, 'Failed', texts.closedByOperator(run.operatorRevoke.operator, run.operatorRevoke.reason));
  await run.comment(texts.retried(run.operatorRetry!.operator, run.operatorRetry!.reason));
  return undefined;
}

/** The access is in place: the expiry clock runs from when it began, and Jira hears who approved it and when it ends. */
async function startGrant(run: RequestRun, began: Date): Promise<void> {
  const { snapshot, rule } = run;
  run.expiry.start(began);
  run.setState('Active');
  const approvedBy = texts.approvedBy(snapshot.approvals, snapshot.autoApproved);
  const email = snapshot.requester!.email;
  await run.comment(
    texts.granted(rule, email, snapshot.groupChanges, approvedBy, snapshot.expiresAt!, snapshot.durationCapped),
  );
  await run.moveTo(run.statuses.granted);
}
