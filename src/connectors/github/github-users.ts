import type { Octokit } from '@octokit/rest';
import { ConnectorError } from '../connector-error';
import type { DirectoryUser } from '../identity-provider';

/** The fields of a GitHub account (public user, simple user, search item) Leasehold reads. */
export interface GitHubUser {
  id: number;
  login: string;
  name?: string | null;
  email?: string | null;
  type?: string;
}

/**
 * The one account whose public email is `email` (`GET /search/users?q=<email> in:email`), or undefined.
 * GitHub's search sees public emails only; more than one match is a permanent error asking for a mapping.
 */
export async function searchByEmail(client: Octokit, email: string): Promise<GitHubUser | undefined> {
  const answer = await client.rest.search.users({ q: `${email} in:email`, per_page: 10 });
  const found = answer.data.items.filter((u) => u.type === 'User');
  if (found.length > 1) {
    throw new ConnectorError(
      'permanent',
      `${found.length} GitHub accounts show the email ${email} (${found.map((u) => u.login).join(', ')}): map it to one login in the connection's logins`,
      { service: 'github', code: 'AmbiguousUser' },
    );
  }
  return found[0];
}

/** A directory user: the account id as id (stable across renames), the login, and the email asked for. */
export function toDirectoryUser(user: GitHubUser, email?: string): DirectoryUser {
  return {
    id: String(user.id),
    login: user.login,
    email: email ?? user.email ?? undefined,
    displayName: user.name ?? undefined,
    status: user.type,
  };
}
