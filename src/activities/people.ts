import type { ConnectionRef, PinnedPolicy } from './contract';
import type { IdentityProvider } from '../connectors/identity-provider';
import type { JiraGateway } from '../connectors/jira/jira-gateway';
import type { ApproverFacts } from '../policy/approval';
import type { Connection, JiraConnection } from '../policy/schema';
import type { RulesStore } from '../temporal/rules-store';
import type { PersonRef } from '../workflows/access-request/types';
import { ConnectorError } from '../connectors/connector-error';
import { classified, permanent } from './failures';

export interface PeopleDeps {
  rules: RulesStore;
  provider: (name: string, connection: Connection) => IdentityProvider;
  jira: (connection: JiraConnection) => JiraGateway;
}

/** People: from a Jira accountId to an email (Jira user API, or the rules' email overrides) to a directory user. */
export function people(deps: PeopleDeps) {
  async function emailOf(
    jira: PinnedPolicy['jira'],
    accountId: string,
  ): Promise<{ email?: string; displayName?: string }> {
    // Pinned with the policy; runs started before overrides were pinned read the rules in force.
    const overrides = jira.emailOverrides ?? (await deps.rules.current())?.rules.portal.emailOverrides ?? {};
    const user = await deps.jira(jira.connection).user(accountId);
    return { email: overrides[accountId] ?? user.email, displayName: user.displayName };
  }

  /**
   * Who an actor is: their email and which of the rule's approver groups they are in. An account Jira
   * cannot resolve (an app account, a deleted user) is a fact, not a failure: no email, the reason kept.
   */
  async function actorFacts(input: {
    jira: PinnedPolicy['jira'];
    accountId: string;
    approverGroups: Array<ConnectionRef & { group: string }>;
  }): Promise<ApproverFacts> {
    let email: string | undefined;
    try {
      email = (await emailOf(input.jira, input.accountId)).email;
    } catch (err) {
      if (!(err instanceof ConnectorError && err.kind === 'permanent')) throw err;
      return { accountId: input.accountId, approverGroups: [], unresolvable: err.message };
    }
    const approverGroups = email ? await groupsOf(email, input.approverGroups) : [];
    return { accountId: input.accountId, email, approverGroups };
  }

  /** Which of these approver groups the person with this email is a member of, in their directories. */
  async function groupsOf(email: string, groups: Array<ConnectionRef & { group: string }>): Promise<string[]> {
    const found: string[] = [];
    for (const g of groups) {
      const idp = deps.provider(g.connectionName, g.connection);
      const [user, group] = await Promise.all([idp.findUser(email), idp.findGroup(g.group)]);
      if (user && group && (await idp.isMember(group.id, user.id))) found.push(g.group);
    }
    return found;
  }

  return { emailOf, actorFacts, groupsOf };
}

export function peopleActivities(deps: PeopleDeps) {
  const { emailOf, actorFacts } = people(deps);
  return {
    async resolveRequester(
      input: ConnectionRef & { jira: PinnedPolicy['jira']; accountId: string },
    ): Promise<{ requester: PersonRef; manager?: PersonRef }> {
      return classified(async () => {
        const { email, displayName } = await emailOf(input.jira, input.accountId);
        if (!email) {
          throw permanent(
            `Jira does not reveal the email of account ${input.accountId}; add it to portal.emailOverrides in the rules`,
            'UnknownUser',
          );
        }
        const idp = deps.provider(input.connectionName, input.connection);
        const user = await idp.findUser(email);
        if (!user) throw permanent(`${email} is not a user in ${input.connectionName} (${idp.kind})`, 'UnknownUser');
        const manager = await idp.findManager(user.id);
        return {
          requester: {
            accountId: input.accountId,
            email: user.email ?? email,
            displayName: displayName ?? user.displayName,
            directoryUserId: user.id,
          },
          manager: manager && {
            email: manager.email ?? manager.login,
            displayName: manager.displayName,
            directoryUserId: manager.id,
          },
        };
      });
    },

    async identifyActor(input: {
      jira: PinnedPolicy['jira'];
      accountId: string;
      approverGroups: Array<ConnectionRef & { group: string }>;
    }): Promise<ApproverFacts> {
      return classified(() => actorFacts(input));
    },
  };
}
