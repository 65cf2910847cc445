import type { ConnectionRef, PinnedPolicy, RelatedRequestFacts, VerifiedDecision } from './contract';
import type { JiraGateway } from '../connectors/jira/jira-gateway';
import { log } from '@temporalio/activity';
import { receivedAt, receiptKey, type DeliveryReceipt, type ReceivedChange } from '../connectors/jira/delivery-receipt';
import { matchDecision, type DecisionClaim } from '../policy/decision-source';
import { accountIdsOf, fieldAtCreation } from '../policy/field-approvers';
import type { FieldChange } from '../workflows/access-request/types';
import { jiraWebhookSchema } from '../starter/jira-payload';
import { FieldResolver } from '../starter/field-resolver';
import { classifyEvent } from '../starter/request-mapping';
import { classified, permanent } from './failures';
import { people, type PeopleDeps } from './people';

/**
 * When the starter received a claimed status change, from its receipt; undefined (judged as of now)
 * without a valid one. A receipt that does not verify is logged: the webhook secret was rotated since,
 * or this worker cannot read it.
 */
export function deliveredAt(
  jira: PinnedPolicy['jira'],
  change: ReceivedChange,
  receipt: DeliveryReceipt | undefined,
): number | undefined {
  const at = receivedAt(receiptKey(jira.connection), change, receipt);
  if (receipt && at === undefined)
    log.warn('delivery receipt does not verify (webhook secret rotated, or not readable here): judged as of now', {
      issueKey: change.issueKey,
      receivedAt: receipt.receivedAt,
    });
  return at;
}

/**
 * Decisions verified at their source: a signal only claims a decision; these activities ask Jira
 * whether it happened. Jira's answer (the changelog entry, the issue as Jira has it) is what counts.
 */
export function decisionActivities(deps: PeopleDeps) {
  const { actorFacts } = people(deps);
  const fields = new FieldResolver();

  return {
    async verifyDecision(input: {
      jira: PinnedPolicy['jira'];
      issueKey: string;
      claim: DecisionClaim;
      /** The starter's receipt of the delivery: the change is judged as of then (else as of now). */
      received?: DeliveryReceipt;
      /** Changelog entries this request already counted (each counts once). */
      consumed: string[];
      approverGroups: Array<ConnectionRef & { group: string }>;
    }): Promise<VerifiedDecision> {
      return classified(async () => {
        const jira = deps.jira(input.jira.connection);
        // One round trip: the changelog and the actor are read side by side.
        const [entries, actor] = await Promise.all([
          jira.changelog(input.issueKey),
          actorFacts({ jira: input.jira, accountId: input.claim.actorAccountId, approverGroups: input.approverGroups }),
        ]);
        const asOf = deliveredAt(input.jira, { issueKey: input.issueKey, ...input.claim }, input.received);
        return { match: matchDecision(entries, input.claim, new Set(input.consumed), asOf), actor };
      });
    },

    /**
     * The people in the rule's approver fields when the request was raised (undoing later changes), and
     * those later changes (by whom, when, to whom), from the issue and its changelog.
     */
    async fieldApprovers(input: {
      jira: PinnedPolicy['jira'];
      issueKey: string;
      fields: string[];
    }): Promise<{ approvers: Record<string, string[]>; changes: FieldChange[] }> {
      return classified(async () => {
        const jira = deps.jira(input.jira.connection);
        const known = input.fields.some((f) => !/^(assignee|customfield_\d+)$/i.test(f)) ? await jira.fields() : [];
        const ids = input.fields.map((name) => {
          if (/^assignee$/i.test(name)) return { name, id: 'assignee' };
          if (/^customfield_\d+$/.test(name)) return { name, id: name };
          const found = known.find((f) => f.name.toLowerCase() === name.toLowerCase());
          if (!found)
            throw permanent(`Jira has no field named "${name}" (an approver field in the rules)`, 'NoSuchField');
          return { name, id: found.id };
        });
        const [issue, entries] = await Promise.all([
          jira.issue(
            input.issueKey,
            ids.map((f) => f.id),
          ),
          jira.changelog(input.issueKey),
        ]);
        const approvers: Record<string, string[]> = {};
        const changes: FieldChange[] = [];
        for (const field of ids) {
          const read = fieldAtCreation(field, accountIdsOf(issue.fields[field.id]), entries);
          approvers[field.name] = read.atCreation;
          changes.push(...read.changes);
        }
        return { approvers, changes };
      });
    },

    /** A removal or change request as Jira has it: its type, reporter, creation time and fields. */
    async readRelatedRequest(input: { jira: PinnedPolicy['jira']; issueKey: string }): Promise<RelatedRequestFacts> {
      return classified(async () => {
        const jira = deps.jira(input.jira.connection);
        const current = await deps.rules.current();
        if (!current) throw permanent('no rules have been applied yet', 'NoRules');
        const portal = current.rules.portal;
        const ids = await fields.resolve(jira, portal);
        const issue = await readIssue(jira, input.issueKey, [
          ...Object.values(ids),
          'project',
          'reporter',
          'creator',
          'created',
        ]);
        if (!issue) return { found: false, reason: `Jira has no issue ${input.issueKey}` };
        const parsed = jiraWebhookSchema.safeParse({ webhookEvent: 'jira:issue_created', issue });
        if (!parsed.success) return { found: false, reason: `Jira's answer for ${input.issueKey} is not an issue` };
        const event = classifyEvent(parsed.data, portal, ids);
        if (event.action !== 'created')
          return { found: false, reason: event.action === 'ignore' ? event.reason : 'not a request' };
        const { input: request, kind } = event.issue;
        return {
          found: true,
          kind,
          reporterAccountId: request.requester.accountId,
          createdAt: new Date(Date.parse(request.requestedAt)).toISOString(),
          application: request.application,
          accessType: request.accessType,
          duration: request.duration,
        };
      });
    },
  };
}

/** The issue, or undefined when Jira answers that it does not exist (404). */
async function readIssue(jira: JiraGateway, issueKey: string, fieldIds: string[]) {
  try {
    return await jira.issue(issueKey, fieldIds);
  } catch (err) {
    if ((err as { details?: { status?: number } }).details?.status === 404) return undefined;
    throw err;
  }
}
