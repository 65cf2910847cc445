import type { ConnectionRef } from '../activities/contract';
import type { ApproverFacts } from './approval';
import { formatDuration } from './duration';
import type { Approver } from './schema';
import type {
  Recommendation,
  ReviewDecision,
  ReviewedPerson,
  ReviewGroup,
  ReviewItemDraft,
  ReviewPolicy,
  Reviewers,
} from '../workflows/review/types';

/**
 * Access reviews' pure decisions: who reviews an item, what it recommends, whose decision counts, and
 * what an undecided item gets. Facts come from activities; every rule here is unit-tested.
 */

const same = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

const isPerson = (person: ReviewedPerson, email: string): boolean =>
  same(email, person.email) || same(email, person.login);

/**
 * The item's reviewers from the campaign's: the person's manager, the application's owner, named
 * people, members of directory groups. Never the person under review. With no one left (no manager
 * recorded, the owner under review), the application's owner reviews, or, failing that, nobody: the
 * item then gets the campaign's default at the end.
 */
export function resolveReviewers(
  specs: readonly Approver[],
  person: ReviewedPerson,
  group: ReviewGroup,
  connectionOf: (name: string) => ConnectionRef['connection'] | undefined,
): Reviewers {
  const reviewers: Reviewers = { users: [], groups: [], described: [] };
  const addUser = (email: string | undefined, as: string) => {
    if (!email || isPerson(person, email) || reviewers.users.some((u) => same(u, email))) return;
    reviewers.users.push(email.toLowerCase());
    reviewers.described.push(`${as} ${email.toLowerCase()}`);
  };
  for (const spec of specs) {
    if (spec === 'manager') addUser(person.manager?.email, 'manager');
    else if (spec === 'app-owner') addUser(group.owner, 'app-owner');
    else if ('user' in spec) addUser(spec.user, 'reviewer');
    else if ('group' in spec) {
      const connection = connectionOf(spec.connection);
      if (!connection) continue;
      reviewers.groups.push({ connectionName: spec.connection, connection, group: spec.group });
      reviewers.described.push(`group ${spec.connection}:${spec.group} (except ${person.login})`);
    }
  }
  if (reviewers.users.length === 0 && reviewers.groups.length === 0) addUser(group.owner, 'app-owner (fallback)');
  return reviewers;
}

/** Revoke when nobody signed in for the campaign's threshold; no recommendation without a sign-in time. */
export function recommend(
  person: ReviewedPerson,
  policy: Pick<ReviewPolicy, 'recommendRevokeAfterMs'>,
  now: number,
): Recommendation {
  const threshold = formatDuration(policy.recommendRevokeAfterMs);
  if (!person.lastActivity)
    return { decision: 'none', reason: 'the directory gives no sign-in time (never signed in, or not available)' };
  const idle = now - Date.parse(person.lastActivity);
  if (idle > policy.recommendRevokeAfterMs)
    return { decision: 'revoke', reason: `no sign-in for more than ${threshold} (last ${person.lastActivity})` };
  return { decision: 'keep', reason: `signed in within ${threshold} (last ${person.lastActivity})` };
}

export type ReviewerVerdict = { authorized: true; as: string } | { authorized: false; reason: string };

/** Whether this actor's decision on the item counts. The person under review never counts. */
export function authorizeReviewer(
  item: Pick<ReviewItemDraft, 'person' | 'reviewers'>,
  actor: ApproverFacts,
): ReviewerVerdict {
  if (actor.email && isPerson(item.person, actor.email))
    return { authorized: false, reason: `${actor.email} is the person under review` };
  if (actor.unresolvable)
    return {
      authorized: false,
      reason: `account ${actor.accountId} cannot be resolved in Jira (${actor.unresolvable})`,
    };
  const user = item.reviewers.users.find((u) => same(u, actor.email));
  if (user) return { authorized: true, as: item.reviewers.described.find((d) => d.endsWith(` ${user}`)) ?? user };
  const group = item.reviewers.groups.find((g) => actor.approverGroups.includes(g.group));
  if (group) return { authorized: true, as: `group ${group.connectionName}:${group.group}` };
  const who = actor.email ?? `account ${actor.accountId}`;
  const allowed = item.reviewers.described.join(', ') || 'nobody: the default applies at the end';
  return { authorized: false, reason: `${who} is not a reviewer of this item (reviewers: ${allowed})` };
}

/** What an undecided item gets at the end of the campaign, and why. */
export function defaultDecision(
  undecided: ReviewPolicy['undecided'],
  recommendation: Recommendation,
): { decision: ReviewDecision; reason: string } {
  if (undecided !== 'recommendation')
    return {
      decision: undecided,
      reason: `undecided at the end of the campaign: the campaign's default is ${undecided}`,
    };
  if (recommendation.decision === 'none')
    return { decision: 'keep', reason: `undecided, and no recommendation (${recommendation.reason}): kept` };
  return {
    decision: recommendation.decision,
    reason: `undecided at the end of the campaign: the recommendation applies (${recommendation.reason})`,
  };
}
