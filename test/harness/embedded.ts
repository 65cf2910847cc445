import { freePort } from '../../src/temporal/dev-server';
import { findTemporalCli } from '../../src/temporal/cli-binary';

/**
 * The environment of `leasehold start` as a newcomer runs it, on free ports (so a test never meets a
 * running demo) with its state in `stateDir`: nothing else configured. The variables the harness set
 * for its own sandboxes are left out, so they cannot leak into this one.
 */
export async function embeddedStartEnv(stateDir: string): Promise<NodeJS.ProcessEnv> {
  const [temporal, ui, webhook, jira, okta, entra, health] = await Promise.all(
    Array.from({ length: 7 }, () => freePort()),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LEASEHOLD_STATE_DIR: stateDir,
    TEMPORAL_CLI_PATH: findTemporalCli()!.path,
    LEASEHOLD_TEMPORAL_PORT: String(temporal),
    LEASEHOLD_TEMPORAL_UI_PORT: String(ui),
    LEASEHOLD_WEBHOOK_PORT: String(webhook),
    LEASEHOLD_SANDBOX_JIRA_PORT: String(jira),
    LEASEHOLD_SANDBOX_OKTA_PORT: String(okta),
    LEASEHOLD_SANDBOX_ENTRA_PORT: String(entra),
    LEASEHOLD_WORKER_HEALTH_PORT: String(health),
    LEASEHOLD_LOG_LEVEL: 'warn',
  };
  for (const k of ['JIRA_SITE', 'OKTA_ORG_URL', 'ENTRA_TENANT_ID', 'TEMPORAL_ADDRESS', 'NODE_OPTIONS']) delete env[k];
  return env;
}
