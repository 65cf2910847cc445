import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import { KEEP_ALIVE } from '../keep-alive';

/**
 * The access-request workflow's activities, one proxy per retry profile; each exposes only the
 * activities that profile is for. (Jira write-back and Jira verification have their own, in
 * write-back.ts and verification.ts.)
 */

/** Attempts of a lookup per round; rounds go on (see `patiently`) until it answers. */
export const LOOKUP_ATTEMPTS = 10;

/** Reads (rules, people, groups): transient failures retried; permanent ones (unknown user) fail fast. */
export const lookups = proxyActivities<
  Pick<LeaseholdActivities, 'loadPolicy' | 'resolveRequester' | 'resolveGroups' | 'identifyActor' | 'fieldApprovers'>
>({
  startToCloseTimeout: '1 minute',
  ...KEEP_ALIVE,
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: LOOKUP_ATTEMPTS,
  },
});

/** Handing an operation to a group-lease workflow: a quick signal-with-start, retried until it lands. */
const LEASE_HANDOFF = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
export const leases = proxyActivities<Pick<LeaseholdActivities, 'sendLeaseOperation'>>(LEASE_HANDOFF);
/**
 * The same hand-off as a local activity, run inside the workflow task (runs since 'lease-handoff-local'):
 * the lease hears of an approval or an expiry without a task round trip in between.
 */
export const localLeases = proxyLocalActivities<Pick<LeaseholdActivities, 'sendLeaseOperation'>>({
  ...LEASE_HANDOFF,
  localRetryThreshold: '10s',
});

/**
 * Jira written in line, as runs recorded before the write-back outbox did (retried for about an
 * hour, then given up). New runs write through the outbox (write-back.ts) instead.
 */
export const legacyJira = proxyActivities<
  Pick<LeaseholdActivities, 'commentOnIssue' | 'transitionIssue' | 'attachEvidence'>
>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});
