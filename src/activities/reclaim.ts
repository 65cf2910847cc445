import { Context } from '@temporalio/activity';
import type { IdentityProvider } from '../connectors/identity-provider';
import { toAdf, type JiraGateway } from '../connectors/jira/jira-gateway';
import { parseDuration } from '../policy/duration';
import type { Connection, JiraConnection } from '../policy/schema';
import type { RulesStore } from '../temporal/rules-store';
import type { InactiveMember, ReclaimGroup, ReclaimRecord, ReclaimScope } from '../workflows/reclaim/types';
import { jiraTaskQueue } from '../workflows/task-queues';
import type { ConnectionRef, PinnedPolicy } from './contract';
import { classified } from './failures';

/** Inactivity reclaim's reads (who has not signed in) and its notice in Jira. */
export function reclaimActivities(deps: {
  rules: RulesStore;
  provider: (name: string, connection: Connection) => IdentityProvider;
  jira: (connection: JiraConnection) => JiraGateway;
  queuesByKind?: string;
}) {
  return {
    async reclaimScope(): Promise<ReclaimScope> {
      const current = await deps.rules.current();
      if (!current) return { groups: [], unresolved: [] };
      const { rules, version } = current;
      const jiraConnection = rules.connections[rules.portal.connection];
      const scope: ReclaimScope = { rulesVersion: version, groups: [], unresolved: [] };
      if (jiraConnection?.type !== 'jira') return scope;
      scope.jira = {
        connectionName: rules.portal.connection,
        connection: jiraConnection,
        ...(deps.queuesByKind ? { taskQueue: jiraTaskQueue(deps.queuesByKind) } : {}),
      };
      for (const app of rules.applications)
        for (const level of app.levels) {
          const policy = level.reclaim;
          const connection = rules.connections[level.connection];
          if (!policy || !connection || connection.type === 'jira') continue;
          for (const groupName of level.groups.filter((g) => !policy.exclude.includes(g))) {
            try {
              const found = await classified(() => deps.provider(level.connection, connection).findGroup(groupName));
              if (!found) {
                scope.unresolved.push(`${groupName} (${level.connection}): no such group`);
                continue;
              }
              const group: ReclaimGroup = {
                application: app.name,
                level: level.name,
                connectionName: level.connection,
                connection,
                groupId: found.id,
                groupName: found.name,
                inactiveForMs: parseDuration(policy.inactiveFor)!,
                graceMs: parseDuration(policy.grace)!,
              };
              // A group two levels reclaim from is swept once, by the shorter threshold.
              const same = scope.groups.find(
                (g) => g.connectionName === group.connectionName && g.groupId === group.groupId,
              );
              if (!same) scope.groups.push(group);
              else if (group.inactiveForMs < same.inactiveForMs) Object.assign(same, group);
            } catch (err) {
              scope.unresolved.push(`${groupName} (${level.connection}): ${(err as Error).message}`);
            }
          }
        }
      return scope;
    },

    /**
     * The group's members whose last sign-in is older than the threshold. A member with no sign-in time
     * is left alone and counted: the directories answer "none" both for a person who never signed in and
     * where the time is not available (an Entra tenant without P1/P2), and reclaiming a whole tenant on
     * the latter would be a disaster.
     */
    async inactiveMembers({
      group,
    }: {
      group: ReclaimGroup;
    }): Promise<{ inactive: InactiveMember[]; unknown: number }> {
      const idp = deps.provider(group.connectionName, group.connection);
      const members = await classified(() => idp.listMembers(group.groupId));
      const since = Date.now() - group.inactiveForMs;
      const inactive: InactiveMember[] = [];
      let unknown = 0;
      for (const m of members) {
        Context.current().heartbeat(m.id);
        const last = await classified(() => idp.lastActivity(m.id));
        if (!last) unknown++;
        else if (last.getTime() <= since)
          inactive.push({ userId: m.id, login: m.login, lastActivity: last.toISOString() });
      }
      return { inactive, unknown };
    },

    async lastSignIn(input: ConnectionRef & { userId: string }): Promise<string | undefined> {
      const last = await classified(() =>
        deps.provider(input.connectionName, input.connection).lastActivity(input.userId),
      );
      return last?.toISOString();
    },

    /** The notice: an issue in the portal project telling the person what will happen and how to keep it. */
    async raiseReclaimNotice({ jira, record }: { jira: PinnedPolicy['jira']; record: ReclaimRecord }): Promise<string> {
      const current = await deps.rules.current();
      const project = current?.rules.portal.project;
      if (!project) throw new Error('no rules in force: no portal project for the notice');
      const since = record.lastActivity ? `has not signed in since ${record.lastActivity}` : 'has never signed in';
      const text = [
        `${record.person} ${since} (more than ${record.inactiveFor}) and holds ${record.access}: group ${record.group} in ${record.connection}.`,
        '',
        `Unused access is removed. Sign in before ${record.graceEnds} to keep it; otherwise it is removed then,`,
        'and can be requested again in the portal at any time.',
      ].join('\n');
      return classified(() =>
        deps.jira(jira.connection).createIssue({
          project: { key: project },
          issuetype: { name: 'Service Request' },
          summary: `Unused access: ${record.person} in ${record.group} will be removed on ${record.graceEnds.slice(0, 10)}`,
          description: toAdf(text),
        }),
      );
    },
  };
}
