import { createHash } from 'node:crypto';
import type { PinnedPolicy } from './contract';
import type { IdentityProvider } from '../connectors/identity-provider';
import { readSecret } from '../config/settings';
import type { JiraGateway } from '../connectors/jira/jira-gateway';
import type { Connection, JiraConnection, RulesDocument, SecretRef } from '../policy/schema';
import type { RulesStore } from '../temporal/rules-store';
import { findRule } from '../policy/lookup';
import type { RuleProblem } from '../policy/validate';
import type { RulesCheck } from '../workflows/policy/types';
import { directoryTaskQueue, jiraTaskQueue } from '../workflows/task-queues';
import { classified } from './failures';
import { ApplicationFailure, Context } from '@temporalio/activity';

/** SHA-256 of the document's canonical JSON (keys sorted): the same rules always have the same digest. */
export function rulesDigest(rules: RulesDocument): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(rules)))
    .digest('hex');
}

/**
 * Rules that would disable intake are refused: the portal's Jira connection must have its API token
 * and a webhook (or Automation) secret the worker can read, and Jira must accept the token. Otherwise
 * genuine deliveries would get 401 (Jira does not retry them: requests lost) or every write-back fail.
 */
async function checkIntake(
  rules: RulesDocument,
  problems: RuleProblem[],
  jira: (connection: JiraConnection) => JiraGateway,
): Promise<void> {
  const name = rules.portal.connection;
  const connection = rules.connections[name];
  if (connection?.type !== 'jira') return; // the schema already reported it
  const path = `connections.${name}`;
  const unreadable = (key: string, ref: SecretRef): boolean => {
    try {
      readSecret(ref);
      return false;
    } catch (err) {
      problems.push({ path: `${path}.${key}`, message: `the worker cannot read it: ${(err as Error).message}` });
      return true;
    }
  };
  const secrets = [
    connection.webhookSecret && (['webhookSecret', connection.webhookSecret] as const),
    connection.automationSecret && (['automationSecret', connection.automationSecret] as const),
  ].filter((x): x is readonly ['webhookSecret' | 'automationSecret', SecretRef] => Boolean(x));
  if (secrets.length === 0 && process.env.LEASEHOLD_ALLOW_UNSIGNED_WEBHOOKS !== 'true')
    problems.push({
      path: `${path}.webhookSecret`,
      message:
        'the portal connection needs a webhookSecret (or automationSecret): without one the starter rejects every delivery',
    });
  for (const [key, ref] of secrets) unreadable(key, ref);
  if (unreadable('apiToken', connection.apiToken)) return;
  try {
    await jira(connection).myself();
  } catch (err) {
    problems.push({ path, message: `Jira refused the connection: ${(err as Error).message}` });
  }
}

export function rulesActivities(deps: {
  rules: RulesStore;
  provider: (name: string, connection: Connection) => IdentityProvider;
  jira: (connection: JiraConnection) => JiraGateway;
  /** The worker's base task queue when it runs work by kind (see task-queues.ts): runs pin the queues. */
  queuesByKind?: string;
  rulesRead?: (rules: RulesDocument) => void;
}) {
  const byKind = deps.queuesByKind;
  return {
    async loadPolicy({
      application,
      accessType,
    }: {
      application: string | null;
      accessType: string | null;
    }): Promise<PinnedPolicy> {
      const current = await deps.rules.current();
      if (!current)
        throw ApplicationFailure.create({
          message: 'no rules have been applied yet (leasehold rules apply FILE)',
          type: 'NoRules',
        });
      const rules = current.rules;
      deps.rulesRead?.(rules);
      const jiraName = rules.portal.connection;
      const jiraConnection = rules.connections[jiraName];
      if (jiraConnection?.type !== 'jira')
        throw ApplicationFailure.nonRetryable(`portal connection ${jiraName} is not a jira connection`);
      const base = {
        version: current.version,
        jira: {
          connectionName: jiraName,
          connection: jiraConnection,
          emailOverrides: rules.portal.emailOverrides,
          ...(byKind ? { taskQueue: jiraTaskQueue(byKind) } : {}),
        },
        outcomes: rules.portal.outcomes,
        settings: { allowOperatorExtensions: rules.settings.allowOperatorExtensions },
        ...(rules.slack ? { slack: { ...(rules.slack.channel ? { channel: rules.slack.channel } : {}) } } : {}),
      };

      const { app, level } = findRule(rules, application, accessType);
      if (!application || !app) {
        return {
          ...base,
          unmatchedReason: application
            ? `no rule for application "${application}" (rules v${current.version})`
            : 'the request has no Application',
        };
      }
      if (!accessType || !level) {
        const known = app.levels.map((l) => l.name).join(', ');
        return {
          ...base,
          unmatchedReason: `no rule for access type "${accessType ?? '(none)'}" of ${app.name} (known: ${known}; rules v${current.version})`,
        };
      }
      const connection = rules.connections[level.connection]!;
      return {
        ...base,
        rule: {
          version: current.version,
          application: app.name,
          owner: app.owner,
          level,
          connectionName: level.connection,
          connection,
          ...(byKind ? { directoryTaskQueue: directoryTaskQueue(byKind, level.connection) } : {}),
          approverConnections: Object.fromEntries(
            level.approval.approvers.flatMap((a) =>
              typeof a === 'object' && 'group' in a ? [[a.connection, rules.connections[a.connection]!]] : [],
            ),
          ),
        },
      };
    },

    /** Apply-time checks: each referenced group exists in its connection; each connection answers. */
    async checkRules({ rules }: { rules: RulesDocument }): Promise<RulesCheck> {
      return classified(async () => {
        const problems: RuleProblem[] = [];
        const unreachable = new Set<string>();
        // Each (connection, group) is looked up once, however many levels name it.
        const found = new Map<string, boolean>();
        const groupExists = async (connectionName: string, group: string, path: string): Promise<void> => {
          if (unreachable.has(connectionName)) return;
          const connection = rules.connections[connectionName];
          if (!connection || connection.type === 'jira') return; // the schema already reported it
          const key = `${connectionName}\u0000${group}`;
          if (!found.has(key)) {
            // A large document checks hundreds of groups: a crashed worker's check is retried in seconds.
            Context.current().heartbeat(path);
            try {
              found.set(key, (await deps.provider(connectionName, connection).findGroup(group)) !== undefined);
            } catch (err) {
              unreachable.add(connectionName);
              problems.push({
                path: `connections.${connectionName}`,
                message: `cannot check groups: ${(err as Error).message}`,
              });
              return;
            }
          }
          if (!found.get(key)) problems.push({ path, message: `group "${group}" does not exist in ${connectionName}` });
        };
        await checkIntake(rules, problems, deps.jira);
        for (const [a, app] of rules.applications.entries()) {
          for (const [l, level] of app.levels.entries()) {
            for (const [g, group] of level.groups.entries())
              await groupExists(level.connection, group, `applications[${a}].levels[${l}].groups[${g}]`);
            for (const [i, approver] of level.approval.approvers.entries()) {
              if (typeof approver === 'object' && 'group' in approver) {
                await groupExists(
                  approver.connection,
                  approver.group,
                  `applications[${a}].levels[${l}].approval.approvers[${i}].group`,
                );
              }
            }
          }
        }
        return { digest: rulesDigest(rules), problems };
      });
    },
  };
}
