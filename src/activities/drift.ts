import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { IdentityProvider } from '../connectors/identity-provider';
import { toAdf, type JiraGateway } from '../connectors/jira/jira-gateway';
import { DEFAULT_DRIFT } from '../policy/drift-schema';
import type { Connection, JiraConnection, RulesDocument } from '../policy/schema';
import type { RulesStore } from '../temporal/rules-store';
import { groupLeaseWorkflowId } from '../workflows/ids';
import { leaseStateQuery } from '../workflows/group-lease/messages';
import type { DriftFinding, DriftScope, GroupSnapshot, LeaseView, ManagedGroup } from '../workflows/drift/types';
import { classified } from './failures';

/**
 * Drift detection's reads and its report: the groups the rules manage, one group's members and leases
 * as of one moment, and the Jira issue that reports what Leasehold cannot explain.
 */
export function driftActivities(deps: {
  client: () => Client;
  rules: RulesStore;
  provider: (name: string, connection: Connection) => IdentityProvider;
  jira: (connection: JiraConnection) => JiraGateway;
}) {
  const rulesInForce = async (): Promise<{ version?: number; rules?: RulesDocument }> => {
    const current = await deps.rules.current();
    return current ? { version: current.version, rules: current.rules } : {};
  };
  const connectionOf = (rules: RulesDocument | undefined, name: string): Connection | undefined => {
    const connection = rules?.connections[name];
    return connection && connection.type !== 'jira' ? connection : undefined;
  };

  return {
    async driftScope(): Promise<DriftScope> {
      const { version, rules } = await rulesInForce();
      const scope: DriftScope = {
        ...(version === undefined ? {} : { rulesVersion: version }),
        settings: rules?.drift ?? DEFAULT_DRIFT,
        groups: [],
        unresolved: [],
      };
      if (!rules) return scope;
      const named = new Map<string, { connectionName: string; groupName: string }>();
      for (const app of rules.applications)
        for (const level of app.levels)
          for (const groupName of level.groups)
            named.set(`${level.connection}\u0000${groupName}`, { connectionName: level.connection, groupName });
      for (const { connectionName, groupName } of named.values()) {
        const connection = connectionOf(rules, connectionName);
        if (!connection) continue;
        try {
          const group = await classified(() => deps.provider(connectionName, connection).findGroup(groupName));
          if (group) scope.groups.push({ connectionName, groupId: group.id, groupName: group.name });
          else scope.unresolved.push({ connectionName, groupName, error: 'no such group' });
        } catch (err) {
          // One directory down does not stop the others' reconciliation: reported and retried next pass.
          scope.unresolved.push({ connectionName, groupName, error: (err as Error).message });
        }
      }
      return scope;
    },

    /**
     * The group's members and the leases Leasehold runs for it. The leases are listed before and after
     * the members, so a lease that starts or ends meanwhile still explains its member; the state of a
     * lease whose member is not in the group is read from the lease itself.
     */
    async groupSnapshot({ group }: { group: ManagedGroup }): Promise<GroupSnapshot> {
      const { rules } = await rulesInForce();
      const connection = connectionOf(rules, group.connectionName);
      if (!connection) return { group, members: [], leases: [], at: new Date().toISOString() };
      const before = await listLeases(deps.client(), group);
      const at = new Date().toISOString();
      const members = await classified(() =>
        deps.provider(group.connectionName, connection).listMembers(group.groupId),
      );
      const after = await listLeases(deps.client(), group);
      const leases = new Map<string, LeaseView>([...before, ...after].map((l) => [l.userId, l]));
      // Each lease says what it holds: a grant's managed membership, or one recorded as pre-existing.
      const views = [...leases.values()];
      for (let i = 0; i < views.length; i += QUERY_BATCH) {
        Context.current().heartbeat(i);
        await Promise.all(views.slice(i, i + QUERY_BATCH).map((lease) => readLease(deps.client(), lease, at)));
      }
      return {
        group,
        members: members.map((m) => ({ id: m.id, login: m.login })),
        leases: [...leases.values()],
        at,
      };
    },

    /** One Jira issue in the portal project listing what a reconciliation found; returns its key. */
    async reportDrift({ findings, at }: { findings: DriftFinding[]; at: string }): Promise<string | undefined> {
      const { rules } = await rulesInForce();
      if (!rules) return undefined;
      const jiraConnection = rules.connections[rules.portal.connection];
      if (jiraConnection?.type !== 'jira') return undefined;
      const lines = findings.map((f) =>
        f.kind === 'unmanaged'
          ? `- ${f.userLogin} is in ${f.groupName} (${f.connectionName}) with no Leasehold grant`
          : `- ${f.userLogin} is missing from ${f.groupName} (${f.connectionName}), which ${f.heldBy?.join(', ')} grant${f.action === 'restored' ? ': added back' : ''}`,
      );
      const text = [
        `Leasehold reconciled its managed groups with their directories at ${at} and found what it cannot explain:`,
        '',
        ...lines,
        '',
        'Check each membership; `leasehold drift` lists every open finding.',
      ].join('\n');
      return classified(() =>
        deps.jira(jiraConnection).createIssue({
          project: { key: rules.portal.project },
          issuetype: { name: 'Service Request' },
          summary: `Leasehold drift: ${findings.length} membership${findings.length === 1 ? '' : 's'} outside Leasehold`,
          description: toAdf(text),
        }),
      );
    },
  };
}

/** Leases read at once while taking a snapshot. */
const QUERY_BATCH = 8;

/** Fills in what the lease holds, as of `at` (a grant acquired since is not in that member list yet). */
async function readLease(client: Client, lease: LeaseView, at: string): Promise<void> {
  try {
    const state = await client.workflow.getHandle(lease.workflowId).query(leaseStateQuery);
    lease.key = state.key;
    lease.membership = state.membership;
    lease.holders = state.holders
      .filter((h) => h.since < at)
      .map(({ leaseId, holderWorkflowId, issueKey, until }) => ({
        leaseId,
        holderWorkflowId,
        issueKey,
        ...(until ? { until } : {}),
      }));
  } catch {
    // The lease finished meanwhile: its member is judged on the next pass.
  }
}

/** The running group-lease workflows of a group (their ids end in the member's directory id). */
async function listLeases(client: Client, group: ManagedGroup): Promise<LeaseView[]> {
  const prefix = groupLeaseWorkflowId(group.connectionName, group.groupId, '');
  const query = `WorkflowType = 'groupLeaseWorkflow' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH '${prefix.replaceAll("'", "\\'")}'`;
  const leases: LeaseView[] = [];
  for await (const run of client.workflow.list({ query })) {
    if (!run.workflowId.startsWith(prefix)) continue;
    leases.push({ userId: run.workflowId.slice(prefix.length), workflowId: run.workflowId });
  }
  return leases;
}
