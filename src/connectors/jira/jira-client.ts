import type { HttpException, ServiceDeskClient, Version3Client } from 'jira.js' with { 'resolution-mode': 'import' };

/**
 * jira.js v5 clients for Jira Cloud (or the sandbox). jira.js ships a CommonJS build but declares its
 * types as ESM only, so the types are imported in import mode and the CommonJS build is loaded here.
 */
type JiraJs = typeof import('jira.js', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jiraJs = require('jira.js') as JiraJs;

export type { HttpException as JiraHttpException, ServiceDeskClient, Version3Client };

export interface JiraConnection {
  /** Site URL, e.g. `https://example.atlassian.net` or `http://127.0.0.1:8091`. */
  host: string;
  email: string;
  apiToken: string;
}

function config({ host, email, apiToken }: JiraConnection): { host: string; authentication: { basic: { email: string; apiToken: string } } } {
  return { host, authentication: { basic: { email, apiToken } } };
}

/** Platform REST API v3 client with basic auth (`email:apiToken`). */
export function createJiraClient(connection: JiraConnection): Version3Client {
  return new jiraJs.Version3Client(config(connection));
}

/** JSM REST API client (`/rest/servicedeskapi`). */
export function createServiceDeskClient(connection: JiraConnection): ServiceDeskClient {
  return new jiraJs.ServiceDeskClient(config(connection));
}

/** What jira.js throws when Jira answers with an error status (`.status`, `.response`, `.cause`). */
export function isJiraHttpException(error: unknown): error is HttpException {
  return error instanceof jiraJs.HttpException;
}
