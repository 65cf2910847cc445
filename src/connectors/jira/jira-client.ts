import { HttpException, ServiceDeskClient, Version3Client } from 'jira.js';

/** jira.js v5 clients for Jira Cloud (or the sandbox), authenticated with `email:apiToken`. */

export type { HttpException as JiraHttpException, ServiceDeskClient, Version3Client };

export interface JiraClientOptions {
  /** Site URL, e.g. `https://example.atlassian.net` or `http://127.0.0.1:8091`. */
  host: string;
  email: string;
  apiToken: string;
}

const config = ({ host, email, apiToken }: JiraClientOptions) => ({
  host,
  authentication: { basic: { email, apiToken } },
});

/** Platform REST API v3 client. */
export function createJiraClient(options: JiraClientOptions): Version3Client {
  return new Version3Client(config(options));
}

/** JSM REST API client (`/rest/servicedeskapi`). */
export function createServiceDeskClient(options: JiraClientOptions): ServiceDeskClient {
  return new ServiceDeskClient(config(options));
}

/** What jira.js throws when Jira answers with an error status (`.status`, `.response.data`, `.cause.response.headers`). */
export function isJiraHttpException(error: unknown): error is HttpException {
  return error instanceof HttpException;
}
