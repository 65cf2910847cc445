import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import type { DecisionSource } from '../../policy/decision-source';
import { authorizeReviewer } from '../../policy/review';
import { KEEP_ALIVE } from '../keep-alive';
import type { IgnoredReviewDecision, ReviewDecision, ReviewItemInput, ReviewStatusChange } from './types';

/** A decision that counts: a reviewer's (verified at its source) or the campaign's default. */
export interface Decided {
  decision: ReviewDecision;
  by: 'reviewer' | 'default';
  reviewer: string;
  at: string;
  reason: string;
  justification?: string;
  source?: DecisionSource;
}

export type Verdict = { counted: true; decided: Decided } | { counted: false; ignored: IgnoredReviewDecision };

const sources = proxyActivities<Pick<LeaseholdActivities, 'verifyReviewDecision'>>({
  startToCloseTimeout: '1 minute',
  ...KEEP_ALIVE,
  // Jira down: the decision waits (it counts at the time Jira recorded it, even if read later).
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Whether a claimed decision counts: Jira recorded that status change by that account (once), during
 * the campaign, the account is a reviewer of the item and not the person under review, and a revoke
 * says why. Anything else is recorded with its reason and changes nothing.
 */
export async function judgeClaim(
  input: ReviewItemInput,
  claim: ReviewStatusChange,
  consumed: string[],
): Promise<Verdict> {
  let verified;
  try {
    verified = await sources.verifyReviewDecision({
      jira: input.jira,
      claim,
      consumed,
      reviewerGroups: input.item.reviewers.groups,
    });
  } catch (err) {
    // Jira answered for good that it cannot confirm it (retries are the activity's): recorded, never fatal.
    if (!(err instanceof ActivityFailure)) throw err;
    return ignored(claim, undefined, `it could not be verified in Jira (${err.cause?.message ?? err.message})`);
  }
  const { match, actor, justification } = verified;
  const ignore = (reason: string): Verdict => ignored(claim, actor.email, reason);
  if (!match.confirmed) return ignore(match.superseded ? match.reason : `Jira does not confirm it (${match.reason})`);
  consumed.push(match.source.changelogId);
  const decision = decisionOf(input, match.source.status);
  if (!decision) return ignore(`"${match.source.status}" is not a review decision`);
  if (Date.parse(match.source.at) > Date.parse(input.endsAt))
    return ignore(`made after the campaign ended (${input.endsAt})`);
  const verdict = authorizeReviewer(input.item, actor);
  if (!verdict.authorized) return ignore(verdict.reason);
  if (decision === 'revoke' && !justification)
    return ignore('a revoke needs a justification: comment on the item why, then move it to Revoke again');
  return {
    counted: true,
    decided: {
      decision,
      by: 'reviewer',
      reviewer: actor.email ?? actor.accountId,
      at: match.source.at,
      reason: `${verdict.as} decided ${decision}`,
      ...(justification ? { justification } : {}),
      source: match.source,
    },
  };
}

function ignored(claim: ReviewStatusChange, email: string | undefined, reason: string): Verdict {
  return {
    counted: false,
    ignored: {
      eventId: claim.eventId,
      accountId: claim.actorAccountId,
      ...(email ? { email } : {}),
      status: claim.status,
      at: claim.at,
      reason,
    },
  };
}

function decisionOf(input: ReviewItemInput, status: string): ReviewDecision | undefined {
  const is = (names: string[]) => names.some((n) => n.trim().toLowerCase() === status.trim().toLowerCase());
  if (is(input.statuses.keep)) return 'keep';
  if (is(input.statuses.revoke)) return 'revoke';
  return undefined;
}
