import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { DirectoryUser, IdentityProvider } from '../connectors/identity-provider';
import { toAdf } from '../connectors/jira/jira-gateway';
import { matchDecision } from '../policy/decision-source';
import { parseDuration } from '../policy/duration';
import { recommend, resolveReviewers } from '../policy/review';
import type { ReviewCampaignPolicy } from '../policy/review-schema';
import type { Connection, JiraConnection, RulesDocument } from '../policy/schema';
import { FieldResolver } from '../starter/field-resolver';
import { stateQuery } from '../workflows/access-request/messages';
import { leaseStateQuery } from '../workflows/group-lease/messages';
import { accessRequestWorkflowId, groupLeaseWorkflowId } from '../workflows/ids';
import { campaignCsv } from '../evidence/review-csv';
import type {
  CampaignRecord,
  CampaignScope,
  HowObtained,
  ReviewGroup,
  ReviewItemDraft,
  ReviewPolicy,
  ReviewStatusChange,
} from '../workflows/review/types';
import { jiraTaskQueue } from '../workflows/task-queues';
import type { PinnedPolicy, VerifiedDecision } from './contract';
import { deliveredAt } from './decisions';
import { classified, permanent } from './failures';
import { people, type PeopleDeps } from './people';
import { reviewItemText } from './review-text';

