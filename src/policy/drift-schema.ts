import { z } from 'zod';
import { parseDuration } from './duration';

/** The reconciliation runs at most this often: each pass lists every managed group of every directory. */
const MIN_EVERY_MS = 60_000;

/**
 * Drift detection: every group Leasehold manages is reconciled with its directory on a schedule.
 * A member with no lease (and not there before Leasehold watched the group) is reported; a membership a
 * grant holds that was removed outside Leasehold is reported, or added back (`missing: restore`).
 */
export const driftSchema = z
  .object({
    every: z
      .string()
      .refine((s) => (parseDuration(s) ?? 0) >= MIN_EVERY_MS, {
        message: 'not a duration of at least a minute (e.g. "1 hour", "30m")',
      })
      .default('1 hour')
      .describe('How often every managed group is reconciled with its directory'),
    missing: z
      .enum(['report', 'restore'])
      .default('report')
      .describe('A membership a grant holds, removed outside Leasehold: report it, or add it back'),
  })
  .strict();

export type DriftSettings = z.output<typeof driftSchema>;

/** The settings when the rules say nothing: reconcile hourly, report what is missing. */
export const DEFAULT_DRIFT: DriftSettings = { every: '1 hour', missing: 'report' };
