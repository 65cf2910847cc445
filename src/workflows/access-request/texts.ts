import { formatDuration } from '../../policy/duration';
import type { Judgement } from './verification';
import type { ApprovalRecord, GroupChange, PinnedRule, Revocation, StatusChange } from './types';

/**
 * Every text Leasehold writes to Jira about a request, in one place: what the requester, the
 * approvers and the auditors read on the issue. Pure functions of the run's facts.
 */

const plural = (n: number, word: string): string => `${n} ${word}${n > 1 ? 's' : ''}`;
const cappedAt = (rule: PinnedRule, capped: boolean, fromGrant = ''): string =>
  capped ? ` (capped at the maximum ${rule.level.duration.max}${fromGrant})` : '';

export function approverList(rule: PinnedRule): string {
  return rule.level.approval.approvers
    .map((a) => {
      if (a === 'manager') return 'the manager';
      if (a === 'app-owner') return `the application owner (${rule.owner})`;
      if ('field' in a) return `the ${a.field} field's people when it was raised`;
      return 'user' in a ? a.user : `a member of ${a.group}`;
    })
    .join(', ');
}

export function changesText(changes: GroupChange[]): string {
  const verb: Record<GroupChange['action'], string> = {
    added: 'added to',
    'already-member': 'already in',
    restored: 're-added to',
    removed: 'removed from',
    kept: 'kept in',
  };
  const why = (c: GroupChange): string =>
    c.action === 'kept' || c.action === 'already-member' ? ` (${c.reason})` : '';
  return changes.map((c) => `${verb[c.action]} ${c.group}${why(c)}`).join(', ');
}

function revocationText(r: Revocation): string {
  switch (r.reason) {
    case 'operator':
      return `by operator ${r.by}`;
    case 'removal-request':
      return `by removal request ${r.issueKey}`;
    case 'revoked-in-jira':
      return `in Jira by ${r.by}`;
    case 'membership-removed':
      return `by ${r.by}: ${r.why}`;
    default:
      return 'at expiry';
  }
}

const who = (email: string | undefined, accountId: string): string => email ?? accountId;

