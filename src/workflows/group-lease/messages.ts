import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GroupLeaseState, LeaseEnded, LeaseOperation, LeaseOutcome, LeaseTrouble, OrphanRelease } from './types';

/** To the group-lease workflow (signal-with-start from an activity). */
export const leaseOperationSignal = defineSignal<[LeaseOperation]>('leaseOperation');
/** From the group-lease workflow back to the holder's workflow. */
export const leaseOutcomeSignal = defineSignal<[LeaseOutcome]>('leaseOutcome');
export const leaseTroubleSignal = defineSignal<[LeaseTrouble]>('leaseTrouble');

/**
 * Operator, through the holder's request (`leasehold request retry-revocation`): a release failing
 * through rounds of retries is tried again now instead of after its round's pause.
 */
export const retryNowSignal =
  defineSignal<[{ operator: string; reason: string; holderWorkflowId: string }]>('retryNow');

export const leaseStateQuery = defineQuery<GroupLeaseState>('leaseState');

/** Operator: release now every lease whose holder is closed or gone, whatever its end (returns what was released). */
export const releaseOrphansUpdate = defineUpdate<OrphanRelease[], [{ operator: string; reason: string }]>(
  'releaseOrphans',
);

/** To a holder whose lease a forced removal ended (an inactivity reclaim, a review's revoke). */
export const leaseEndedSignal = defineSignal<[LeaseEnded]>('leaseEnded');
