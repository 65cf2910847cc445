import {
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import { defaultDecision } from '../../policy/review';
import { forcedRelease, listenForLeaseOutcomes } from '../group-lease/forced-release';
import type { LeaseOutcome } from '../group-lease/types';
import { KEEP_ALIVE } from '../keep-alive';
import { judgeClaim, type Decided } from './judge';
import { reviewItemDecidedSignal, reviewItemStateQuery, reviewStatusChangedSignal } from './messages';
import type { ReviewItemInput, ReviewItemRecord, ReviewItemState, ReviewStatusChange } from './types';

/**
 * One review item (`access-review-<issue>`): waits for its reviewer's decision in Jira until the
 * campaign ends (with reminders), counts only a decision Jira recorded by an authorized reviewer,
 * enforces a revoke through the membership's lease, and returns the item's evidence to the campaign.
 */

const jiraOn = (taskQueue: string | undefined) =>
  proxyActivities<Pick<LeaseholdActivities, 'commentOnIssue' | 'transitionIssue'>>({
    startToCloseTimeout: '1 minute',
    ...KEEP_ALIVE,
    ...(taskQueue ? { taskQueue } : {}),
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });

export async function reviewItemWorkflow(input: ReviewItemInput): Promise<ReviewItemRecord> {
  const { item, issueKey } = input;
  const jira = jiraOn(input.jira.taskQueue);
  const claims: ReviewStatusChange[] = [];
  const seen = new Set<string>();
  const outcomes = listenForLeaseOutcomes();
  const state: ReviewItemState = {
    issueKey,
    person: item.person.login,
    access: accessOf(input),
    status: 'open',
    reviewers: item.reviewers.described,
    ignored: 0,
  };
  setHandler(reviewStatusChangedSignal, (claim) => {
    if (seen.has(claim.eventId)) return;
    seen.add(claim.eventId);
    claims.push(claim);
  });
  setHandler(reviewItemStateQuery, () => state);
  // Jira hears of ignored decisions and reminders beside the wait, never in front of it.
  const writes: Promise<unknown>[] = [];
  const comment = (text: string, key: string) =>
    writes.push(
      jira.commentOnIssue({ jira: input.jira, issueKey, text, dedupeKey: `${workflowInfo().workflowId}:${key}` }),
    );

  // 1. The reviewer's decision, until the campaign ends.
  setCurrentDetails(
    `**${state.person}** in **${state.access}**: waiting for ${state.reviewers.join(', ') || 'nobody'} until ${input.endsAt}`,
  );
  const ignored: ReviewItemRecord['ignored'] = [];
  const decided =
    (await awaitDecision(
      input,
      claims,
      async (why, claim) => {
        ignored.push(why);
        state.ignored = ignored.length;
        comment(
          `${why.email ?? why.accountId}'s move to ${why.status} does not count: ${why.reason}.`,
          `ignored:${claim.eventId}`,
        );
        // Back to waiting before the next claim is judged, so a reviewer's later move is not overwritten.
        await jira.transitionIssue({ jira: input.jira, issueKey, toStatus: input.statuses.waiting });
      },
      comment,
    )) ?? byDefault(input);

  // 2. A revoke is enforced: the membership goes through its lease, verified there.
  const record = recordOf(input, decided, ignored);
  if (decided.decision === 'revoke') {
    state.status = 'enforcing';
    setCurrentDetails(`**${state.person}** in **${state.access}**: revoking (${decided.reason})`);
    record.enforcement = enforcementOf(await revoke(input, decided, outcomes));
  }
  state.status = 'decided';
  state.record = record;
  setCurrentDetails(
    `**${state.person}** in **${state.access}**: ${record.decision} (${record.decidedBy === 'default' ? 'default' : record.reviewer})`,
  );

  // 3. Jira and the campaign hear the outcome.
  // The item shows what counted (a default; or a reviewer's move that an ignored one's undo overtook).
  writes.push(jira.transitionIssue({ jira: input.jira, issueKey, toStatus: input.statuses[decided.decision][0]! }));
  comment(outcomeText(record), 'outcome');
  await Promise.all(writes);
  await getExternalWorkflowHandle(input.campaign.workflowId)
    .signal(reviewItemDecidedSignal, state)
    .catch(() => undefined); // a campaign that is gone still gets the result as the child's
  return record;
}

/** Claims are judged one by one until one counts; reminders between; undefined when the campaign ends. */
async function awaitDecision(
  input: ReviewItemInput,
  claims: ReviewStatusChange[],
  onIgnored: (why: ReviewItemRecord['ignored'][number], claim: ReviewStatusChange) => Promise<void>,
  comment: (text: string, key: string) => void,
): Promise<Decided | undefined> {
  const end = Date.parse(input.endsAt);
  const consumed: string[] = [];
  let nextReminder = input.remindEveryMs ? Date.now() + input.remindEveryMs : undefined;
  for (let reminders = 1; ;) {
    const now = Date.now();
    if (now >= end) return undefined;
    const until = nextReminder !== undefined ? Math.min(end, nextReminder) : end;
    if (await condition(() => claims.length > 0, Math.max(1, until - now))) {
      const claim = claims.shift()!;
      const verdict = await judgeClaim(input, claim, consumed);
      if (verdict.counted) return verdict.decided;
      await onIgnored(verdict.ignored, claim);
      continue;
    }
    if (nextReminder !== undefined && Date.now() >= nextReminder && Date.now() < end) {
      comment(
        `Reminder: this access review is undecided. ${input.item.reviewers.described.join(', ') || 'Nobody'} can decide until ${input.endsAt}; then "${input.undecided}" applies.`,
        `reminder:${reminders++}`,
      );
      nextReminder += input.remindEveryMs!;
    }
  }
}

function byDefault(input: ReviewItemInput): Decided {
  const { decision, reason } = defaultDecision(input.undecided, input.item.recommendation);
  return { decision, by: 'default', reviewer: `default (${input.undecided})`, at: new Date().toISOString(), reason };
}

async function revoke(input: ReviewItemInput, decided: Decided, outcomes: Map<string, LeaseOutcome>) {
  const { group, person } = input.item;
  return forcedRelease(outcomes, {
    key: {
      connectionName: group.connectionName,
      connection: group.connection,
      groupId: group.groupId,
      groupName: group.groupName,
      userId: person.userId,
      userLogin: person.login,
    },
    issueKey: input.issueKey,
    by: `access review ${input.campaign.name} (${input.issueKey}) by ${decided.reviewer}`,
    reason: decided.justification ?? decided.reason,
    leaseSuffix: 'review',
  });
}

function enforcementOf(outcome: LeaseOutcome): NonNullable<ReviewItemRecord['enforcement']> {
  if (!outcome.ok) return { outcome: 'failed', at: new Date().toISOString(), endedGrants: [], error: outcome.error };
  return {
    outcome: 'removed',
    at: outcome.at,
    ...(outcome.verifiedAt ? { verifiedAt: outcome.verifiedAt } : {}),
    ...(outcome.idpAnswer ? { idpAnswer: outcome.idpAnswer } : {}),
    endedGrants: (outcome.endedLeases ?? []).map((l) => l.issueKey),
  };
}

function accessOf(input: ReviewItemInput): string {
  const { group } = input.item;
  return group.application
    ? `${group.application} (${group.level}): ${group.groupName}`
    : `${group.groupName} (${group.connectionName})`;
}

function recordOf(input: ReviewItemInput, decided: Decided, ignored: ReviewItemRecord['ignored']): ReviewItemRecord {
  const { item } = input;
  return {
    item: input.issueKey,
    person: item.person.login,
    ...(item.person.displayName ? { personName: item.person.displayName } : {}),
    access: accessOf(input),
    group: item.group.groupName,
    connection: item.group.connectionName,
    obtained: item.obtained,
    recommendation: item.recommendation,
    reviewers: item.reviewers.described,
    decision: decided.decision,
    decidedBy: decided.by,
    reviewer: decided.reviewer,
    at: decided.at,
    ...(decided.justification ? { justification: decided.justification } : {}),
    ...(decided.source ? { source: decided.source } : {}),
    ignored,
  };
}

function outcomeText(r: ReviewItemRecord): string {
  const who =
    r.decidedBy === 'default'
      ? `No reviewer decided by the end of the campaign: ${r.reviewer}`
      : `Decided by ${r.reviewer}`;
  if (r.decision === 'keep') return `${who}: access kept. Nothing changed in ${r.group}.`;
  const e = r.enforcement;
  if (!e || e.outcome === 'failed')
    return `${who}: revoke. The directory refused the removal (${e?.error ?? 'unknown'}): an operator should look at ${r.group}.`;
  const answer = e.idpAnswer ? ` (the directory answered ${e.idpAnswer.status})` : '';
  const grants = e.endedGrants.length ? ` Grants ended: ${e.endedGrants.join(', ')}.` : '';
  return `${who}: revoke${r.justification ? ` ("${r.justification}")` : ''}. ${r.person} was removed from ${r.group}${answer}, verified at ${e.verifiedAt ?? e.at}.${grants}`;
}
