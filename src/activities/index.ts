import type { Client } from '@temporalio/client';
import type { WorkerMetrics } from '../app/worker-metrics';
import type { IdentityProvider } from '../connectors/identity-provider';
import type { ConnectorRegistry } from '../connectors/registry';
import type { Connection } from '../policy/schema';
import type { RulesStore } from '../temporal/rules-store';
import type { LeaseholdActivities } from './contract';
import { decisionActivities } from './decisions';
import { directoryActivities } from './directory';
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
    ...rulesActivities({ rules: deps.rules, provider, jira }),
    ...peopleActivities({ rules: deps.rules, provider, jira }),
    ...decisionActivities({ rules: deps.rules, provider, jira }),
    ...directoryActivities({ provider }),
    ...leaseActivities({ client: deps.client, taskQueue: deps.taskQueue }),
    ...jiraActivities({ jira }),
  };
}
