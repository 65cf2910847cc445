import { z } from 'zod';

/**
 * Process configuration from environment variables, parsed once at the edge. Everything has a default
 * that makes `npm start` work on one machine with no configuration (embedded mode).
 */
const port = z.coerce.number().int().min(0).max(65535);

/** Request and lease runs a worker keeps cached by default (why 250: `src/app/worker-process.ts`). */
export const DEFAULT_WORKFLOW_CACHE = 250;
const flag = z.enum(['auto', 'on', 'off']);

export const envSchema = z.object({
  /** Unset: run an embedded Temporal dev server. Set: connect to this cluster (host:port). */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Temporal Cloud API key (TLS is then on). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** mTLS client certificate and key files (self-hosted or Temporal Cloud with certificates). */
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  LEASEHOLD_TASK_QUEUE: z.string().min(1).default('leasehold'),
  /** Request and lease runs the worker keeps in memory (the rest replay from history when they wake). */
  LEASEHOLD_WORKER_CACHE: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_WORKFLOW_CACHE),
  /**
   * `on`: workflows record a stack trace for every promise, for the UI's "Stack Trace" tab (the SDK's
   * default). `off` (ours): they don't, and a workflow task, a replay above all, costs less.
   */
  LEASEHOLD_WORKFLOW_STACK_TRACES: z.enum(['on', 'off']).default('off'),

  /** Embedded dev server ports and database. */
  LEASEHOLD_TEMPORAL_PORT: port.default(7233),
  LEASEHOLD_TEMPORAL_UI_PORT: port.default(8233),
  LEASEHOLD_TEMPORAL_DB: z.string().min(1).optional(),

  /** Webhook starter. */
  LEASEHOLD_WEBHOOK_HOST: z.string().default('127.0.0.1'),
  LEASEHOLD_WEBHOOK_PORT: port.default(8080),
  /** The worker's `/healthz` (for compose / Kubernetes probes); unset = none. */
  LEASEHOLD_WORKER_HEALTH_PORT: port.optional(),
  /** Allows running the webhook starter with no webhook secret (local development only). */
  LEASEHOLD_ALLOW_UNSIGNED_WEBHOOKS: z.enum(['true', 'false']).default('false'),

  /** Sandboxes: `auto` runs them unless real services are configured (JIRA_SITE / OKTA_ORG_URL / ENTRA_TENANT_ID). */
  LEASEHOLD_SANDBOXES: flag.default('auto'),
  LEASEHOLD_SANDBOX_JIRA_PORT: port.default(8091),
  LEASEHOLD_SANDBOX_OKTA_PORT: port.default(8092),
  LEASEHOLD_SANDBOX_ENTRA_PORT: port.default(8093),
  LEASEHOLD_SANDBOX_GITHUB_PORT: port.default(8094),
  LEASEHOLD_SANDBOX_GOOGLE_PORT: port.default(8096),
  LEASEHOLD_SANDBOX_AWS_PORT: port.default(8097),
  LEASEHOLD_SANDBOX_SLACK_PORT: port.default(8098),

  /** Rules loaded into the policy workflow when it has none yet. */
  LEASEHOLD_RULES_FILE: z.string().min(1).optional(),
  /** Who the CLI records as submitter/operator (defaults to the OS user). */
  LEASEHOLD_ACTOR: z.string().min(1).optional(),

  JIRA_SITE: z.string().optional(),
  OKTA_ORG_URL: z.string().optional(),
  ENTRA_TENANT_ID: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Whether this process should run the sandboxes (the demo mode). */
/** The sandboxes' ports (the example rules' defaults point at them). */
export function sandboxPorts(env: Env) {
  return {
    jira: env.LEASEHOLD_SANDBOX_JIRA_PORT,
    okta: env.LEASEHOLD_SANDBOX_OKTA_PORT,
    entra: env.LEASEHOLD_SANDBOX_ENTRA_PORT,
    github: env.LEASEHOLD_SANDBOX_GITHUB_PORT,
    google: env.LEASEHOLD_SANDBOX_GOOGLE_PORT,
    aws: env.LEASEHOLD_SANDBOX_AWS_PORT,
    slack: env.LEASEHOLD_SANDBOX_SLACK_PORT,
  };
}

export function wantsSandboxes(env: Env): boolean {
  if (env.LEASEHOLD_SANDBOXES !== 'auto') return env.LEASEHOLD_SANDBOXES === 'on';
  return !env.JIRA_SITE && !env.OKTA_ORG_URL && !env.ENTRA_TENANT_ID;
}
