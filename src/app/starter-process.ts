import type { Env } from '../config/env';
import { ConnectorRegistry } from '../connectors/registry';
import { logger } from '../logging';
import { RulesStore } from '../temporal/rules-store';
import { startWebhookStarter, type RunningStarter } from '../starter/server';
import { connectClient, type TemporalTarget } from '../temporal/connection';

/** Connects to Temporal and serves the Jira webhook until stopped. */
export async function runStarter(target: TemporalTarget, env: Env): Promise<RunningStarter> {
  const client = await connectClient(target);
  const connectors = new ConnectorRegistry();
  const starter = await startWebhookStarter({
    client,
    taskQueue: env.LEASEHOLD_TASK_QUEUE,
    rules: new RulesStore(client, env.LEASEHOLD_TASK_QUEUE),
    jira: (connection) => connectors.jira(connection),
    host: env.LEASEHOLD_WEBHOOK_HOST,
    port: env.LEASEHOLD_WEBHOOK_PORT,
    allowUnsigned: env.LEASEHOLD_ALLOW_UNSIGNED_WEBHOOKS === 'true',
  });
  logger.info({ url: starter.webhookUrl }, 'webhook starter listening');
  return {
    ...starter,
    async close() {
      await starter.close();
      await client.connection.close();
    },
  };
}