/** Access reviews' reads (the campaign's groups, each member with their context) and its Jira items. */
export function reviewActivities(deps: PeopleDeps & { client: () => Client; queuesByKind?: string }) {
  const { actorFacts } = people(deps);
  const fields = new FieldResolver();
  const connectionOf = (rules: RulesDocument, name: string): Connection | undefined => {
    const c = rules.connections[name];
    return c && c.type !== 'jira' ? c : undefined;
  };

  return {
    async campaignScope({ campaign: name }: { campaign: string }): Promise<CampaignScope> {
      const current = await deps.rules.current();
      const campaign = current?.rules.reviews.find((c) => c.name === name);
      if (!current || !campaign)
        throw permanent(`the rules in force have no review campaign "${name}"`, 'NoSuchCampaign');
      const { rules, version } = current;
      const jiraConnection = rules.connections[rules.portal.connection] as JiraConnection;
      const scope: CampaignScope = {
        rulesVersion: version,
        jira: {
          connectionName: rules.portal.connection,
          connection: jiraConnection,
          emailOverrides: rules.portal.emailOverrides,
          ...(deps.queuesByKind ? { taskQueue: jiraTaskQueue(deps.queuesByKind) } : {}),
        },
        statuses: {
          waiting: rules.portal.reviews.waiting,
          keep: rules.portal.reviews.keep,
          revoke: rules.portal.reviews.revoke,
        },
        policy: reviewPolicy(campaign),
        groups: [],
        unresolved: [],
      };
      for (const wanted of scopeGroups(rules, campaign)) {
        const connection = connectionOf(rules, wanted.connectionName);
        if (!connection) continue;
        try {
          const found = await classified(() =>
            deps.provider(wanted.connectionName, connection).findGroup(wanted.groupName),
          );
          if (!found) scope.unresolved.push(`${wanted.groupName} (${wanted.connectionName}): no such group`);
          else if (!scope.groups.some((g) => g.connectionName === wanted.connectionName && g.groupId === found.id))
            scope.groups.push({ ...wanted, connection, groupId: found.id, groupName: found.name });
        } catch (err) {
          scope.unresolved.push(`${wanted.groupName} (${wanted.connectionName}): ${(err as Error).message}`);
        }
      }
      return scope;
    },

    /** Every current member of the group, with what a reviewer needs to decide, and who reviews them. */
    async reviewMembers({ group, policy }: { group: ReviewGroup; policy: ReviewPolicy }): Promise<ReviewItemDraft[]> {
      const current = await deps.rules.current();
      const idp = deps.provider(group.connectionName, group.connection);
      const members = await classified(() => idp.listMembers(group.groupId));
      const drafts: ReviewItemDraft[] = [];
      for (const member of members) {
        Context.current().heartbeat(member.id);
        const person = await describe(idp, member);
        const obtained = await howObtained(deps.client(), group, member.id);
        drafts.push({
          group,
          person,
          obtained,
          recommendation: recommend(person, policy, Date.now()),
          reviewers: resolveReviewers(policy.reviewers, person, group, (name) =>
            current ? connectionOf(current.rules, name) : undefined,
          ),
        });
      }
      return drafts;
    },

    /** The campaign's own issue in the portal project: what is reviewed, until when; the evidence goes there. */
    async openCampaignIssue(input: {
      jira: PinnedPolicy['jira'];
      campaign: string;
      endsAt: string;
      startedBy: string;
      groups: ReviewGroup[];
    }): Promise<string> {
      const project = (await deps.rules.current())?.rules.portal.project;
      if (!project) throw permanent('no rules in force: no portal project', 'NoRules');
      const groups = input.groups.map(
        (g) => `- ${g.groupName} (${g.connectionName})${g.application ? `: ${g.application} ${g.level}` : ''}`,
      );
      const text = [
        `Access review "${input.campaign}", started by ${input.startedBy}. Every current member of these groups gets an Access Review item; reviewers decide by ${input.endsAt}:`,
        '',
        ...groups,
        '',
        'The campaign record (JSON and CSV) is attached here when it ends.',
      ].join('\n');
      return classified(() =>
        deps.jira(input.jira.connection).createIssue({
          project: { key: project },
          issuetype: { name: 'Service Request' },
          summary: `Access review ${input.campaign}: decide by ${input.endsAt.slice(0, 10)}`,
          description: toAdf(text),
        }),
      );
    },

    /** One Access Review item: the person, the access, the context, the recommendation and the reviewers. */
    async openReviewItem(input: {
      jira: PinnedPolicy['jira'];
      campaign: { name: string; issueKey: string };
      item: ReviewItemDraft;
      endsAt: string;
    }): Promise<string> {
      const current = await deps.rules.current();
      if (!current) throw permanent('no rules in force: no portal project', 'NoRules');
      const { portal } = current.rules;
      const jira = deps.jira(input.jira.connection);
      const ids = await classified(() => fields.resolve(jira, portal));
      const { person, group } = input.item;
      const access = group.application ? `${group.application} (${group.level})` : group.groupName;
      return classified(() =>
        jira.createIssue({
          project: { key: portal.project },
          issuetype: { name: 'Service Request' },
          [ids.requestType]: portal.reviews.requestTypeKey ?? portal.reviews.requestType,
          summary: `Access review: ${person.displayName ?? person.login} in ${access}`,
          description: toAdf(reviewItemText(input)),
        }),
      );
    },

    /**
     * A claimed review decision checked at its source: the changelog entry, who its author is (and which
     * reviewer groups they are in), and for a revoke their justification (their comment on the item).
     */
    async verifyReviewDecision(input: {
      jira: PinnedPolicy['jira'];
      claim: ReviewStatusChange;
      consumed: string[];
      reviewerGroups: ReviewItemDraft['reviewers']['groups'];
    }): Promise<VerifiedDecision & { justification?: string }> {
      return classified(async () => {
        const jira = deps.jira(input.jira.connection);
        const [entries, actor, comments] = await Promise.all([
          jira.changelog(input.claim.issueKey),
          actorFacts({ jira: input.jira, accountId: input.claim.actorAccountId, approverGroups: input.reviewerGroups }),
          jira.commentEntries(input.claim.issueKey),
        ]);
        const asOf = deliveredAt(input.jira, input.claim, input.claim.received);
        const match = matchDecision(entries, input.claim, new Set(input.consumed), asOf);
        const decidedAt = match.confirmed ? Date.parse(match.source.at) : Date.parse(input.claim.at);
        // The reviewer's newest comment up to the decision (a transition's own comment included).
        const justification = comments
          .filter((c) => c.authorAccountId === input.claim.actorAccountId && Date.parse(c.created) <= decidedAt + 1000)
          .at(-1)
          ?.text.trim();
        return { match, actor, ...(justification ? { justification } : {}) };
      });
    },

    /** The campaign record on its issue, as JSON and CSV (each once: a retry finds it there), and a summary. */
    async attachCampaignEvidence({
      jira,
      record,
    }: {
      jira: PinnedPolicy['jira'];
      record: CampaignRecord;
    }): Promise<void> {
      return classified(async () => {
        const gateway = deps.jira(jira.connection);
        const base = `review-${record.campaign}-${record.startedAt.slice(0, 10)}`;
        const present = new Set(await gateway.attachmentNames(record.issueKey));
        if (!present.has(`${base}.json`))
          await gateway.attach(record.issueKey, `${base}.json`, JSON.stringify(record, null, 2));
        if (!present.has(`${base}.csv`))
          await gateway.attach(record.issueKey, `${base}.csv`, campaignCsv(record), 'text/csv');
        const count = (d: string) => record.items.filter((i) => i.decision === d).length;
        const defaults = record.items.filter((i) => i.decidedBy === 'default').length;
        const failed = record.items.filter((i) => i.enforcement?.outcome === 'failed').length;
        const text = `Access review ${record.campaign} ended: ${record.items.length} items, ${count('keep')} kept, ${count('revoke')} revoked (${defaults} by the default${failed ? `, ${failed} removals refused by the directory` : ''}). The record is attached as ${base}.json and ${base}.csv.`;
        if (!(await gateway.comments(record.issueKey)).includes(text)) await gateway.addComment(record.issueKey, text);
      });
    },
  };
}

