import fs from 'node:fs';
import path from 'node:path';
import { startEntraSandbox, type EntraSandbox, type EntraSandboxOptions } from './entra';
import { startJiraSandbox, type JiraSandbox, type JiraSandboxOptions } from './jira';
import { startOktaSandbox, type OktaSandbox, type OktaSandboxOptions } from './okta';
import { loadSandboxState, renderSandboxState, StateFileWriter } from './persistence/state-file';
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
  /** The file their state is saved in, if any (see {@link SandboxesOptions.stateFile}). */
  stateFile?: string;
  /** Whether they started from a saved state. */
  restored: boolean;
  /** Writes the state file now (it is also written a moment after each change, and at close). */
  saveState(): void;
  close(): Promise<void>;
}

export interface SandboxesOptions {
  /** Ports (0 = free port each). */
  ports?: { jira?: number; okta?: number; entra?: number };
  /** Folder for generated files (the Entra CA certificate). */
  stateDir: string;
  /**
   * A JSON file to keep their state in (Jira issues and numbering, the Okta and Entra directories):
   * loaded at start if present, written a moment after each change and at close. Without it (tests)
   * the state lives in memory only.
   */
  stateFile?: string;
  jira?: Omit<JiraSandboxOptions, 'port'>;
  okta?: Omit<OktaSandboxOptions, 'port'>;
  entra?: Omit<EntraSandboxOptions, 'port'>;
}

/** Starts the three sandboxes (the demo mode, and what tests run against). */
export async function startSandboxes(options: SandboxesOptions): Promise<Sandboxes> {
  const saved = options.stateFile === undefined ? undefined : loadSandboxState(options.stateFile);
  const [jira, okta, entra] = await Promise.all([
    startJiraSandbox({ savedState: saved?.jira, ...options.jira, port: options.ports?.jira ?? 0 }),
    startOktaSandbox({ savedState: saved?.okta, ...options.okta, port: options.ports?.okta ?? 0 }),
    startEntraSandbox({ savedState: saved?.entra, ...options.entra, port: options.ports?.entra ?? 0 }),
  ]);
  const writer =
    options.stateFile === undefined
      ? undefined
      : new StateFileWriter(options.stateFile, () =>
          renderSandboxState({ jira: jira.savedState(), okta: okta.savedState(), entra: entra.savedState() }),
        );
  if (writer) {
    for (const sandbox of [jira, okta, entra]) sandbox.onStateChange(() => writer.schedule());
    writer.flush();
  }
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
    stateFile: options.stateFile,
    restored: saved !== undefined,
    saveState: () => writer?.flush(),
    async close() {
      await Promise.all([jira.close(), okta.close(), entra.close()]);
      writer?.flush({ close: true });
    },
  };
}
