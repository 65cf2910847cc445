import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CampaignState, ReviewItemState, ReviewStatusChange } from './types';

/** Messages of access reviews: defined once, used by the workflows, the webhook starter and the CLI. */

/** From the webhook starter: a review item moved to a status that maps to keep or revoke. */
export const reviewStatusChangedSignal = defineSignal<[ReviewStatusChange]>('reviewStatusChanged');
/** From an item to its campaign: it was decided (and enforced). */
export const reviewItemDecidedSignal = defineSignal<[ReviewItemState]>('reviewItemDecided');

export const reviewItemStateQuery = defineQuery<ReviewItemState>('reviewItemState');
export const campaignStateQuery = defineQuery<CampaignState>('campaignState');
