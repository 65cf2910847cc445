import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { RequestSnapshot } from './types';

/**
 * The audit sink: the workflow reports each state change. The worker writes it to the structured
 * log (an audit stream); `leasehold evidence` replays a history with it to rebuild the evidence.
 */
export interface AuditSinks extends Sinks {
  audit: {
    stateChanged(snapshot: RequestSnapshot): void;
  };
}

export const { audit } = proxySinks<AuditSinks>();
