import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { DriftState, ReconciliationSummary } from './types';

/** The open findings, the baseline and the recent passes (`leasehold drift`). */
export const driftStateQuery = defineQuery<DriftState>('driftState');
/** Reconcile now (`leasehold drift --now`): answered with that pass's summary once it is done. */
export const reconcileNowUpdate = defineUpdate<ReconciliationSummary, [{ operator: string }]>('reconcileNow');
