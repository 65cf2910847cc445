import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ChangeRequest, RemovalRequest, RequestSnapshot, StatusChange } from './types';

/** Signals, queries and updates of the access-request workflow: defined once, used by workflow and clients. */

/** From the webhook starter: a Jira status change that maps to a decision. */
export const statusChangedSignal = defineSignal<[StatusChange]>('jiraStatusChanged');
/** From the webhook starter: a *Request Access Removal* for this grant. */
export const removalRequestedSignal = defineSignal<[RemovalRequest]>('removalRequested');
/** From the webhook starter: a *Request Access Change* (new duration) for this grant. */
export const changeRequestedSignal = defineSignal<[ChangeRequest]>('changeRequested');

export const stateQuery = defineQuery<RequestSnapshot>('state');

export interface OperatorAction {
  operator: string;
  reason: string;
}

/** Operator: revoke now (while active or waiting). Completes when revocation has been requested. */
export const revokeNowUpdate = defineUpdate<RequestSnapshot, [OperatorAction]>('revokeNow');
/** Operator: move the end of an active grant (never beyond the rule's maximum from the grant time). */
export const extendUpdate = defineUpdate<RequestSnapshot, [OperatorAction & { duration: string }]>('extend');
/** Operator: try provisioning again after it failed (e.g. once the group exists or the token is fixed). */
export const retryProvisioningUpdate = defineUpdate<RequestSnapshot, [OperatorAction]>('retryProvisioning');
/**
 * Operator: a revocation that keeps failing is tried again now, instead of after the current pause
 * between retry rounds (e.g. once the directory or its token is fixed). Completes when the retry is asked.
 */
export const retryRevocationUpdate = defineUpdate<RequestSnapshot, [OperatorAction]>('retryRevocation');
