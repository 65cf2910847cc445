import { CancellationScope, condition, getExternalWorkflowHandle, isCancellation, patched } from '@temporalio/workflow';
import { failureMessage, isPermanentFailure } from '../failures';
import { leaseTroubleSignal } from './messages';
import type { LeaseOperation } from './types';

/**
 * Rounds of retries around one directory call of a lease operation: the activity's own retries make a
 * round; between rounds the holder is told (so it can alert) and the lease pauses, for an acquire until
 * it gives up or gives way to a release, for a release forever (an operator's "retry now" ends a pause).
 */

/** Attempts per round of a directory call; after each failed round the holder is told (and alerts). */
export const ATTEMPTS_PER_ROUND = 5;
/** A release's rounds: more attempts, each a fast retry (see membership.ts). */
export const RELEASE_ATTEMPTS_PER_ROUND = ATTEMPTS_PER_ROUND * 2;
/** A release's rounds once it has backed off. */
export const BACKED_OFF_RELEASE_ATTEMPTS_PER_ROUND = 3;

/** How long acquiring keeps trying through transient failures before it reports failure. */
export const ACQUIRE_GIVE_UP_MS = 30 * 60_000;
/** Pause between rounds of a failing acquire (it gives way to any release queued meanwhile). */
const ACQUIRE_ROUND_PAUSE_MS = [10_000, 60_000, 5 * 60_000, 15 * 60_000];
/** Pause between rounds of a failing release: short, it never gives up; rate limits wait inside a round. */
const RELEASE_ROUND_PAUSE_MS = [1_000, 5_000, 15_000, 30_000];
/**
 * A release failing this long backs off: rounds of a few attempts a minute apart, so a directory that is
 * down for hours is not called ~16 times a minute per lease (an operator's retry-now still ends a pause).
 */
export const RELEASE_BACK_OFF_AFTER_MS = 10 * 60_000;
const BACKED_OFF_RELEASE_PAUSE_MS = 60_000;
/** Before releases came first, a release paused like an acquire. */
const LEGACY_RELEASE_ROUND_PAUSE_MS = ACQUIRE_ROUND_PAUSE_MS;

/** An acquire stopped at a round boundary so that a queued release goes first; it is applied again after. */
export class Preempted extends Error {
  override readonly name = 'Preempted';
}

export interface ApplyOptions {
  /** Releases first: short release rounds, and an acquire gives way when this says a release waits. */
  releaseWaiting?: () => boolean;
  /** Tell the holder about trouble (not for a holder that is gone). */
  notifyHolder?: boolean;
  /** How many times an operator asked to retry now: a release's pause between rounds ends when it grows. */
  retryAsked?: () => number;
}

/**
 * Runs a directory call through rounds of retries. A permanent failure ends at once; a transient one
 * tells the holder after each round (so it can alert) and goes on: forever for a release, up to
 * {@link ACQUIRE_GIVE_UP_MS} for an acquire, which also gives way to a release queued meanwhile.
 */
export async function persist<T>(
  op: LeaseOperation,
  call: (backedOff: boolean) => Promise<T>,
  options: ApplyOptions,
  read: boolean,
): Promise<T> {
  const started = Date.now();
  const releasesFirst = options.releaseWaiting !== undefined;
  const pauses =
    op.kind === 'acquire'
      ? ACQUIRE_ROUND_PAUSE_MS
      : releasesFirst
        ? RELEASE_ROUND_PAUSE_MS
        : LEGACY_RELEASE_ROUND_PAUSE_MS;
  // A read of an acquire is abandoned the moment a release waits (a write is let finish: its effect must be known).
  const interruptible = op.kind === 'acquire' && read && options.releaseWaiting;
  let backedOff = false;
  let attempts = 0;
  for (let round = 0; ; round++) {
    const askedBeforeRound = options.retryAsked?.() ?? 0;
    try {
      return interruptible ? await unlessReleaseWaits(() => call(false), interruptible, op) : await call(backedOff);
    } catch (err) {
      if (err instanceof Preempted || isPermanentFailure(err)) throw err;
      attempts += attemptsPerRound(op, releasesFirst, backedOff);
      if (op.kind === 'acquire' && Date.now() - started > ACQUIRE_GIVE_UP_MS) throw err;
      if (options.notifyHolder !== false) {
        const trouble = {
          opId: op.opId,
          kind: op.kind,
          leaseId: op.leaseId,
          groupId: op.key.groupId,
          attempts,
          error: failureMessage(err),
          since: new Date(started).toISOString(),
        };
        await getExternalWorkflowHandle(op.holderWorkflowId)
          .signal(leaseTroubleSignal, trouble)
          .catch(() => undefined);
      }
      // Runs recorded before the back-off keep their rounds (the patch is asked once the outage is long).
      backedOff ||=
        op.kind === 'release' &&
        releasesFirst &&
        Date.now() - started > RELEASE_BACK_OFF_AFTER_MS &&
        patched('release-outage-back-off');
      const pause = backedOff ? BACKED_OFF_RELEASE_PAUSE_MS : pauses[Math.min(round, pauses.length - 1)]!;
      const summary = `${op.kind} ${op.key.groupName}: round ${round + 2} of retries`;
      if (op.kind === 'acquire' && options.releaseWaiting) {
        if (await condition(options.releaseWaiting, pause, { summary }))
          throw new Preempted(`${op.opId} gives way to a release`);
      } else {
        const threshold = pauseEndsPast(askedBeforeRound, options);
        await condition(() => (options.retryAsked?.() ?? 0) > threshold, pause, { summary });
      }
    }
  }
}

function attemptsPerRound(op: LeaseOperation, releasesFirst: boolean, backedOff: boolean): number {
  if (op.kind === 'acquire' || !releasesFirst) return ATTEMPTS_PER_ROUND;
  return backedOff ? BACKED_OFF_RELEASE_ATTEMPTS_PER_ROUND : RELEASE_ATTEMPTS_PER_ROUND;
}

/**
 * The count of operator asks that the pause after a failed round waits to grow past. An ask that arrived
 * while the round was still failing counts (the pause is skipped); runs recorded before this counted only
 * asks made during the pause, so they keep that.
 */
function pauseEndsPast(askedBeforeRound: number, options: ApplyOptions): number {
  const askedNow = options.retryAsked?.() ?? 0;
  return askedNow > askedBeforeRound && patched('retry-now-during-round') ? askedBeforeRound : askedNow;
}

/** Runs the call, cancelling it (and giving way) as soon as a release is queued. */
async function unlessReleaseWaits<T>(
  call: () => Promise<T>,
  releaseWaiting: () => boolean,
  op: LeaseOperation,
): Promise<T> {
  if (releaseWaiting()) throw new Preempted(`${op.opId} gives way to a release`);
  const callScope = new CancellationScope();
  const watchScope = new CancellationScope();
  const watcher = watchScope
    .run(() => condition(releaseWaiting))
    .then(
      () => callScope.cancel(),
      () => undefined,
    );
  try {
    return await callScope.run(call);
  } catch (err) {
    if (isCancellation(err)) throw new Preempted(`${op.opId} gives way to a release`);
    throw err;
  } finally {
    watchScope.cancel();
    await watcher;
  }
}
