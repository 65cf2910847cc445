import { isAutoApproved } from '../../policy/approval';
import { parseDuration } from '../../policy/duration';
import { approvalsStillMissing, showProgress, takeDecision } from './approvals';
import { ignore, ignoreRelated } from './ignored';
import type { RequestRun } from './run';
import { texts } from './texts';
import { checkRelated } from './verification';
import type { ChangeRequest, PendingExtension, StatusChange } from './types';

/**
 * Extensions of an active grant by a *Request Access Change*: the change request is verified in Jira,
 * then approved like the grant (the same approval round, on the change issue), and the expiry moves
 * to the new duration from the grant, within the level's maximum.
 */

/** A change request arrived: verified, then auto-approved (low risk) or put to its approvers. */
export async function openChange(run: RequestRun, event: ChangeRequest): Promise<void> {
  const { rule, snapshot } = run;
  const check = run.verifying ? await checkRelated(run.trust(), event, 'change', snapshot.grantedAt!) : undefined;
  if (check && !check.applies) return ignoreRelated(run, event, check, 'Change request');
  // The duration Jira has, not the one a signal claims.
  if (check) event.duration = check.facts.duration;
  const ms = event.duration ? parseDuration(event.duration) : undefined;
  if (ms === undefined) {
    ignore(run, event, `the change request has no valid duration (${event.duration ?? 'empty'})`);
    return run.comment(texts.changeWithoutDuration(event.issueKey), event.issueKey);
  }
  run.pendingExtension = { event, durationMs: ms, approvals: [] };
  if (isAutoApproved(rule.level)) return grantExtension(run, run.pendingExtension, 'auto-approved (low risk)');
  const needed = approvalsStillMissing(run, []);
  showProgress(run, { kind: 'extension', issueKey: event.issueKey, approvals: run.pendingExtension.approvals });
  await run.comment(texts.changeNeedsApproval(rule, event.duration, needed, event.issueKey), event.issueKey);
}

/** A decision on the pending change issue: judged like the grant's; enough approvals move the expiry. */
export async function decideChange(run: RequestRun, ext: PendingExtension, event: StatusChange): Promise<void> {
  const round = { kind: 'extension', issueKey: ext.event.issueKey, approvals: ext.approvals } as const;
  const result = await takeDecision(run, round, event);
  showProgress(run, result.done ? undefined : round);
  if (!result.done) return;
  if (!result.approved) {
    run.pendingExtension = undefined;
    return run.comment(texts.extensionRefused(result.decision, result.by, run.snapshot.expiresAt!));
  }
  const by = ext.approvals.map((a) => a.email ?? a.accountId).join(', ');
  await grantExtension(run, ext, `approved by ${ext.approvals.map((a) => a.email).join(' and ')}`, by);
}

async function grantExtension(run: RequestRun, ext: PendingExtension, how: string, by = how): Promise<void> {
  const { rule, snapshot, expiry } = run;
  const { ms, capped } = expiry.capFromGrant(rule, ext.durationMs);
  expiry.extend({ by, ms, capped, approvals: ext.approvals, issueKey: ext.event.issueKey });
  const text = texts.extended(rule, how, snapshot.expiresAt!, snapshot.extensions.at(-1)?.capped ?? false);
  await run.comment(text, ext.event.issueKey);
  await run.moveTo(run.statuses.granted, ext.event.issueKey);
  await run.comment(texts.extendedOnRequest(text, ext.event.issueKey));
  run.pendingExtension = undefined;
}
