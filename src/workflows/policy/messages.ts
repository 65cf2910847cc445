import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ActiveVersion, RulesVersion, RulesVersionSummary, SubmitResult, Submission } from './types';

/** Submit a rules document. Rejected whole when invalid (validator) or when apply-time checks fail. */
export const submitRulesUpdate = defineUpdate<SubmitResult, [Submission]>('submitRules');
/** Second admin approves a pending version (when the active rules require it). */
export const approveRulesUpdate = defineUpdate<RulesVersionSummary, [{ version: number; approvedBy: string }]>(
  'approveRules',
);

export const currentRulesQuery = defineQuery<RulesVersion | undefined>('currentRules');
/** Which version is in force, without its document: a reader holding that version keeps its copy. */
export const activeVersionQuery = defineQuery<ActiveVersion | undefined>('activeVersion');
export const rulesVersionQuery = defineQuery<RulesVersion | undefined, [number]>('rulesVersion');
export const rulesHistoryQuery = defineQuery<RulesVersionSummary[]>('rulesHistory');
export const pendingRulesQuery = defineQuery<RulesVersion | undefined>('pendingRules');
