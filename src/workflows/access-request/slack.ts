import { proxyActivities } from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import type { ApprovalAsk } from '../../connectors/slack/approval-message';
import type { SlackMessageRef } from '../../connectors/slack/slack-gateway';
import { formatDuration } from '../../policy/duration';
import { failureMessage } from '../failures';
import { KEEP_ALIVE } from '../keep-alive';
import type { RequestRun } from './run';

/**
 * Approvals in Slack, beside Jira and never in front of it: when a request starts waiting, each
 * authorized approver gets a message with Approve / Deny; when it is decided, every message says how.
 * Slack failing is recorded and changes nothing else (Jira approvals go on).
 */

const slackOn = (taskQueue: string | undefined) =>
  proxyActivities<Pick<LeaseholdActivities, 'postApprovalRequests' | 'updateApprovalMessages' | 'remindApprovers'>>({
    startToCloseTimeout: '1 minute',
    ...KEEP_ALIVE,
    ...(taskQueue ? { taskQueue } : {}),
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
  });

export interface SlackSide {
  ask: ApprovalAsk;
  refs: Promise<SlackMessageRef[]>;
  pending: Array<Promise<void>>;
  /** The messages were told the decision (once: the approval, or the end of the request). */
  told?: boolean;
}

/** The people the rule names who can approve (manager, owner, named users); groups see the channel. */
function approverEmails(run: RequestRun): string[] {
  const { rule, snapshot } = run;
  const emails = rule.level.approval.approvers.flatMap((a) => {
    if (a === 'manager') return snapshot.manager?.email ? [snapshot.manager.email] : [];
    if (a === 'app-owner') return [rule.owner];
    return typeof a === 'object' && 'user' in a ? [a.user] : [];
  });
  const requester = snapshot.requester?.email.toLowerCase();
  return [...new Set(emails.map((e) => e.toLowerCase()))].filter((e) => e !== requester);
}

/** The messages go out (not awaited: the request waits on its approvers, not on Slack). */
export function askInSlack(run: RequestRun): void {
  const { policy, rule, input, snapshot } = run;
  if (!policy?.slack) return;
  const ask: ApprovalAsk = {
    issueKey: input.issueKey,
    issueUrl: `${policy.jira.connection.site.replace(/\/+$/, '')}/browse/${input.issueKey}`,
    requester: snapshot.requester?.email ?? input.requester.displayName ?? input.requester.accountId,
    access: `${rule.application} (${rule.level.name}): ${rule.connectionName} ${rule.level.groups.join(', ')}`,
    duration: formatDuration(snapshot.grantedDurationMs ?? 0),
    justification: input.justification,
    risk: rule.level.risk,
  };
  const refs = slackOn(policy.jira.taskQueue)
    .postApprovalRequests({ ask, approvers: approverEmails(run) })
    .catch((err: unknown) => {
      snapshot.slackProblem = `Slack messages not sent: ${failureMessage(err)}`;
      return [];
    });
  run.slack = { ask, refs, pending: [] };
}

/** Every approver's message says how the request was decided (e.g. "approved by bob@…"). */
export function tellSlack(run: RequestRun, outcome: string): void {
  const side = run.slack;
  if (!side || side.told || !run.policy) return;
  side.told = true;
  const queue = run.policy.jira.taskQueue;
  side.pending.push(
    side.refs.then(async (refs) => {
      if (refs.length === 0) return;
      await slackOn(queue)
        .updateApprovalMessages({ ask: side.ask, refs, outcome })
        .catch(
          (err: unknown) => void (run.snapshot.slackProblem = `Slack messages not updated: ${failureMessage(err)}`),
        );
    }),
  );
}

/** A reminder under each approval message, beside the Jira reminder (not awaited). */
export function remindInSlack(run: RequestRun, text: string): void {
  const side = run.slack;
  if (!side || side.told || !run.policy) return;
  const queue = run.policy.jira.taskQueue;
  side.pending.push(
    side.refs.then(async (refs) => {
      if (refs.length === 0) return;
      await slackOn(queue)
        .remindApprovers({ ask: side.ask, refs, text })
        .catch((err: unknown) => void (run.snapshot.slackProblem = `Slack reminder not sent: ${failureMessage(err)}`));
    }),
  );
}

/** Before the run closes: Slack hears how it ended (if nothing yet), and has been told (or given up on). */
export async function slackSettled(run: RequestRun): Promise<void> {
  if (!run.slack) return;
  const { state, closedBy } = run.snapshot;
  const by = closedBy ? ` by ${closedBy.email ?? closedBy.accountId}` : '';
  tellSlack(run, `${state.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}${by}`);
  await Promise.all([run.slack.refs, ...run.slack.pending]);
}

/** The approval that closed the round, for every approver's message. */
export function approvedInSlack(run: RequestRun): void {
  const by = run.snapshot.approvals.map((a) => a.email ?? a.accountId).join(', ');
  tellSlack(run, `approved by ${by || 'auto-approval'}`);
}
