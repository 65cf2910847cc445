import { condition } from '@temporalio/workflow';
import { isAutoApproved } from '../../policy/approval';
import { parseDuration } from '../../policy/duration';
import {
  approvalsStillMissing,
  recordClosingDecision,
  showProgress,
  takeDecision,
  type ApprovalRound,
} from './approvals';
import { continueRun, historyTooLong } from './continue';
import { finish } from './finish';
import { ignore, ignoreRelated } from './ignored';
import type { RequestRun } from './run';
import { texts } from './texts';
import { approvedInSlack, askInSlack, remindInSlack } from './slack';
import { checkRelated } from './verification';
import type { ContinuedRequest, EvidenceRecord, Inbound } from './types';

/**
 * Step 2: the approvals the rule asks for, before its deadline, with reminders. Low-risk levels are
 * auto-approved. Returns the evidence when the request ends unapproved (denied, declined, withdrawn,
 * expired, cancelled). `resume`: a run continued as new picks up its wait.
 */
export async function awaitApproval(
  run: RequestRun,
  resume?: ContinuedRequest['approval'],
): Promise<EvidenceRecord | undefined> {
  const { rule, snapshot } = run;
  if (isAutoApproved(rule.level)) {
    snapshot.autoApproved = true;
    return undefined;
  }
  run.setState('AwaitingApproval');
  const { deadline: within, remindEvery } = rule.level.approval;
  const deadline = resume?.deadline ?? Date.now() + parseDuration(within)!;
  const every = remindEvery ? parseDuration(remindEvery) : undefined;
  let nextReminder = resume ? (resume.nextReminder ?? Infinity) : every ? Date.now() + every : Infinity;
  if (!resume) {
    const needed = approvalsStillMissing(run, []);
    await run.comment(texts.received(rule, snapshot.grantedDurationMs!, snapshot.durationCapped, needed));
    askInSlack(run);
  }
  const round: ApprovalRound = { kind: 'grant', issueKey: run.input.issueKey, approvals: snapshot.approvals };
  showProgress(run, round, deadline);

  for (;;) {
    if (historyTooLong(run))
      await continueRun(run, { deadline, ...(Number.isFinite(nextReminder) ? { nextReminder } : {}) });
    const wake = Math.min(deadline, nextReminder);
    const got = await condition(
      () => run.inbox.length > 0 || run.operatorRevoke !== undefined,
      Math.max(1, wake - Date.now()),
      {
        summary: wake === deadline ? `approval deadline ${new Date(deadline).toISOString()}` : 'next approval reminder',
      },
    );
    if (run.operatorRevoke) {
      const { operator, reason } = run.operatorRevoke;
      return finish(run, 'Revoked', texts.cancelledByOperator(operator, reason), run.statuses.revoked);
    }
    if (!got && Date.now() >= deadline) {
      return finish(run, 'ApprovalExpired', texts.approvalExpired(within), run.statuses.approvalExpired);
    }
    if (!got) {
      const reminder = texts.reminder(rule, approvalsStillMissing(run, snapshot.approvals));
      await run.comment(reminder);
      remindInSlack(run, reminder);
      nextReminder = every ? Date.now() + every : Infinity;
      continue;
    }
    const closed = await beforeGrant(run, round, run.inbox.shift()!);
    showProgress(run, closed ? undefined : round, deadline);
    if (closed === 'approved') approvedInSlack(run);
    if (closed) return closed === 'approved' ? undefined : closed;
  }
}

/** One decision or request while the grant waits for approval: 'approved', the closing evidence, or nothing. */
async function beforeGrant(
  run: RequestRun,
  round: ApprovalRound,
  item: Inbound,
): Promise<EvidenceRecord | 'approved' | undefined> {
  const { input, statuses } = run;
  if (item.type === 'removal') {
    const check = run.verifying ? await checkRelated(run.trust(), item.event, 'removal', input.requestedAt) : undefined;
    if (check && !check.applies) return void (await ignoreRelated(run, item.event, check, 'Removal request'));
    return finish(run, 'Declined', texts.withdrawn(item.event.issueKey), statuses.declined);
  }
  if (item.type === 'change') {
    ignore(run, item.event, 'a change request arrived before the access was granted');
    return void (await run.comment(texts.changeBeforeGrant(item.event.issueKey)));
  }
  const event = item.event;
  if (event.issueKey !== input.issueKey) {
    ignore(run, event, `status change on ${event.issueKey}, which is not a pending change of this request`);
    return undefined;
  }
  const result = await takeDecision(run, round, event);
  if (!result.done) return undefined;
  if (result.approved) return 'approved';
  recordClosingDecision(run, event, result.verdict);
  if (result.decision === 'Declined') return finish(run, 'Declined', texts.declined(result.by.email));
  return finish(run, 'Denied', texts.denied(result.by));
}