export const texts = {
  // ---- waiting out outages, and what does not count ----
  waitingFor: (what: string, error: string) =>
    `Leasehold is waiting for ${what}: ${error}. It keeps trying; nothing is lost.`,
  relatedIgnored: (what: string, issueKey: string, reason: string) =>
    `${what} ${issueKey} does not apply to this request: ${reason}. Nothing changed.`,
  unverifiedIgnored: (event: StatusChange, reason: string, email?: string) =>
    `A "${event.status}" decision attributed to ${email ?? `account ${event.actorAccountId}`} was ignored: ${reason}. Nothing changed.`,
  notCounting: (round: 'grant' | 'extension', event: StatusChange, verdict: Judgement & { counts: false }) =>
    round === 'grant'
      ? `The ${event.decision.toLowerCase()} decision by ${who(verdict.email, event.actorAccountId)} does not count: ${verdict.reason}. The request is back to waiting for approval.`
      : `The decision by ${who(verdict.email, event.actorAccountId)} does not count: ${verdict.reason}.`,
  alreadyApproved: (record: ApprovalRecord) =>
    `${record.email} has already approved; another distinct approver is needed.`,

  // ---- 1. resolve ----
  manualHandling: (reason: string | undefined) =>
    `Leasehold cannot handle this request automatically: ${reason}. It needs manual handling; nothing was provisioned.`,
  notProcessed: (reason: string) => `Leasehold could not process this request: ${reason}. Nothing was provisioned.`,

  // ---- 2. approval ----
  received: (rule: PinnedRule, ms: number, capped: boolean, needed: number) =>
    `Leasehold received this request: ${rule.application} (${rule.level.name}) → ${rule.connection.type} ${rule.level.groups.join(', ')} for ${formatDuration(ms)}${cappedAt(rule, capped)}. ` +
    `Risk ${rule.level.risk}: it needs ${plural(needed, 'approval')} from ${approverList(rule)}.`,
  reminder: (rule: PinnedRule, missing: number) =>
    `Reminder: this request still needs ${plural(missing, 'approval')} from ${approverList(rule)}.`,
  partiallyApproved: (rule: PinnedRule, record: ApprovalRecord, missing: number) =>
    `Approved by ${record.email} (${record.as}). ${missing} more distinct approval${missing > 1 ? 's' : ''} needed from ${approverList(rule)}.`,
  cancelledByOperator: (operator: string, reason: string) =>
    `Cancelled by operator ${operator}: ${reason}. Nothing was provisioned.`,
  approvalExpired: (deadline: string) =>
    `No approval within ${deadline}: the request is declined as expired. Nothing was provisioned.`,
  withdrawn: (removalKey: string) => `Withdrawn by removal request ${removalKey} before any access was granted.`,
  changeBeforeGrant: (changeKey: string) =>
    `Change request ${changeKey} ignored: this request has not been granted yet.`,
  declined: (email: string | undefined) => `Declined by ${email}. Nothing was provisioned.`,
  denied: (by: { email?: string; as: string }) => `Denied by ${by.email} (${by.as}). Nothing was provisioned.`,

  // ---- 3. provision ----
  provisioningFailed: (reasons: string, issueKey: string) =>
    `Provisioning failed: ${reasons}. No access was granted. An operator can retry (leasehold request retry ${issueKey}) once the cause is fixed.`,
  closedByOperator: (operator: string, reason: string) => `Closed by operator ${operator}: ${reason}.`,
  notRetried: () => 'Closed: provisioning was not retried within 7 days.',
  retried: (operator: string, reason: string) => `OVERRIDE: operator ${operator} retries provisioning: ${reason}.`,
  granted: (
    rule: PinnedRule,
    email: string,
    changes: GroupChange[],
    approvedBy: string,
    expiresAt: string,
    capped: boolean,
  ) =>
    `Access granted: ${email} ${changesText(changes)} in ${rule.connectionName}; ${approvedBy}. ` +
    `Access ends ${expiresAt}${cappedAt(rule, capped)}.`,
  approvedBy: (approvals: ApprovalRecord[], autoApproved: boolean) =>
    autoApproved
      ? 'auto-approved (low risk)'
      : `approved by ${approvals.map((a) => `${a.email ?? a.accountId} (${a.as})`).join(' and ')}`,

  // ---- 4. active: extensions ----
  operatorExtended: (rule: PinnedRule, by: string, expiresAt: string, capped: boolean) =>
    `OVERRIDE: access extended by ${by}: it now ends ${expiresAt}${cappedAt(rule, capped, ' from the grant')}.`,
  changeWithoutDuration: (changeKey: string) => `Change request ${changeKey} has no valid Duration; nothing changed.`,
  changeNeedsApproval: (rule: PinnedRule, duration: string | null, needed: number, changeKey: string) =>
    `Change request: extend to ${duration} from the grant. It needs ${needed} approval(s) from ${approverList(rule)} on ${changeKey}.`,
  extensionPartiallyApproved: (record: ApprovalRecord, missing: number) =>
    `Approved by ${record.email}; ${missing} more distinct approval(s) needed.`,
  extensionRefused: (decision: string, by: { email?: string }, expiresAt: string) =>
    `Extension ${decision.toLowerCase()} by ${by.email}; access still ends ${expiresAt}.`,
  extended: (rule: PinnedRule, how: string, expiresAt: string, capped: boolean) =>
    `Extension ${how}: access to ${rule.application} (${rule.level.name}) now ends ${expiresAt}${cappedAt(rule, capped, ' from the grant')}.`,
  extendedOnRequest: (extended: string, changeKey: string) => `${extended} (change request ${changeKey})`,

  // ---- 5. revoke ----
  revocationFailing: (problem: string | undefined) =>
    `ALERT: revoking this access keeps failing (${problem}). Leasehold keeps retrying; operators can filter LeaseholdState = "RevocationFailing".`,
  removedAsRequested: (changes: GroupChange[]) => `Access removed as requested: ${changesText(changes)}.`,
  ended: (revocation: Revocation, email: string, changes: GroupChange[]) =>
    `Access ${revocation.reason === 'expired' ? 'expired' : `revoked (${revocationText(revocation)})`}: ${email} ${changesText(changes)}. The evidence record is attached.`,
};
