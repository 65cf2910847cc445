import type { Priority } from '@temporalio/common';

/**
 * Task priorities (Temporal's priority keys: 1 is dispatched first, 5 last, 3 when none is set).
 *
 * Membership changes go first. A group-lease run is started with `membershipPriority`, and its tasks
 * (workflow tasks and the directory calls it schedules, which inherit it; continued runs keep it) are
 * handed out ahead of the request runs' on the same queues. When 1,000 grants end together, 1,000
 * request runs wake at once; without it, the lease tasks their releases create queued behind every
 * one of those wake-ups, and the directory sat idle for the first ~10 s of the storm (measured:
 * 2 removals in the first 10 s, then the limit's 100). Request runs, reviews and drift passes keep
 * the default, so their own order is unchanged.
 *
 * Leases started before this was set run at the default until `leasehold leases prioritize` moves
 * them (Temporal's UpdateWorkflowExecutionOptions, recorded in each lease's history).
 */
export const MEMBERSHIP_PRIORITY_KEY = 1;
export const membershipPriority: Priority = { priorityKey: MEMBERSHIP_PRIORITY_KEY };
