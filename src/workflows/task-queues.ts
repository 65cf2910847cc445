/**
 * Work separated by kind. Workflows and their light activities (rules, people, decisions, handing
 * operations to leases) run on the base task queue; each kind of slow or rate-limited work has a queue
 * of its own, so it cannot starve the rest:
 *
 * - the policy workflow and its apply-time checks (`<base>-policy`): a `rules apply` is answered at
 *   once even while thousands of requests wait on the base queue;
 * - Jira write-back (`<base>-jira`): comments, transitions and evidence files, never in front of a
 *   directory change;
 * - each directory connection (`<base>-directory-<connection>`): its membership reads and writes,
 *   dispatched no faster than the connection's request rate (the queue's activity rate limit), so a burst
 *   of expiries runs at the directory's floor instead of into a storm of 429s.
 *
 * A run learns the queues from its pinned policy (`loadPolicy`): runs pinned before the split, and
 * workers that do not split (the fast workflow tests), keep everything on the base queue.
 */
export const policyTaskQueue = (base: string): string => `${base}-policy`;
export const jiraTaskQueue = (base: string): string => `${base}-jira`;
export const directoryTaskQueue = (base: string, connectionName: string): string =>
  `${base}-directory-${connectionName}`;
