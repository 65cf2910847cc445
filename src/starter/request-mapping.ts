import { adfText } from '../connectors/jira/jira-gateway';
import type { Decision, Portal } from '../policy/schema';
import type { AccessRequestInput } from '../workflows/access-request/types';
import type { ReviewDecision } from '../workflows/review/types';
import { optionValue, requestTypeName, statusChange, type JiraWebhook } from './jira-payload';

/** Field ids of the portal's fields on this Jira site (found by name through `GET /rest/api/3/field`). */
export interface PortalFieldIds {
  requestType: string;
  application: string;
  accessType: string;
  duration: string;
  justification: string;
}

export type RequestKind = 'access' | 'removal' | 'change';

/** The issue's request as Leasehold reads it (fields mapped through the portal configuration). */
export interface MappedIssue {
  kind: RequestKind;
  input: AccessRequestInput;
}

export type ClassifiedEvent =
  | { action: 'ignore'; reason: string }
  | { action: 'created'; issue: MappedIssue }
  | { action: 'status'; issue: MappedIssue; decision: Decision; status: string; actorAccountId: string }
  | { action: 'review'; issueKey: string; decision: ReviewDecision; status: string; actorAccountId: string };

/** Decision for a Jira status name under the portal's mapping (case-insensitive), if any. */
export function decisionFor(portal: Portal, status: string): Decision | undefined {
  const wanted = status.trim().toLowerCase();
  for (const [decision, statuses] of Object.entries(portal.statusMapping) as Array<[Decision, string[]]>) {
    if (statuses.some((s) => s.trim().toLowerCase() === wanted)) return decision;
  }
  return undefined;
}

/**
 * Classifies a parsed Jira event for Leasehold: which request it is about and what it means.
 * Pure: everything it needs is passed in, so every mapping rule is unit-tested.
 */
export function classifyEvent(payload: JiraWebhook, portal: Portal, fields: PortalFieldIds): ClassifiedEvent {
  const issue = payload.issue;
  const project = issue.fields.project?.key ?? issue.key.split('-')[0];
  if (project !== portal.project)
    return { action: 'ignore', reason: `issue ${issue.key} is in project ${project}, not ${portal.project}` };

  const typeName = requestTypeName(issue.fields[fields.requestType]);
  if (typeName && typeName.trim().toLowerCase() === portal.reviews.requestType.trim().toLowerCase())
    return classifyReview(payload, portal);
  const kinds: Record<string, RequestKind> = {
    [portal.requestTypes.access.toLowerCase()]: 'access',
    [portal.requestTypes.removal.toLowerCase()]: 'removal',
    [portal.requestTypes.change.toLowerCase()]: 'change',
  };
  const kind = typeName ? kinds[typeName.toLowerCase()] : undefined;
  if (!kind)
    return {
      action: 'ignore',
      reason: `request type ${typeName ? `"${typeName}"` : '(none)'} is not an access request type`,
    };

  const requester = issue.fields.reporter ?? issue.fields.creator ?? payload.user;
  if (!requester) return { action: 'ignore', reason: `issue ${issue.key} has no reporter` };
  const mapped: MappedIssue = {
    kind,
    input: {
      issueKey: issue.key,
      issueId: issue.id,
      application: optionValue(issue.fields[fields.application]),
      accessType: optionValue(issue.fields[fields.accessType]),
      duration: optionValue(issue.fields[fields.duration]),
      justification: textValue(issue.fields[fields.justification]),
      requester: { accountId: requester.accountId, displayName: requester.displayName },
      requestedAt: issue.fields.created ?? new Date(payload.timestamp ?? Date.now()).toISOString(),
    },
  };

  const event = payload.webhookEvent ?? (payload.changelog ? 'jira:issue_updated' : 'jira:issue_created');
  if (event === 'jira:issue_created') return { action: 'created', issue: mapped };
  if (event !== 'jira:issue_updated') return { action: 'ignore', reason: `event ${event} is not handled` };

  const change = statusChange(payload);
  if (!change)
    return { action: 'ignore', reason: `${payload.issue_event_type_name ?? 'update'} without a status change` };
  const decision = decisionFor(portal, change.to);
  if (!decision) return { action: 'ignore', reason: `status "${change.to}" is not mapped to a decision` };
  if (!payload.user) return { action: 'ignore', reason: 'a status change without an actor cannot count as a decision' };
  return { action: 'status', issue: mapped, decision, status: change.to, actorAccountId: payload.user.accountId };
}

/** An Access Review item: only a status change to a keep or revoke status, by someone, means anything. */
function classifyReview(payload: JiraWebhook, portal: Portal): ClassifiedEvent {
  const key = payload.issue.key;
  const change = payload.webhookEvent === 'jira:issue_created' ? undefined : statusChange(payload);
  if (!change) return { action: 'ignore', reason: `review item ${key}: not a status change` };
  const is = (names: string[]) => names.some((n) => n.trim().toLowerCase() === change.to.trim().toLowerCase());
  const decision: ReviewDecision | undefined = is(portal.reviews.keep)
    ? 'keep'
    : is(portal.reviews.revoke)
      ? 'revoke'
      : undefined;
  if (!decision) return { action: 'ignore', reason: `review item ${key}: status "${change.to}" is not keep or revoke` };
  if (!payload.user) return { action: 'ignore', reason: 'a status change without an actor cannot count as a decision' };
  return { action: 'review', issueKey: key, decision, status: change.to, actorAccountId: payload.user.accountId };
}

/** A text field: a wiki string (v2 webhook shape) or an ADF document (v3). */
function textValue(raw: unknown): string | null {
  return raw === null || raw === undefined ? null : adfText(raw) || null;
}
