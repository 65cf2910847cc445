import type { JiraGateway } from '../connectors/jira/jira-gateway';

/** Jira's bulk fetch answers at most 100 issues a call. */
export const MAX_KEYS_PER_READ = 100;
/** Reads in flight per Jira site; a delivery arriving meanwhile waits for the next, with the others. */
export const MAX_READS_IN_FLIGHT = 2;

/** One bulk read: the current status of each key (upper-case) Jira found; absent keys it did not. */
export type ReadStatuses = (jira: JiraGateway, issueKeys: string[]) => Promise<Map<string, string>>;

interface Waiter {
  key: string;
  resolve: (status: string | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * The stale check's reads of an issue's current status, coalesced: at most two bulk fetches in flight
 * per Jira site, and the deliveries that arrive meanwhile share the next one (up to 100 keys). A quiet
 * starter reads at once, as before; a busy one makes one call for many deliveries instead of one each.
 *
 * Fresh as a read of its own: a key is only answered by a read that started after it was asked for,
 * so a replayed delivery never passes on a status read before it arrived.
 */
export class IssueStatuses {
  private readonly sites = new WeakMap<JiraGateway, SiteReads>();

  constructor(private readonly read: ReadStatuses = (jira, keys) => jira.issueStatuses(keys)) {}

  /** The issue's status now, or undefined when Jira cannot find (or show) the issue. */
  current(jira: JiraGateway, issueKey: string): Promise<string | undefined> {
    let site = this.sites.get(jira);
    if (!site) {
      site = new SiteReads((keys) => this.read(jira, keys));
      this.sites.set(jira, site);
    }
    return site.current(issueKey.toUpperCase());
  }
}

class SiteReads {
  private waiting: Waiter[] = [];
  private inFlight = 0;

  constructor(private readonly read: (keys: string[]) => Promise<Map<string, string>>) {}

  current(key: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      this.startReads();
    });
  }

  private startReads(): void {
    while (this.inFlight < MAX_READS_IN_FLIGHT && this.waiting.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      this.read([...new Set(batch.map((w) => w.key))])
        .then(
          (statuses) => batch.forEach((w) => w.resolve(statuses.get(w.key))),
          (err: unknown) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          this.inFlight--;
          this.startReads();
        })
        .catch(() => undefined); // settled above: every waiter hears the outcome
    }
  }

  /** The oldest waiters whose keys fit one read (a key asked for twice counts once). */
  private takeBatch(): Waiter[] {
    const keys = new Set<string>();
    let taken = 0;
    for (const w of this.waiting) {
      if (!keys.has(w.key) && keys.size === MAX_KEYS_PER_READ) break;
      keys.add(w.key);
      taken++;
    }
    return this.waiting.splice(0, taken);
  }
}
