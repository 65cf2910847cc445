import { parseDuration } from './duration';
import type { AccessLevel, Approver } from './schema';

/**
 * Who may approve what: pure decisions over facts gathered by activities (who the actor is, who the
 * requester's manager is, which approver groups the actor is in). Used inside the request workflow.
 */

export interface ApproverFacts {
  accountId: string;
  /** The actor's email from Jira (or the configured mapping); undefined when Jira hides it. */
  email?: string;
  /** Names of approver groups (from the rule) the actor is a member of. */
  approverGroups: string[];
  /** Why Jira could not resolve the account (an app account, a deleted user): it approves nothing. */
  unresolvable?: string;
}

export interface ApprovalContext {
  requesterAccountId: string;
  requesterEmail: string;
  managerEmail?: string;
  ownerEmail: string;
  /** Jira accountIds in each approver field (by the name in the rules) when the request was raised. */
  fieldApprovers?: Record<string, string[]>;
}

export type ApproverVerdict = { authorized: true; as: string } | { authorized: false; reason: string };

const same = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

function approverLabel(approver: Approver): string {
  if (approver === 'manager' || approver === 'app-owner') return approver;
  if ('field' in approver) return `the ${approver.field} field`;
  return 'user' in approver ? approver.user : `group ${approver.group}`;
}

/** Whether this actor's approval counts under the level's policy. The requester never counts. */
export function authorizeApprover(level: AccessLevel, ctx: ApprovalContext, actor: ApproverFacts): ApproverVerdict {
  if (actor.accountId === ctx.requesterAccountId || same(actor.email, ctx.requesterEmail)) {
    return { authorized: false, reason: 'the requester cannot approve their own request' };
  }
  for (const approver of level.approval.approvers) {
    if (approver === 'manager' && same(actor.email, ctx.managerEmail)) return { authorized: true, as: 'manager' };
    if (approver === 'app-owner' && same(actor.email, ctx.ownerEmail)) return { authorized: true, as: 'app-owner' };
    if (typeof approver === 'object' && 'user' in approver && same(actor.email, approver.user))
      return { authorized: true, as: approver.user };
    if (typeof approver === 'object' && 'group' in approver && actor.approverGroups.includes(approver.group)) {
      return { authorized: true, as: `group ${approver.group}` };
    }
    if (
      typeof approver === 'object' &&
      'field' in approver &&
      ctx.fieldApprovers?.[approver.field]?.includes(actor.accountId)
    )
      return { authorized: true, as: `${approver.field} at request` };
  }
  if (actor.unresolvable)
    return {
      authorized: false,
      reason: `account ${actor.accountId} cannot be resolved in Jira (${actor.unresolvable})`,
    };
  const allowed = level.approval.approvers.map(approverLabel).join(', ');
  const who = actor.email ?? `account ${actor.accountId}`;
  return { authorized: false, reason: `${who} is not an authorized approver (allowed: ${allowed})` };
}

/** Distinct approvers still needed (0 = approved). Approvals are counted by person, not by event. */
export function approvalsMissing(level: AccessLevel, approverIds: readonly string[]): number {
  const distinct = new Set(approverIds.map((id) => id.toLowerCase()));
  return Math.max(0, level.approval.required - distinct.size);
}

/** Low-risk levels marked autoApprove are granted without an approver. */
export function isAutoApproved(level: AccessLevel): boolean {
  return level.risk === 'low' && level.autoApprove;
}

/** The duration granted: the requested one (or the level's default), never beyond the maximum. */
export function grantDuration(level: AccessLevel, requestedMs: number | undefined): { ms: number; capped: boolean } {
  const def = parseDuration(level.duration.default)!;
  const max = maxDuration(level);
  const wanted = requestedMs ?? def;
  if (max !== undefined && wanted > max) return { ms: max, capped: true };
  return { ms: wanted, capped: false };
}

/** The level's maximum grant in ms, or undefined when unbounded. */
export function maxDuration(level: AccessLevel): number | undefined {
  return level.duration.max === undefined ? undefined : parseDuration(level.duration.max);
}
