import { stringify } from 'csv-stringify/sync';
import type { CampaignRecord } from '../workflows/review/types';

/** The campaign record as auditors open it: one CSV row per reviewed (person, access). */
export const CAMPAIGN_CSV_COLUMNS = [
  'item',
  'person',
  'access',
  'group',
  'connection',
  'obtained',
  'recommendation',
  'reviewer',
  'decision',
  'decided_by',
  'decided_at',
  'justification',
  'enforced',
  'idp_answer',
  'verified_at',
  'ended_grants',
  'ignored_decisions',
] as const;

export function campaignRows(record: CampaignRecord): Array<Record<(typeof CAMPAIGN_CSV_COLUMNS)[number], string>> {
  return record.items.map((i) => ({
    item: i.item,
    person: i.person,
    access: i.access,
    group: i.group,
    connection: i.connection,
    obtained: i.obtained.text,
    recommendation: `${i.recommendation.decision}: ${i.recommendation.reason}`,
    reviewer: i.reviewer,
    decision: i.decision,
    decided_by: i.decidedBy,
    decided_at: i.at,
    justification: i.justification ?? '',
    enforced: i.enforcement?.outcome ?? (i.decision === 'keep' ? 'no change' : ''),
    idp_answer: i.enforcement?.idpAnswer
      ? `${i.enforcement.idpAnswer.status}${i.enforcement.idpAnswer.requestId ? ` (${i.enforcement.idpAnswer.requestId})` : ''}`
      : (i.enforcement?.error ?? ''),
    verified_at: i.enforcement?.verifiedAt ?? '',
    ended_grants: i.enforcement?.endedGrants.join(' ') ?? '',
    ignored_decisions: i.ignored.map((d) => `${d.email ?? d.accountId}: ${d.reason}`).join('; '),
  }));
}

export function campaignCsv(record: CampaignRecord): string {
  return stringify(campaignRows(record), { header: true, columns: [...CAMPAIGN_CSV_COLUMNS] });
}
