import { HttpError } from '../http';

/**
 * GitHub's REST error body: `{ message, documentation_url, status }` (status as a string, as GitHub
 * sends it since 2024); validation errors add `errors`. @octokit/request turns it into the
 * `RequestError` message `"<message> - <documentation_url>"`.
 */
export interface GitHubErrorBody {
  message: string;
  documentation_url: string;
  status: string;
  errors?: unknown[];
}

const DOCS = 'https://docs.github.com/rest';

/** Documentation links of the operations the sandbox serves (what GitHub puts in `documentation_url`). */
export const githubDocs = {
  rest: DOCS,
  rateLimits: `${DOCS}/overview/rate-limits-for-the-rest-api`,
  secondaryLimits: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
  getUser: `${DOCS}/users/users#get-a-user`,
  getUserById: `${DOCS}/users/users#get-a-user-using-their-id`,
  searchUsers: `${DOCS}/search/search#search-users`,
  getOrg: `${DOCS}/orgs/orgs#get-an-organization`,
  getTeam: `${DOCS}/teams/teams#get-a-team-by-name`,
  getMembership: `${DOCS}/teams/members#get-team-membership-for-a-user`,
  addMembership: `${DOCS}/teams/members#add-or-update-team-membership-for-a-user`,
  removeMembership: `${DOCS}/teams/members#remove-team-membership-for-a-user`,
  listMembers: `${DOCS}/teams/members#list-team-members`,
  installationToken: `${DOCS}/apps/apps#create-an-installation-access-token-for-an-app`,
} as const;

/** An {@link HttpError} whose `code` carries the documentation URL (rendered by {@link githubErrorBody}). */
export function githubError(
  status: number,
  message: string,
  documentationUrl: string = DOCS,
  headers: Record<string, string> = {},
): HttpError {
  return new HttpError(status, message, documentationUrl, headers);
}

export const notFound = (documentationUrl: string): HttpError => githubError(404, 'Not Found', documentationUrl);

/** The body for any {@link HttpError}, including the router's own 404/405 and bad JSON. */
export function githubErrorBody(error: HttpError): GitHubErrorBody {
  const documentation_url = error.code?.startsWith('https://') ? error.code : DOCS;
  const message =
    error.code?.startsWith('https://') || error.status >= 500
      ? error.message
      : error.status === 404
        ? 'Not Found'
        : error.status === 400
          ? 'Problems parsing JSON'
          : error.message;
  return { message, documentation_url, status: String(error.status) };
}

/** What GitHub says over a secondary rate limit. */
export function secondaryLimitMessage(requestId: string): string {
  return `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`;
}

/**
 * What GitHub says when a membership of a team synchronized with an IdP group is changed through the
 * API (unverified wording; GitHub documents only that such changes fail).
 */
export function idpSyncedMessage(idpGroup: string): string {
  return `This team is synchronized with an identity provider group (${idpGroup}). Team membership must be managed through your identity provider; it cannot be changed on GitHub or through the API.`;
}
