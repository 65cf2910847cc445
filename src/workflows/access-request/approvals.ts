import { approvalsMissing, authorizeApprover } from '../../policy/approval';
import { lookups } from './activities';
import { ignore, ignoreUnverified } from './ignored';
import { readFieldApprovers } from './resolve';
import type { RequestRun } from './run';
import { texts } from './texts';
import { approverGroupsOf, judgeVerified, type Judgement } from './verification';
import type { Decision } from '../../policy/schema';
import type { ApprovalRecord, StatusChange } from './types';

/**
 * One approval procedure for the grant and for an extension: each decision on the issue being
 * approved is verified at its source and judged under the pinned rule; what does not count is
 * recorded and answered; distinct authorized approvals are tallied until the rule's count is met.
 */
export interface ApprovalRound {
  kind: 'grant' | 'extension';
  /** The issue decisions are made on: the request itself, or the change request. */
  issueKey: string;
  approvals: ApprovalRecord[];
}

export type RoundResult =
  | { done: false }
  | { done: true; approved: true }
  /** An authorized refusal (or, on the grant, the requester withdrawing it). */
  | { done: true; approved: false; decision: Decision; verdict: Judgement; by: { email?: string; as: string } };

const waiting: RoundResult = { done: false };

export async function takeDecision(run: RequestRun, round: ApprovalRound, event: StatusChange): Promise<RoundResult> {
  const rule = run.rule;
  const verdict = await judge(run, event);
  if (
    round.kind === 'grant' &&
    event.decision === 'Declined' &&
    (verdict.counts || declinedByRequester(run, event, verdict))
  ) {
    return refused(run, 'Declined', verdict);
  }
  if (!verdict.counts && !verdict.confirmed) {
    await ignoreUnverified(run, event, verdict.reason, verdict.email);
    return waiting;
  }
  if (!verdict.counts) {
    ignore(run, event, verdict.reason, verdict.email, verdict.source);
    return backToWaiting(run, texts.notCounting(round.kind, event, verdict), event.issueKey);
  }
  // Jira stays the record: a decision made in Slack is written there, by whom.
  if (event.slack)
    await run.comment(`${event.decision} in Slack by ${verdict.record.email ?? verdict.record.accountId}.`);
  if (event.decision !== 'Approved') return refused(run, event.decision, verdict);
  const record = verdict.record;
  if (approverIds(round.approvals).includes(personId(record))) {
    ignore(run, event, 'this approver has already approved', record.email, record.source);
    return backToWaiting(run, texts.alreadyApproved(record), event.issueKey);
  }
  round.approvals.push(record);
  const missing = approvalsMissing(rule.level, approverIds(round.approvals));
  if (missing === 0) return { done: true, approved: true };
  const said =
    round.kind === 'grant'
      ? texts.partiallyApproved(rule, record, missing)
      : texts.extensionPartiallyApproved(record, missing);
  return backToWaiting(run, said, event.issueKey);
}

/**
 * Where an approval round stands, on the run (state query, `request show`, the UI's current details):
 * how many approvals are needed, who may still give one, and until when. No round: nothing awaited.
 */
export function showProgress(run: RequestRun, round?: ApprovalRound, deadline?: number): void {
  if (!round) {
    run.snapshot.awaiting = undefined;
    return run.showDetails();
  }
  const { level, owner } = run.rule;
  const done = new Set(approverIds(round.approvals));
  const person = (label: string, email?: string): string[] =>
    email && done.has(email.toLowerCase()) ? [] : [email ? `${label} ${email}` : label];
  const approvers = level.approval.approvers.flatMap((a) => {
    if (a === 'manager') return person('manager', run.snapshot.manager?.email);
    if (a === 'app-owner') return person('app-owner', owner);
    if ('user' in a) return person('user', a.user);
    if ('field' in a)
      return [`${a.field} at request: ${run.snapshot.fieldApprovers?.[a.field]?.join(', ') || 'nobody'}`];
    return [`any member of ${a.group} (${a.connection})`];
  });
  run.snapshot.awaiting = {
    for: round.kind === 'grant' ? 'grant' : round.issueKey,
    required: level.approval.required,
    have: done.size,
    approvers,
    ...(deadline !== undefined ? { deadline: new Date(deadline).toISOString() } : {}),
  };
  run.showDetails();
}

