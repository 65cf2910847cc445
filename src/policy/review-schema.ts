import { z } from 'zod';
import { approverSchema, durationText, isRecord } from './common-schema';
import { parseDuration } from './duration';

const DAY_MS = 86_400_000;

/** What a campaign reviews: an application's levels (all of them by default), or groups of a connection. */
export const reviewScopeSchema = z.union([
  z
    .object({
      application: z.string().min(1),
      levels: z.array(z.string().min(1)).min(1).optional().describe('Omitted: every level of the application'),
    })
    .strict(),
  z
    .object({
      connection: z.string().min(1),
      groups: z.array(z.string().min(1)).min(1).describe('Group names in the connection'),
    })
    .strict(),
]);

/**
 * An access review campaign: every current member of every group in scope (read from the directory, so
 * access granted outside Leasehold is reviewed too) becomes one Jira item a reviewer moves to Keep or
 * Revoke. A revoke is enforced through the membership's lease; undecided items get `undecided` at the end.
 */
export const reviewCampaignSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'campaign names are lower-case words joined by -'),
    scope: z.array(reviewScopeSchema).min(1),
    reviewers: z
      .array(approverSchema)
      .min(1)
      .describe('Who may decide an item (any one of them); never the person under review'),
    every: durationText
      .refine((s) => (parseDuration(s) ?? 0) >= DAY_MS, { message: 'at least a day' })
      .optional()
      .describe('Recurrence (a Temporal Schedule); omitted: only `leasehold review start`'),
    length: durationText.default('14 days').describe('How long reviewers have'),
    remindEvery: durationText.optional().describe('A reminder on each undecided item this often'),
    undecided: z
      .enum(['keep', 'revoke', 'recommendation'])
      .default('keep')
      .describe('What an item nobody decided gets at the end'),
    recommendRevokeAfter: durationText
      .default('90 days')
      .describe('No sign-in for this long: the item recommends a revoke'),
  })
  .strict();

export type ReviewCampaignPolicy = z.output<typeof reviewCampaignSchema>;
export type ReviewScope = z.output<typeof reviewScopeSchema>;

type Issue = { path: (string | number)[]; message: string };

/**
 * Cross-references of the `reviews` section (run with the document's own, on a possibly partial
 * document): applications, levels and connections exist, names are unique, `app-owner` has an owner,
 * and a campaign ends before the next one starts.
 */
export function reviewProblems(
  doc: Record<string, unknown>,
  directoryProblem: (connection: string) => string | undefined,
): Issue[] {
  const issues: Issue[] = [];
  const reviews: unknown[] = Array.isArray(doc.reviews) ? doc.reviews : [];
  const apps: Record<string, unknown>[] = (Array.isArray(doc.applications) ? doc.applications : []).filter(isRecord);
  const norm = (s: string) => s.trim().toLowerCase();
  const names = new Set<string>();
  reviews.forEach((campaign, c) => {
    if (!isRecord(campaign)) return;
    const at = (...rest: (string | number)[]) => ['reviews', c, ...rest];
    if (typeof campaign.name === 'string') {
      if (names.has(campaign.name)) issues.push({ path: at('name'), message: `duplicate campaign "${campaign.name}"` });
      names.add(campaign.name);
    }
    const scope: unknown[] = Array.isArray(campaign.scope) ? campaign.scope : [];
    scope.forEach((entry, s) => {
      if (!isRecord(entry)) return;
      if (typeof entry.application === 'string') {
        const app = apps.find((a) => typeof a.name === 'string' && norm(a.name) === norm(entry.application as string));
        if (!app) {
          issues.push({ path: at('scope', s, 'application'), message: `no application "${entry.application}"` });
          return;
        }
        const levels: Record<string, unknown>[] = (Array.isArray(app.levels) ? app.levels : []).filter(isRecord);
        (Array.isArray(entry.levels) ? entry.levels : []).forEach((name: unknown, l: number) => {
          if (
            typeof name === 'string' &&
            !levels.some((lv) => typeof lv.name === 'string' && norm(lv.name) === norm(name))
          )
            issues.push({
              path: at('scope', s, 'levels', l),
              message: `"${name}" is not an access level of "${String(app.name)}"`,
            });
        });
      } else if (typeof entry.connection === 'string') {
        const problem = directoryProblem(entry.connection);
        if (problem) issues.push({ path: at('scope', s, 'connection'), message: problem });
      }
    });
    const reviewers: unknown[] = Array.isArray(campaign.reviewers) ? campaign.reviewers : [];
    reviewers.forEach((reviewer, r) => {
      if (reviewer === 'app-owner' && scope.some((e) => isRecord(e) && !('application' in e)))
        issues.push({
          path: at('reviewers', r),
          message: 'app-owner reviews applications: a scope of connection groups has no owner (name a user or a group)',
        });
      if (isRecord(reviewer) && 'field' in reviewer)
        issues.push({
          path: at('reviewers', r),
          message: 'a review item has no request: name a person, a group, manager or app-owner',
        });
      if (isRecord(reviewer) && typeof reviewer.connection === 'string') {
        const problem = directoryProblem(reviewer.connection);
        if (problem) issues.push({ path: at('reviewers', r, 'connection'), message: problem });
      }
    });
    const every = typeof campaign.every === 'string' ? parseDuration(campaign.every) : undefined;
    const length = parseDuration(typeof campaign.length === 'string' ? campaign.length : '14 days');
    if (every !== undefined && length !== undefined && length >= every)
      issues.push({
        path: at('length'),
        message: `a campaign of ${String(campaign.length ?? '14 days')} would still run when the next one starts (every ${String(campaign.every)})`,
      });
  });
  return issues;
}
