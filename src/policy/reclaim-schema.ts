import { z } from 'zod';
import { parseDuration } from './duration';

const DAY_MS = 86_400_000;
const duration = (what: string) =>
  z.string().refine((s) => parseDuration(s) !== undefined, { message: `not a duration (${what})` });

/**
 * Inactivity reclaim of an access level: each day its groups' members whose last sign-in (Okta
 * `lastLogin`, Graph `signInActivity`) is older than `inactiveFor` get a notice in Jira, a grace period,
 * then a second check: still inactive, they are removed through the membership's lease (every grant on it
 * ends); signed in meanwhile, they keep it. Groups in `exclude` are never read nor changed.
 */
export const reclaimSchema = z
  .object({
    inactiveFor: duration('e.g. "30 days"')
      .refine((s) => (parseDuration(s) ?? 0) >= DAY_MS, { message: 'at least a day (sign-ins are read daily)' })
      .describe('No sign-in for this long makes a member inactive'),
    grace: duration('e.g. "7 days"').default('7 days').describe('Between the notice and the second check'),
    exclude: z.array(z.string().min(1)).default([]).describe('Groups of the level that are never reclaimed'),
  })
  .strict();

export type ReclaimPolicy = z.output<typeof reclaimSchema>;
