import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** What workflows read of an activity's failure: its human reason, and whether it is permanent. */

export function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
}

/** A non-retryable answer (unknown user, missing permission): retrying will not change it. */
export function isPermanentFailure(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}
