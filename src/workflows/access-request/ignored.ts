import type { RequestRun } from './run';
import { texts } from './texts';
import type { RelatedCheck } from './verification';
import type { ChangeRequest, DecisionSource, RemovalRequest, StatusChange } from './types';

/**
 * What does not count is recorded, never effective and never fatal: the evidence lists it (the latest
 * ones, the rest counted) and Jira is told once per kind, so a flood cannot flood Jira or the history.
 */

/** Ignored events kept in the state and evidence (older ones are counted, not kept). */
const MAX_IGNORED = 100;

export function ignore(
  run: RequestRun,
  event: StatusChange | RemovalRequest | ChangeRequest,
  reason: string,
  email?: string,
  source?: DecisionSource,
): void {
  const s = run.snapshot;
  s.ignored.push({
    eventId: event.eventId,
    issueKey: event.issueKey,
    accountId: event.actorAccountId,
    email,
    decision: 'decision' in event ? event.decision : 'Revoked',
    reason,
    at: event.at,
    ...(source ? { source } : {}),
  });
  if (s.ignored.length > MAX_IGNORED) {
    const dropped = s.ignored.splice(0, s.ignored.length - MAX_IGNORED);
    s.ignoredOmitted = (s.ignoredOmitted ?? 0) + dropped.length;
  }
}

/** A decision Jira has no record of: recorded as ignored and said in Jira; the issue is left as it is. */
export async function ignoreUnverified(
  run: RequestRun,
  event: StatusChange,
  reason: string,
  email?: string,
): Promise<void> {
  ignore(run, event, reason, email);
  // Said once per account and reason: a flood of forged signals cannot flood Jira (or the history).
  const said = `${event.actorAccountId}|${event.status}|${reason.replace(/\d+/g, '#')}`;
  if (run.answered.has(said)) return;
  run.answered.add(said);
  await run.comment(texts.unverifiedIgnored(event, reason, email), event.issueKey);
}

/** A removal or change request that does not apply here: recorded, answered unless it is a repeat. */
export async function ignoreRelated(
  run: RequestRun,
  event: RemovalRequest | ChangeRequest,
  check: Extract<RelatedCheck, { applies: false }>,
  what: 'Removal request' | 'Change request',
): Promise<void> {
  ignore(run, event, check.reason);
  if (!check.duplicate) await run.comment(texts.relatedIgnored(what, event.issueKey, check.reason));
}
