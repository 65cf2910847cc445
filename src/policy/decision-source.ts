import type { JiraChangelogEntry } from '../connectors/jira/jira-gateway';

/**
 * Whether Jira recorded a claimed decision: the changelog holds that status change, made by
 * that account, at about that time, not an entry already counted, and not one the issue had already
 * moved on from when the claim was received. Pure, so every rule is unit-tested; the activity that
 * reads the changelog calls it.
 */

/** A decision as claimed by a signal: the status change, who made it, when, and (from a webhook) the changelog id. */
export interface DecisionClaim {
  status: string;
  actorAccountId: string;
  at: string;
  changelogId?: string;
}

/** The changelog entry behind a counted decision: the evidence names it. */
export interface DecisionSource {
  changelogId: string;
  accountId: string;
  /** When Jira recorded the change (ISO 8601, UTC). */
  at: string;
  status: string;
}

export type DecisionMatch =
  | { confirmed: true; source: DecisionSource }
  /** `superseded`: Jira recorded the change, but another status change followed it before `asOf`. */
  | { confirmed: false; reason: string; superseded?: true };

/** How far a claim's time may be from the changelog entry's (webhook timestamps equal it; clocks drift). */
export const DECISION_TIME_TOLERANCE_MS = 5 * 60_000;

const same = (a: string | null | undefined, b: string): boolean =>
  typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();

function statusItem(entry: JiraChangelogEntry, status: string) {
  return entry.items.find((i) => (i.field === 'status' || i.fieldId === 'status') && same(i.toString, status));
}

/**
 * `entries`: the changelog, oldest first. `asOf`: when the claim was received (epoch ms, from a valid
 * delivery receipt); a later status change made by then supersedes the claimed one, as the issue was
 * no longer in that status. Without a receipt, every later status change Jira has counts (the claim
 * is judged as of now).
 */
export function matchDecision(
  entries: readonly JiraChangelogEntry[],
  claim: DecisionClaim,
  consumed: ReadonlySet<string>,
  asOf = Number.POSITIVE_INFINITY,
): DecisionMatch {
  const claimedAt = Date.parse(claim.at);
  const near = (entry: JiraChangelogEntry): boolean =>
    Number.isNaN(claimedAt) || Math.abs(Date.parse(entry.created) - claimedAt) <= DECISION_TIME_TOLERANCE_MS;
  /** The entry confirms the claim unless the issue had moved on from it by `asOf`. */
  const unlessSuperseded = (entry: JiraChangelogEntry): DecisionMatch => {
    const next = laterStatusChange(entries, entry, asOf);
    if (next)
      return {
        confirmed: false,
        superseded: true,
        reason:
          `superseded: the issue moved on to "${next.to}" (changelog entry ${next.id}, ${next.created}) before ` +
          (Number.isFinite(asOf) ? `this change was delivered (${new Date(asOf).toISOString()})` : 'it was verified'),
      };
    return confirmed(entry);
  };
  const confirmed = (entry: JiraChangelogEntry): DecisionMatch => ({
    confirmed: true,
    source: {
      changelogId: entry.id,
      accountId: claim.actorAccountId,
      at: new Date(Date.parse(entry.created)).toISOString(),
      status: statusItem(entry, claim.status)!.toString!,
    },
  });

  if (claim.changelogId !== undefined) {
    const entry = entries.find((e) => e.id === claim.changelogId);
    if (!entry) return { confirmed: false, reason: `Jira has no changelog entry ${claim.changelogId} on this issue` };
    if (consumed.has(entry.id)) return { confirmed: false, reason: `changelog entry ${entry.id} was already counted` };
    if (entry.authorAccountId !== claim.actorAccountId)
      return { confirmed: false, reason: `changelog entry ${entry.id} was made by another account` };
    if (!statusItem(entry, claim.status))
      return { confirmed: false, reason: `changelog entry ${entry.id} is not a change to "${claim.status}"` };
    if (!near(entry))
      return {
        confirmed: false,
        reason: `changelog entry ${entry.id} was made at ${entry.created}, not at ${claim.at}`,
      };
    return unlessSuperseded(entry);
  }

  // No id (e.g. Jira Automation's body): the newest uncounted entry by that account to that status, near that time.
  const candidates = entries.filter(
    (e) => e.authorAccountId === claim.actorAccountId && statusItem(e, claim.status) && near(e),
  );
  const fresh = candidates.filter((e) => !consumed.has(e.id));
  const entry = fresh.at(-1);
  if (entry) return unlessSuperseded(entry);
  if (candidates.length > 0) return { confirmed: false, reason: `every matching changelog entry was already counted` };
  return {
    confirmed: false,
    reason: `Jira's changelog has no change to "${claim.status}" by this account around ${claim.at}`,
  };
}

/** The first status change after `entry` (in changelog order) made no later than `asOf`. */
function laterStatusChange(
  entries: readonly JiraChangelogEntry[],
  entry: JiraChangelogEntry,
  asOf: number,
): { id: string; created: string; to: string } | undefined {
  for (const e of entries.slice(entries.indexOf(entry) + 1)) {
    if (Date.parse(e.created) > asOf) return undefined;
    const item = e.items.find((i) => i.field === 'status' || i.fieldId === 'status');
    if (item) return { id: e.id, created: e.created, to: item.toString ?? '?' };
  }
  return undefined;
}
