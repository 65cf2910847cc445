import type { ReviewItemDraft } from '../workflows/review/types';

/** The item's description: what a reviewer needs to decide rather than rubber-stamp. */
export function reviewItemText(input: {
  campaign: { name: string; issueKey: string };
  item: ReviewItemDraft;
  endsAt: string;
}): string {
  const { person, group, obtained, recommendation, reviewers } = input.item;
  const access = group.application ? `${group.application} (${group.level}): ` : '';
  return [
    `Access review "${input.campaign.name}" (${input.campaign.issueKey}). Should ${person.displayName ?? person.login} keep this access?`,
    '',
    `Person: ${person.displayName ?? person.login} <${person.email ?? person.login}>`,
    `Department: ${person.department ?? '(not recorded)'}`,
    `Title: ${person.title ?? '(not recorded)'}`,
    `Manager: ${person.manager ? `${person.manager.displayName ?? person.manager.email} <${person.manager.email}>` : '(not recorded)'}`,
    `Last sign-in: ${person.lastActivity ?? 'none recorded'}`,
    `Access: ${access}group ${group.groupName} in ${group.connectionName}`,
    `Obtained: ${obtained.text}`,
    `Recommendation: ${recommendation.decision === 'none' ? 'none' : recommendation.decision} (${recommendation.reason})`,
    '',
    `Reviewers: ${reviewers.described.join(', ') || 'nobody could be resolved: the campaign default applies at the end'}.`,
    `Decide by ${input.endsAt}: move this item to Keep, or to Revoke with a comment saying why (a revoke needs a justification).`,
    'A decision by anyone else, or by the person under review, does not count.',
  ].join('\n');
}
