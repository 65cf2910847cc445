import { patched, proxyActivities, proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { LeaseholdActivities, PinnedPolicy, RelatedRequestFacts } from '../../activities/contract';
import { authorizeApprover, type ApprovalContext, type ApproverFacts } from '../../policy/approval';
import type { DecisionSource } from '../../policy/decision-source';
import { failureMessage } from '../failures';
import { searchAttributes } from '../search-attributes';
import type {
  AccessRequestInput,
  ApprovalRecord,
  ChangeRequest,
  PinnedRule,
  RemovalRequest,
  RequestSnapshot,
  StatusChange,
} from './types';

/**
 * The trust boundary of a request: a signal only *claims* a decision. It counts once Jira confirms it
 * (the changelog entry for a status change; the issue itself for a removal or change request), and
 * each confirmation counts once. Reading Jira waits out outages (no attempt limit): a real decision is
 * never lost to a transient failure, and a permanent answer makes the claim ignored, never fatal.
 */
const JIRA_READ_OPTIONS = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const slackReads = proxyActivities<Pick<LeaseholdActivities, 'verifySlackDecision'>>(JIRA_READ_OPTIONS);
const jiraReads =
  proxyActivities<Pick<LeaseholdActivities, 'verifyDecision' | 'readRelatedRequest'>>(JIRA_READ_OPTIONS);
/**
 * The decision check as a local activity: it runs in the workflow task that received the claim, so an
 * approval reaches the lease without two task round trips (runs since 'decision-check-local'). Retries
 * past a few seconds wait on durable timers; a Jira outage is still waited out.
 */
const localJiraReads = proxyLocalActivities<Pick<LeaseholdActivities, 'verifyDecision'>>({
  ...JIRA_READ_OPTIONS,
  localRetryThreshold: '10s',
});

export interface TrustContext {
  input: AccessRequestInput;
  snapshot: RequestSnapshot;
  policy: PinnedPolicy;
}

export type Judgement =
  | { counts: true; record: ApprovalRecord; email?: string }
  | { counts: false; confirmed: boolean; reason: string; email?: string; source?: DecisionSource };

/** The rule's directory-group approvers, each with the connection its membership is read in. */
export function approverGroupsOf(rule: PinnedRule) {
  return rule.level.approval.approvers
    .filter((a): a is { group: string; connection: string } => typeof a === 'object' && 'group' in a)
    .map((a) => ({
      group: a.group,
      connectionName: a.connection,
      connection: rule.approverConnections?.[a.connection] ?? rule.connection,
    }));
}

/** What Jira says of a status change: whether it recorded it, and who made it. Marks the entry counted. */
export async function confirmStatusChange(
  ctx: TrustContext,
  event: StatusChange,
  rule?: PinnedRule,
): Promise<{ source?: DecisionSource; reason?: string; actor: ApproverFacts }> {
  const approverGroups = rule ? approverGroupsOf(rule) : [];
  const counted = (ctx.snapshot.countedChangelog ??= []);
  try {
    const summary = `Jira changelog of ${event.issueKey}: did ${event.actorAccountId} move it to "${event.status}"?`;
    const reads = patched('decision-check-local') ? localJiraReads : jiraReads;
    const { match, actor } = await reads.verifyDecision.executeWithOptions({ summary }, [
      {
        jira: ctx.policy.jira,
        issueKey: event.issueKey,
        claim: {
          status: event.status,
          actorAccountId: event.actorAccountId,
          at: event.at,
          changelogId: event.changelogId,
        },
        ...(event.received ? { received: event.received } : {}),
        consumed: counted,
        approverGroups,
      },
    ]);
    if (!match.confirmed)
      return { reason: match.superseded ? match.reason : `Jira has no record of it: ${match.reason}`, actor };
    counted.push(match.source.changelogId);
    return { source: match.source, actor };
  } catch (err) {
    return {
      reason: `it could not be verified in Jira: ${failureMessage(err)}`,
      actor: { accountId: event.actorAccountId, approverGroups: [] },
    };
  }
}

/** Who the rule's forms name for this request: the requester (never an approver), manager, owner, fields. */
function approvalContext(ctx: TrustContext, rule: PinnedRule): ApprovalContext {
  return {
    requesterAccountId: ctx.input.requester.accountId,
    requesterEmail: ctx.snapshot.requester!.email,
    managerEmail: ctx.snapshot.manager?.email,
    ownerEmail: rule.owner,
    ...(ctx.snapshot.fieldApprovers ? { fieldApprovers: ctx.snapshot.fieldApprovers } : {}),
  };
}

/** Judges an approval-type decision (on the request or a pending change issue) under the pinned rule. */
export async function judgeVerified(ctx: TrustContext, event: StatusChange, rule: PinnedRule): Promise<Judgement> {
  if (event.slack) return judgeSlackClick(ctx, event, rule);
  const { source, reason, actor } = await confirmStatusChange(ctx, event, rule);
  if (!source) return { counts: false, confirmed: false, reason: reason!, email: actor.email };
  const verdict = authorizeApprover(rule.level, approvalContext(ctx, rule), actor);
  if (!verdict.authorized)
    return { counts: false, confirmed: true, reason: verdict.reason, email: actor.email, source };
  return {
    counts: true,
    email: actor.email,
    record: {
      eventId: event.eventId,
      issueKey: event.issueKey,
      accountId: event.actorAccountId,
      email: actor.email,
      as: verdict.as,
      at: source.at,
      source,
    },
  };
}

/**
 * A decision made in Slack: it counts when Slack's signature on the click is verified (within five
 * minutes of its arrival), it is for this request and this decision, it was not counted before, and the
 * Slack user (by Slack's own record of their email) is an authorized approver.
 */
async function judgeSlackClick(ctx: TrustContext, event: StatusChange, rule: PinnedRule): Promise<Judgement> {
  let click;
  try {
    click = await slackReads.verifySlackDecision.executeWithOptions(
      { summary: `the Slack click on ${event.issueKey}` },
      [{ click: event.slack!, approverGroups: approverGroupsOf(rule) }],
    );
  } catch (err) {
    return {
      counts: false,
      confirmed: false,
      reason: `the Slack action could not be verified: ${failureMessage(err)}`,
    };
  }
  if (!click.ok) return { counts: false, confirmed: false, reason: click.reason };
  if (event.slack!.issueKey !== event.issueKey || event.slack!.decision !== event.decision)
    return { counts: false, confirmed: false, reason: 'the Slack action is for another request or decision' };
  const counted = (ctx.snapshot.countedChangelog ??= []);
  const id = `slack:${click.slackUserId}:${click.actionTs}`;
  if (counted.includes(id)) return { counts: false, confirmed: false, reason: 'this Slack click was already counted' };
  counted.push(id);
  const actor: ApproverFacts = {
    accountId: `slack:${click.slackUserId}`,
    ...(click.email ? { email: click.email } : {}),
    approverGroups: click.approverGroups,
  };
  const verdict = authorizeApprover(rule.level, approvalContext(ctx, rule), actor);
  if (!verdict.authorized)
    return { counts: false, confirmed: true, reason: `in Slack: ${verdict.reason}`, email: actor.email };
  return {
    counts: true,
    email: actor.email,
    record: {
      eventId: event.eventId,
      issueKey: event.issueKey,
      accountId: actor.accountId,
      email: actor.email,
      as: `${verdict.as}, via Slack`,
      at: event.slack!.receivedAt,
      slack: { userId: click.slackUserId, actionTs: click.actionTs },
    },
  };
}

export type RelatedCheck =
  | { applies: true; facts: Extract<RelatedRequestFacts, { found: true }> }
  | { applies: false; duplicate: boolean; reason: string };

/**
 * Whether a removal or change request applies to this request: Jira has it, of that kind, raised by
 * the requester for the same access after `notBefore` (this request's creation for a removal, the grant
 * for a change), and no earlier signal consumed it. On success it is consumed by this request.
 */
export async function checkRelated(
  ctx: TrustContext,
  event: RemovalRequest | ChangeRequest,
  kind: 'removal' | 'change',
  notBefore: string,
): Promise<RelatedCheck> {
  const consumed = (ctx.snapshot.relatedIssues ??= []);
  if (consumed.includes(event.issueKey))
    return { applies: false, duplicate: true, reason: `${event.issueKey} was already applied to this request` };
  let facts: RelatedRequestFacts;
  try {
    facts = await jiraReads.readRelatedRequest.executeWithOptions({ summary: `Jira: what ${event.issueKey} asks` }, [
      { jira: ctx.policy.jira, issueKey: event.issueKey },
    ]);
  } catch (err) {
    return { applies: false, duplicate: false, reason: `it could not be read from Jira: ${failureMessage(err)}` };
  }
  const reason = mismatch(ctx.input, facts, kind, notBefore);
  if (reason) return { applies: false, duplicate: false, reason };
  consumed.push(event.issueKey);
  upsertSearchAttributes([{ key: searchAttributes.relatedIssues, value: [...consumed] }]);
  return { applies: true, facts: facts as Extract<RelatedRequestFacts, { found: true }> };
}

function mismatch(
  input: AccessRequestInput,
  facts: RelatedRequestFacts,
  kind: 'removal' | 'change',
  notBefore: string,
): string | undefined {
  if (!facts.found) return facts.reason;
  const same = (a: string | null, b: string | null): boolean =>
    (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
  const named = { access: 'an access request', removal: 'a removal request', change: 'a change request' };
  if (facts.kind !== kind) return `in Jira it is ${named[facts.kind]}, not ${named[kind]}`;
  if (facts.reporterAccountId !== input.requester.accountId) return 'it was raised by someone other than the requester';
  if (!same(facts.application, input.application) || !same(facts.accessType, input.accessType)) {
    return `it concerns ${facts.application ?? '(none)'} (${facts.accessType ?? '(none)'}), not ${input.application ?? '(none)'} (${input.accessType ?? '(none)'})`;
  }
  if (Date.parse(facts.createdAt) < Date.parse(notBefore))
    return `it was raised at ${facts.createdAt}, before this ${kind === 'removal' ? 'request' : 'grant'} (${notBefore})`;
  return undefined;
}
