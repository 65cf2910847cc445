import type { SandboxRequest } from '../http';
import type { JiraAccount, JiraAccountDirectory } from './accounts';
import { notAuthenticated } from './errors';

/**
 * Basic authentication with `email:apiToken`, checked before routing: a request without valid
 * credentials gets Jira's plain-text 401; a valid one is remembered as the acting user.
 */
export class JiraAuthenticator {
  private readonly actors = new WeakMap<SandboxRequest, JiraAccount>();

  constructor(private readonly accounts: JiraAccountDirectory) {}

  /** The `before` hook of the sandbox server: throws the 401, or records the acting user. */
  check(req: SandboxRequest): undefined {
    const header = req.headers.authorization;
    const account = this.accounts.authenticate(header);
    if (!account) throw notAuthenticated(header ? 'AUTHENTICATED_FAILED' : 'AUTHENTICATION_DENIED');
    this.actors.set(req, account);
    return undefined;
  }

  /** The user the request acts as. */
  actor(req: SandboxRequest): JiraAccount {
    const account = this.actors.get(req);
    if (!account) throw notAuthenticated('AUTHENTICATION_DENIED');
    return account;
  }
}