export function approvalsStillMissing(run: RequestRun, approvals: ApprovalRecord[]): number {
  return approvalsMissing(run.rule.level, approverIds(approvals));
}

function refused(run: RequestRun, decision: Decision, verdict: Judgement): RoundResult {
  const by = verdict.counts ? verdict.record : { email: run.snapshot.requester!.email, as: 'requester' };
  return { done: true, approved: false, decision, verdict, by };
}

async function backToWaiting(run: RequestRun, text: string, issueKey: string): Promise<RoundResult> {
  await run.comment(text, issueKey);
  await run.moveTo(run.statuses.waitingForApproval, issueKey);
  return waiting;
}

function declinedByRequester(run: RequestRun, event: StatusChange, verdict: Judgement): boolean {
  return !verdict.counts && verdict.confirmed && event.actorAccountId === run.input.requester.accountId;
}

/** Judges a decision by an actor on this request (or a change issue); returns the approval if it counts. */
async function judge(run: RequestRun, event: StatusChange): Promise<Judgement> {
  const verdict = run.verifying ? await judgeVerified(run.trust(), event, run.rule) : await judgeUnverified(run, event);
  if (verdict.counts || !verdict.confirmed || event.actorAccountId === run.input.requester.accountId) return verdict;
  // Put in an approver field after the request was raised (by the requester, say): recorded as such.
  if ((await readFieldApprovers(run)).length === 0) return verdict;
  const change = [...(run.snapshot.fieldChanges ?? [])].reverse().find((c) => c.to.includes(event.actorAccountId));
  if (!change) return verdict;
  const by = change.byAccountId === run.input.requester.accountId ? 'the requester' : (change.byAccountId ?? 'someone');
  return {
    ...verdict,
    reason: `${verdict.reason}; ${by} put them in ${change.field} at ${change.at}, after the request was raised, which makes nobody an approver`,
  };
}

async function judgeUnverified(run: RequestRun, event: StatusChange): Promise<Judgement> {
  const rule = run.rule;
  // Runs from before decisions were verified at their source: the actor as Jira's user API tells it.
  const approverGroups = approverGroupsOf(rule);
  const facts = await lookups.identifyActor({
    jira: run.policy!.jira,
    accountId: event.actorAccountId,
    approverGroups,
  });
  const people = {
    requesterAccountId: run.input.requester.accountId,
    requesterEmail: run.snapshot.requester!.email,
    managerEmail: run.snapshot.manager?.email,
    ownerEmail: rule.owner,
    ...(run.snapshot.fieldApprovers ? { fieldApprovers: run.snapshot.fieldApprovers } : {}),
  };
  const verdict = authorizeApprover(rule.level, people, facts);
  if (!verdict.authorized) return { counts: false, confirmed: true, reason: verdict.reason, email: facts.email };
  const { eventId, issueKey, actorAccountId: accountId, at } = event;
  return { counts: true, record: { eventId, issueKey, accountId, email: facts.email, as: verdict.as, at } };
}

/** The decision that closed the request before any grant (a denial or decline), for the evidence. */
export function recordClosingDecision(run: RequestRun, event: StatusChange, verdict: Judgement): void {
  const source = verdict.counts ? verdict.record.source : verdict.source;
  const as = verdict.counts ? verdict.record.as : 'requester';
  run.snapshot.closedBy = {
    decision: event.decision,
    issueKey: event.issueKey,
    accountId: event.actorAccountId,
    email: verdict.email,
    as,
    at: source?.at ?? event.at,
    ...(source ? { source } : {}),
  };
}

function personId(a: ApprovalRecord): string {
  return (a.email ?? a.accountId).toLowerCase();
}

function approverIds(approvals: ApprovalRecord[]): string[] {
  return approvals.map(personId);
}
