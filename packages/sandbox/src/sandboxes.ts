import fs from 'node:fs';
import path from 'node:path';
import { startAwsSandbox, type AwsSandbox, type AwsSandboxOptions } from './aws';
import { startEntraSandbox, type EntraSandbox, type EntraSandboxOptions } from './entra';
import { startGitHubSandbox, type GitHubSandbox, type GitHubSandboxOptions } from './github';
import { startGoogleSandbox, type GoogleSandbox, type GoogleSandboxOptions } from './google';
import { startJiraSandbox, type JiraSandbox, type JiraSandboxOptions } from './jira';
import { startOktaSandbox, type OktaSandbox, type OktaSandboxOptions } from './okta';
import { startSlackSandbox, type SlackSandbox, type SlackSandboxOptions } from './slack';
import { loadSandboxState, renderSandboxState, StateFileWriter } from './persistence/state-file';
import { sandboxCredentials } from './sample-data';

export interface Sandboxes {
  jira: JiraSandbox;
  okta: OktaSandbox;
  entra: EntraSandbox;
  github: GitHubSandbox;
  google: GoogleSandbox;
  aws: AwsSandbox;
  /** The Slack workspace (Web API at `slack.apiUrl`; clicks go to `slack.setInteractivityUrl(…)`). */
  slack: SlackSandbox;
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
  ports?: {
    jira?: number;
    okta?: number;
    entra?: number;
    github?: number;
    google?: number;
    aws?: number;
    slack?: number;
  };
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
  github?: Omit<GitHubSandboxOptions, 'port'>;
  google?: Omit<GoogleSandboxOptions, 'port'>;
  aws?: Omit<AwsSandboxOptions, 'port'>;
  slack?: Omit<SlackSandboxOptions, 'port'>;
}

/** Starts the sandboxes (the demo mode, and what tests run against). */
export async function startSandboxes(options: SandboxesOptions): Promise<Sandboxes> {
  const saved = options.stateFile === undefined ? undefined : loadSandboxState(options.stateFile);
  const [jira, okta, entra, github, google, aws, slack] = await Promise.all([
    startJiraSandbox({ savedState: saved?.jira, ...options.jira, port: options.ports?.jira ?? 0 }),
    startOktaSandbox({ savedState: saved?.okta, ...options.okta, port: options.ports?.okta ?? 0 }),
    startEntraSandbox({ savedState: saved?.entra, ...options.entra, port: options.ports?.entra ?? 0 }),
    startGitHubSandbox({ savedState: saved?.github, ...options.github, port: options.ports?.github ?? 0 }),
    startGoogleSandbox({ savedState: saved?.google, ...options.google, port: options.ports?.google ?? 0 }),
    startAwsSandbox({ savedState: saved?.aws, ...options.aws, port: options.ports?.aws ?? 0 }),
    startSlackSandbox({ savedState: saved?.slack, ...options.slack, port: options.ports?.slack ?? 0 }),
  ]);
  const writer =
    options.stateFile === undefined
      ? undefined
      : new StateFileWriter(options.stateFile, () =>
          renderSandboxState({
            jira: jira.savedState(),
            okta: okta.savedState(),
            entra: entra.savedState(),
            github: github.savedState(),
            google: google.savedState(),
            aws: aws.savedState(),
            slack: slack.savedState(),
          }),
        );
  if (writer) {
    for (const sandbox of [jira, okta, entra, github, google, aws, slack])
      sandbox.onStateChange(() => writer.schedule());
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
    // The Atlassian site's group API (product access) is served by the sandbox Jira; same admin account.
    ATLASSIAN_SITE: jira.url,
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: sandboxCredentials.okta.token,
    ENTRA_TENANT_ID: sandboxCredentials.entra.tenantId,
    ENTRA_CLIENT_ID: sandboxCredentials.entra.clientId,
    ENTRA_CLIENT_SECRET: sandboxCredentials.entra.clientSecret,
    ENTRA_AUTHORITY_HOST: entra.url,
    ENTRA_GRAPH_URL: entra.url,
    ENTRA_CA_FILE: entraCaFile,
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: sandboxCredentials.github.token,
    // The Admin SDK Directory API and its token endpoint; the service account key file as JSON (test-only key).
    GOOGLE_DIRECTORY_URL: google.url,
    GOOGLE_TOKEN_URL: google.tokenUrl,
    GOOGLE_SERVICE_ACCOUNT_KEY: JSON.stringify(google.serviceAccountKey),
    GOOGLE_ADMIN_SUBJECT: sandboxCredentials.google.subject,
    // AWS IAM Identity Center: the Identity Store (and sso-admin) endpoint and an IAM user's access key,
    // which the example rules name explicitly (a worker's own AWS_PROFILE would otherwise win over them).
    AWS_IDENTITY_STORE_ENDPOINT: aws.url,
    AWS_IDENTITY_STORE_ID: aws.identityStoreId,
    AWS_IDENTITY_STORE_REGION: aws.region,
    AWS_ACCESS_KEY_ID: sandboxCredentials.aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sandboxCredentials.aws.secretAccessKey,
    // Slack: the Web API root (WebClient's `slackApiUrl`), the app's bot token and signing secret.
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: sandboxCredentials.slack.botToken,
    SLACK_SIGNING_SECRET: sandboxCredentials.slack.signingSecret,
  };
  return {
    jira,
    okta,
    entra,
    github,
    google,
    aws,
    slack,
    entraCaFile,
    env,
    stateFile: options.stateFile,
    restored: saved !== undefined,
    saveState: () => writer?.flush(),
    async close() {
      await Promise.all([
        jira.close(),
        okta.close(),
        entra.close(),
        github.close(),
        google.close(),
        aws.close(),
        slack.close(),
      ]);
      writer?.flush({ close: true });
    },
  };
}
