import { z } from 'zod';
import { parseDuration } from './duration';

/** Parts of the rules document more than one section uses (approvals, reviews). */

export const durationText = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: 'not a duration (e.g. "30 minutes", "8h", "7 days")' });

/** Who may decide: an approver of a request, a reviewer of an access. */
export const approverSchema = z.union([
  z.literal('manager').describe("The person's manager in the directory"),
  z.literal('app-owner').describe("The application's owner"),
  z.object({ user: z.string().email() }).strict().describe('A named person (email)'),
  z
    .object({ group: z.string().min(1), connection: z.string().min(1) })
    .strict()
    .describe('Any member of a directory group'),
  z
    .object({ field: z.string().min(1) })
    .strict()
    .describe(
      'The people in a Jira user field (e.g. Assignee, Approvers, or its id) when the request was raised; a later change does not count',
    ),
]);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
