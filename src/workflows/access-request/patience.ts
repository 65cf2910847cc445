import { sleep } from '@temporalio/workflow';
import { failureMessage, isPermanentFailure } from '../failures';
import { LOOKUP_ATTEMPTS } from './activities';
import type { RequestRun } from './run';
import { texts } from './texts';

/** Pauses between rounds of a lookup's retries: short at first, then every 15 minutes. */
const LOOKUP_ROUND_PAUSE_MS = [30_000, 60_000, 5 * 60_000, 15 * 60_000];

/**
 * A lookup (rules, people, groups) that waits out outages: rounds of retries, the problem shown on
 * the run and said once in Jira while it lasts; only a permanent answer (unknown user) ends it.
 */
export async function patiently<T>(run: RequestRun, what: string, call: () => Promise<T>): Promise<T> {
  if (!run.resilient) return call();
  const since = new Date().toISOString();
  for (let round = 1; ; round++) {
    try {
      const result = await call();
      if (round > 1) run.showProblem(undefined);
      return result;
    } catch (err) {
      if (isPermanentFailure(err)) throw err;
      run.showProblem({
        message: `${what} keeps failing: ${failureMessage(err)}`,
        since,
        attempts: round * LOOKUP_ATTEMPTS,
      });
      if (round === 1) await run.comment(texts.waitingFor(what, failureMessage(err)));
      await sleep(LOOKUP_ROUND_PAUSE_MS[Math.min(round - 1, LOOKUP_ROUND_PAUSE_MS.length - 1)]!, {
        summary: `${what}: next round of retries`,
      });
    }
  }
}
