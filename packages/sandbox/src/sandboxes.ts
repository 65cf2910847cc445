import fs from 'node:fs';
import path from 'node:path';
import { startEntraSandbox, type EntraSandbox, type EntraSandboxOptions } from './entra';
import { startJiraSandbox, type JiraSandbox, type JiraSandboxOptions } from './jira';
import { startOktaSandbox, type OktaSandbox, type OktaSandboxOptions } from './okta';
import { sandboxCredentials } from './sample-data';

export interface Sandboxes {
  jira: JiraSandbox;
  okta: OktaSandbox;
  entra: EntraSandbox;
  /** PEM file of the Entra sandbox's self-signed certificate (for `caFile` / NODE_EXTRA_CA_CERTS). */
  entraCaFile: string;
  /**
   * The variables the example rules read (`${JIRA_SITE}`, `{ env: OKTA_API_TOKEN }`, …) pointing at
   * these sandboxes: put them in the environment of a worker or starter that should use them.
   */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface SandboxesOptions {
  /** Ports (0 = free port each). */
  ports?: { jira?: number; okta?: number; entra?: number };
  /** Folder for generated files (the Entra CA certificate). */
  stateDir: string;
  jira?: Omit<JiraSandboxOptions, 'port'>;
  okta?: Omit<OktaSandboxOptions, 'port'>;
  entra?: Omit<EntraSandboxOptions, 'port'>;
}

/** Starts the three sandboxes (the demo mode, and what tests run against). */
export async function startSandboxes(options: SandboxesOptions): Promise<Sandboxes> {
  const [jira, okta, entra] = await Promise.all([
    startJiraSandbox({ ...options.jira, port: options.ports?.jira ?? 0 }),
    startOktaSandbox({ ...options.okta, port: options.ports?.okta ?? 0 }),
    startEntraSandbox({ ...options.entra, port: options.ports?.entra ?? 0 }),
  ]);
  const entraCaFile = path.join(options.stateDir, 'sandbox', 'entra-ca.pem');
  fs.mkdirSync(path.dirname(entraCaFile), { recursive: true });
  fs.writeFileSync(entraCaFile, entra.caCertificate);
  const env: Record<string, string> = {
    JIRA_SITE: jira.url,
    JIRA_EMAIL: sandboxCredentials.jira.email,
    JIRA_API_TOKEN: sandboxCredentials.jira.apiToken,
    JIRA_WEBHOOK_SECRET: sandboxCredentials.jira.webhookSecret,
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: sandboxCredentials.okta.token,
    ENTRA_TENANT_ID: sandboxCredentials.entra.tenantId,
    ENTRA_CLIENT_ID: sandboxCredentials.entra.clientId,
    ENTRA_CLIENT_SECRET: sandboxCredentials.entra.clientSecret,
    ENTRA_AUTHORITY_HOST: entra.url,
    ENTRA_GRAPH_URL: entra.url,
    ENTRA_CA_FILE: entraCaFile,
  };
  return {
    jira,
    okta,
    entra,
    entraCaFile,
    env,
    async close() {
      await Promise.all([jira.close(), okta.close(), entra.close()]);
    },
  };
}
