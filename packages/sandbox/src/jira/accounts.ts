import { type SamplePerson, samplePeople } from '../sample-data';

/**
 * The Atlassian accounts of the sandbox site: every sample person, with the API token that
 * authenticates them, whether their profile shows their email address (privacy settings) and whether
 * they administer the site (admin webhooks need that).
 */

export interface JiraAccount {
  handle: string;
  accountId: string;
  /** `app` for app accounts such as Automation for Jira: no email, no API token of their own. */
  accountType: 'atlassian' | 'app';
  email: string;
  displayName: string;
  apiToken: string;
  active: boolean;
  timeZone: string;
  /** False when the person's profile visibility hides their email address from other users. */
  emailVisible: boolean;
  /** Jira administrator (may manage admin webhooks). */
  admin: boolean;
  /** A deleted account: its changes stay in the history as "Former user", `GET /user` no longer finds it. */
  deleted?: boolean;
}

/** Jira Cloud's Automation app account (the same accountId on every site). */
export const AUTOMATION_ACCOUNT_ID = '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077';

export interface AccountOptions {
  /** Handles whose email address is hidden by their privacy settings (default `frank`). */
  hiddenEmails?: readonly string[];
  /** Handles with Jira administrator permission (default the Leasehold bot and `dave`). */
  admins?: readonly string[];
}

export class JiraAccountDirectory {
  private readonly accounts: JiraAccount[];

  constructor(people: readonly SamplePerson[] = samplePeople, options: AccountOptions = {}) {
    const hidden = new Set(options.hiddenEmails ?? ['frank']);
    const admins = new Set(options.admins ?? ['leasehold', 'dave']);
    this.accounts = people.map((p) => ({
      handle: p.handle,
      accountId: p.jiraAccountId,
      accountType: 'atlassian' as const,
      email: p.email,
      displayName: `${p.firstName} ${p.lastName}`,
      apiToken: p.jiraApiToken,
      active: true,
      timeZone: p.handle === 'leasehold' ? 'Etc/UTC' : 'Europe/Berlin',
      emailVisible: !hidden.has(p.handle),
      admin: admins.has(p.handle),
    }));
    this.accounts.push({
      handle: 'automation',
      accountId: AUTOMATION_ACCOUNT_ID,
      accountType: 'app',
      email: '',
      displayName: 'Automation for Jira',
      apiToken: '',
      active: true,
      timeZone: 'Etc/UTC',
      emailVisible: false,
      admin: false,
    });
  }

  /** Deletes an account (Jira keeps its accountId in issues and changelogs, as "Former user"). */
  delete(ref: string): JiraAccount {
    const account = this.find(ref);
    if (!account) throw new Error(`no Jira account ${ref}`);
    Object.assign(account, { deleted: true, active: false, displayName: 'Former user', emailVisible: false });
    return account;
  }

  all(): readonly JiraAccount[] {
    return this.accounts;
  }

  byAccountId(accountId: string): JiraAccount | undefined {
    return this.accounts.find((a) => a.accountId === accountId);
  }

  /** By account id, email address or sample handle (for seeding helpers). */
  find(ref: string): JiraAccount | undefined {
    const lower = ref.toLowerCase();
    return this.accounts.find((a) => a.accountId === ref || a.email === lower || a.handle === lower);
  }

  /** The account an `Authorization: Basic base64(email:apiToken)` header names, if the token matches. */
  authenticate(authorization: string | undefined): JiraAccount | undefined {
    const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const email = decoded.slice(0, colon).toLowerCase();
    const token = decoded.slice(colon + 1);
    return this.accounts.find(
      (a) => a.accountType === 'atlassian' && a.email === email && a.apiToken === token && a.active,
    );
  }

  /** Jira's user search: a word of the display name, or a visible email address, starts with the query. */
  search(query: string): JiraAccount[] {
    const q = query.trim().toLowerCase();
    if (q.length === 0) return [];
    return this.accounts.filter(
      (a) =>
        (!a.deleted && a.displayName.toLowerCase().startsWith(q)) ||
        a.displayName
          .toLowerCase()
          .split(/\s+/)
          .some((w) => w.startsWith(q)) ||
        (a.emailVisible && a.email.startsWith(q)),
    );
  }
}