function reviewPolicy(campaign: ReviewCampaignPolicy): ReviewPolicy {
  return {
    name: campaign.name,
    lengthMs: parseDuration(campaign.length)!,
    ...(campaign.remindEvery ? { remindEveryMs: parseDuration(campaign.remindEvery)! } : {}),
    undecided: campaign.undecided,
    recommendRevokeAfterMs: parseDuration(campaign.recommendRevokeAfter)!,
    reviewers: campaign.reviewers,
  };
}

/** The groups a campaign names, with their application context (unresolved yet). */
function scopeGroups(
  rules: RulesDocument,
  campaign: ReviewCampaignPolicy,
): Array<Omit<ReviewGroup, 'connection' | 'groupId'>> {
  const found: Array<Omit<ReviewGroup, 'connection' | 'groupId'>> = [];
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  for (const entry of campaign.scope) {
    if ('connection' in entry) {
      for (const groupName of entry.groups) found.push({ connectionName: entry.connection, groupName });
      continue;
    }
    const app = rules.applications.find((a) => same(a.name, entry.application));
    for (const level of app?.levels ?? []) {
      if (entry.levels && !entry.levels.some((l) => same(l, level.name))) continue;
      for (const groupName of level.groups)
        found.push({
          application: app!.name,
          level: level.name,
          owner: app!.owner,
          connectionName: level.connection,
          groupName,
        });
    }
  }
  return found;
}

async function describe(idp: IdentityProvider, member: DirectoryUser): Promise<ReviewItemDraft['person']> {
  const [manager, last] = await Promise.all([
    classified(() => idp.findManager(member.id)),
    classified(() => idp.lastActivity(member.id)),
  ]);
  return {
    userId: member.id,
    login: member.login,
    ...(member.email ? { email: member.email } : {}),
    ...(member.displayName ? { displayName: member.displayName } : {}),
    ...(member.department ? { department: member.department } : {}),
    ...(member.title ? { title: member.title } : {}),
    ...(manager
      ? {
          manager: {
            email: manager.email ?? manager.login,
            ...(manager.displayName ? { displayName: manager.displayName } : {}),
          },
        }
      : {}),
    ...(last ? { lastActivity: last.toISOString() } : {}),
  };
}

/** What the membership's lease knows: the grants holding it (approvers, expiry), or that it came first. */
async function howObtained(client: Client, group: ReviewGroup, userId: string): Promise<HowObtained> {
  const outside: HowObtained = { kind: 'outside', grants: [], text: 'outside Leasehold (no Leasehold grant holds it)' };
  let lease;
  try {
    lease = await client.workflow
      .getHandle(groupLeaseWorkflowId(group.connectionName, group.groupId, userId))
      .query(leaseStateQuery);
  } catch {
    return outside;
  }
  if (lease.membership === 'none') return outside;
  const grants: HowObtained['grants'] = [];
  for (const holder of lease.holders) {
    try {
      const request = await client.workflow.getHandle(accessRequestWorkflowId(holder.issueKey)).query(stateQuery);
      grants.push({
        issueKey: holder.issueKey,
        approvers: request.approvals.map((a) => a.email ?? a.accountId),
        ...(request.expiresAt ? { expiresAt: request.expiresAt } : {}),
      });
    } catch {
      grants.push({ issueKey: holder.issueKey, approvers: [], ...(holder.until ? { expiresAt: holder.until } : {}) });
    }
  }
  const listed = grants
    .map(
      (g) =>
        `${g.issueKey} (approved by ${g.approvers.join(', ') || 'auto-approval'}${g.expiresAt ? `, expires ${g.expiresAt}` : ''})`,
    )
    .join('; ');
  if (lease.membership === 'pre-existing')
    return {
      kind: 'pre-existing',
      grants,
      text: `a member before Leasehold's first grant on it${listed ? `; also granted by ${listed}` : ''}`,
    };
  return { kind: 'leasehold', grants, text: `granted by Leasehold: ${listed || 'a grant now ending'}` };
}
