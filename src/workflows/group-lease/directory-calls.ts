import { ActivityFailure, proxyActivities, proxyLocalActivities, TimeoutFailure } from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import { ATTEMPTS_PER_ROUND, BACKED_OFF_RELEASE_ATTEMPTS_PER_ROUND, RELEASE_ATTEMPTS_PER_ROUND } from './rounds';
import { KEEP_ALIVE } from '../keep-alive';

/** How long a call may wait on its connection's queue before the lease's own queue serves the next round. */
const UNSERVED_AFTER = '15 minutes' as const;

/** Whether a call failed because no worker started it in time (its queue is not served). */
export function notStartedInTime(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof TimeoutFailure &&
    err.cause.timeoutType === 'SCHEDULE_TO_START'
  );
}

/**
 * The directory calls of a lease, with their retry profiles, on the connection's task queue (see
 * task-queues.ts; absent in runs pinned before the split: the lease's own queue).
 */
export function directoryCalls(taskQueue: string | undefined) {
  // A call waits on the connection's queue behind the rate limit, but not forever: with no worker serving
  // the queue (the connection left the rules before a restart), the next round runs on the lease's queue.
  const on = taskQueue ? { taskQueue, scheduleToStartTimeout: UNSERVED_AFTER } : {};
  /** Directory reads and writes: transient errors and rate limits retried (the connector sets nextRetryDelay). */
  const idpRetry = {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: ATTEMPTS_PER_ROUND,
  } as const;
  const idp = proxyActivities<Pick<LeaseholdActivities, 'isMember' | 'addMember' | 'removeMember'>>({
    startToCloseTimeout: '1 minute',
    ...KEEP_ALIVE,
    ...on,
    retry: idpRetry,
  });

  /** Reading membership back: Graph may lag a write by seconds. */
  const verify = proxyActivities<Pick<LeaseholdActivities, 'verifyMembership'>>({
    startToCloseTimeout: '30s',
    ...KEEP_ALIVE,
    ...on,
    retry: { initialInterval: '1s', backoffCoefficient: 1.5, maximumInterval: '10s', maximumAttempts: 30 },
  });

  /**
   * A release's directory calls retry fast: a 5xx costs at most 1 s before the next try, so a flaky
   * directory delays a revocation by about a second per failed call; a rate limit still waits exactly
   * what the IdP asked (the connector's `nextRetryDelay` overrides the backoff).
   */
  const RELEASE_RETRY = { initialInterval: '250ms', backoffCoefficient: 1.5, maximumInterval: '1s' } as const;
  const releaseIdp = proxyActivities<Pick<LeaseholdActivities, 'removeMember'>>({
    startToCloseTimeout: '1 minute',
    ...KEEP_ALIVE,
    ...on,
    retry: { ...RELEASE_RETRY, maximumAttempts: RELEASE_ATTEMPTS_PER_ROUND },
  });
  /** A release failing for long (see RELEASE_BACK_OFF_AFTER_MS): a few attempts per round, a minute apart. */
  const backedOffReleaseIdp = proxyActivities<Pick<LeaseholdActivities, 'removeMember'>>({
    startToCloseTimeout: '1 minute',
    ...KEEP_ALIVE,
    ...on,
    retry: { ...RELEASE_RETRY, maximumAttempts: BACKED_OFF_RELEASE_ATTEMPTS_PER_ROUND },
  });
  const releaseVerify = proxyActivities<Pick<LeaseholdActivities, 'verifyMembership'>>({
    startToCloseTimeout: '30s',
    ...KEEP_ALIVE,
    ...on,
    retry: { ...RELEASE_RETRY, maximumAttempts: 30 },
  });

  /**
   * A change and its read-back in one activity (runs since 'lease-ensure'): one task round trip where it
   * took two. The attempt reads back for up to ~31 s (and waits out a rate limit on the read); a retried
   * attempt writes again, which is a no-op where the first write landed.
   */
  const changeTimeout = { startToCloseTimeout: '2 minutes', ...KEEP_ALIVE, ...on } as const;
  type Changes = Pick<LeaseholdActivities, 'ensureMember' | 'ensureRemoved'>;
  const change = proxyActivities<Changes>({ ...changeTimeout, retry: idpRetry });
  const releaseChange = proxyActivities<Changes>({
    ...changeTimeout,
    retry: { ...RELEASE_RETRY, maximumAttempts: RELEASE_ATTEMPTS_PER_ROUND },
  });
  const backedOffReleaseChange = proxyActivities<Changes>({
    ...changeTimeout,
    retry: { ...RELEASE_RETRY, maximumAttempts: BACKED_OFF_RELEASE_ATTEMPTS_PER_ROUND },
  });
  return { idp, verify, releaseIdp, backedOffReleaseIdp, releaseVerify, change, releaseChange, backedOffReleaseChange };
}

/**
 * An acquire's first read ("is the user already in the group?") tried once inside the lease's workflow
 * task (runs since 'lease-check-local'): the answer is recorded before the add is scheduled, as with an
 * activity, minus one task round trip on the approval's path. One attempt only: should it fail, the read
 * runs as the activity it was, on the connection's queue, with its retries, pacing and rounds, so a
 * failing directory never holds the lease's workflow task (nor a release waiting behind it).
 */
export const localMembershipCheck = proxyLocalActivities<Pick<LeaseholdActivities, 'isMember'>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
});
