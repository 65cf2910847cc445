import type { Client } from '@temporalio/client';
import type { WorkerMetrics } from '../app/worker-metrics';
import type { IdentityProvider } from '../connectors/identity-provider';
import type { ConnectorRegistry } from '../connectors/registry';
import type { Connection, RulesDocument } from '../policy/schema';
import type { RulesStore } from '../temporal/rules-store';
import type { LeaseholdActivities } from './contract';
import { decisionActivities } from './decisions';
import { directoryActivities } from './directory';
import { driftActivities } from './drift';
import { reclaimActivities } from './reclaim';
import { reviewActivities } from './reviews';
import { slackActivities } from './slack';
import { jiraActivities } from './jira';
import { leaseActivities } from './leases';
import { peopleActivities } from './people';
import { rulesActivities } from './rules';

export type { LeaseholdActivities } from './contract';

export interface ActivityDeps {
  client: () => Client;
  taskQueue: string;
  rules: RulesStore;
  connectors: ConnectorRegistry;
  /** Runs pin the task queues of work by kind (the worker runs them: see task-queues.ts). */
  queuesByKind?: boolean;
  /** Told the rules each time a request pins its policy (the worker follows their connections). */
  rulesRead?: (rules: RulesDocument) => void;
  /** Counts identity provider calls and errors by connection. */
  metrics?: Pick<WorkerMetrics, 'instrument'>;
}

/** Every activity the worker registers, bound to this process's connectors and Temporal client. */
export function createActivities(deps: ActivityDeps): LeaseholdActivities {
  const provider = (name: string, connection: Connection): IdentityProvider => {
    const found = deps.connectors.provider(name, connection);
    return deps.metrics ? deps.metrics.instrument(name, found) : found;
  };
  const jira = deps.connectors.jira.bind(deps.connectors);
  return {
    ...rulesActivities({
      rules: deps.rules,
      provider,
      jira,
      ...(deps.queuesByKind ? { queuesByKind: deps.taskQueue } : {}),
      ...(deps.rulesRead ? { rulesRead: deps.rulesRead } : {}),
    }),
    ...peopleActivities({ rules: deps.rules, provider, jira }),
    ...decisionActivities({ rules: deps.rules, provider, jira }),
    ...directoryActivities({ provider }),
    ...leaseActivities({ client: deps.client, taskQueue: deps.taskQueue }),
    ...jiraActivities({ jira }),
    ...driftActivities({ client: deps.client, rules: deps.rules, provider, jira }),
    ...reclaimActivities({
      rules: deps.rules,
      provider,
      jira,
      ...(deps.queuesByKind ? { queuesByKind: deps.taskQueue } : {}),
    }),
    ...slackActivities({ rules: deps.rules, provider, jira }),
    ...reviewActivities({
      client: deps.client,
      rules: deps.rules,
      provider,
      jira,
      ...(deps.queuesByKind ? { queuesByKind: deps.taskQueue } : {}),
    }),
  };
}

/** Some of the activities, for a worker that runs only those (a task queue of one kind of work). */
export function pickActivities<K extends keyof LeaseholdActivities>(
  activities: LeaseholdActivities,
  names: readonly K[],
): Pick<LeaseholdActivities, K> {
  return Object.fromEntries(names.map((n) => [n, activities[n]])) as Pick<LeaseholdActivities, K>;
}
