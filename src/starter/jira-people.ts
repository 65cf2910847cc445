import { LRUCache } from 'lru-cache';
import type { JiraGateway } from '../connectors/jira/jira-gateway';

/**
 * What the starter reads of Jira's people, cached: Leasehold's own account per site (to ignore its own
 * changes), and a requester's label (email or accountId) for the run's search attribute and summary. A
 * person's email does not change per delivery, yet a request's create and each of its status changes
 * would read it again; only a search label depends on it (the workflow resolves the requester itself
 * when it runs), so ten minutes stale is harmless.
 */
export class JiraPeople {
  private readonly bots = new Map<string, string>();
  private readonly labels = new LRUCache<string, string>({ max: 10_000, ttl: 10 * 60_000 });

  async label(jira: JiraGateway, accountId: string): Promise<string> {
    const key = `${jira.site}\u0000${accountId}`;
    const known = this.labels.get(key);
    if (known) return known;
    const user = await jira.user(accountId);
    const label = user.email ?? accountId;
    this.labels.set(key, label);
    return label;
  }

  async botAccountId(jira: JiraGateway): Promise<string> {
    const known = this.bots.get(jira.site);
    if (known) return known;
    const me = await jira.myself();
    this.bots.set(jira.site, me.accountId);
    return me.accountId;
  }
}
