import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GroupLeaseState, LeaseOperation, LeaseOutcome, LeaseTrouble, OrphanRelease } from './types';

/** To the group-lease workflow (signal-with-start from an activity). */
export const leaseOperationSignal = defineSignal<[LeaseOperation]>('leaseOperation');
/** From the group-lease workflow back to the holder's workflow. */
export const leaseOutcomeSignal = defineSignal<[LeaseOutcome]>('leaseOutcome');
export const leaseTroubleSignal = defineSignal<[LeaseTrouble]>('leaseTrouble');

export const leaseStateQuery = defineQuery<GroupLeaseState>('leaseState');

/** Operator: release now every lease whose holder is closed or gone, whatever its end (returns what was released). */
export const releaseOrphansUpdate = defineUpdate<OrphanRelease[], [{ operator: string; reason: string }]>(
  'releaseOrphans',
);
