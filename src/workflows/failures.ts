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

/**
 * How long a rate-limited directory asked to wait (its Retry-After, as the activity's failure carries it
 * in its details; the failure's own nextRetryDelay does not survive the trip back to the workflow).
 * Undefined when the failure is not a rate limit.
 */
export function rateLimitWaitMs(err: unknown): number | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || cause.type !== 'RateLimited') return undefined;
  const details = cause.details?.[0] as { retryAfterMs?: number } | undefined;
  return Math.max(1_000, details?.retryAfterMs ?? 5_000);
}
