import { condition, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import { formatDuration } from '../../policy/duration';
import { forcedRelease, listenForLeaseOutcomes } from '../group-lease/forced-release';
import type { LeaseOutcome } from '../group-lease/types';
import { KEEP_ALIVE } from '../keep-alive';
import type { ReclaimInput, ReclaimRecord } from './types';

/**
 * Inactivity reclaim of one membership (`reclaim-<connection>-<group>-<user>`), started by the daily
 * sweep: a notice in Jira, a durable grace period, then a second look at the last sign-in. Still
 * inactive: the membership is removed through its group lease (a forced release: every grant on it ends
 * and its request closes as revoked, a pre-existing membership goes too), verified there. Signed in
 * meanwhile: kept. The result is the evidence, attached to the notice.
 */

const directory = proxyActivities<Pick<LeaseholdActivities, 'lastSignIn'>>({
  startToCloseTimeout: '1 minute',
  ...KEEP_ALIVE,
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});
const jiraOn = (taskQueue: string | undefined) =>
  proxyActivities<Pick<LeaseholdActivities, 'raiseReclaimNotice' | 'commentOnIssue' | 'attachEvidence'>>({
    startToCloseTimeout: '1 minute',
    ...KEEP_ALIVE,
    ...(taskQueue ? { taskQueue } : {}),
    // The notice must reach the person before the grace period starts: retried until Jira takes it.
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1 hour' },
  });

export async function reclaimWorkflow(input: ReclaimInput): Promise<ReclaimRecord> {
  const { group, member } = input;
  const jira = jiraOn(input.jira.taskQueue);
  const outcomes = listenForLeaseOutcomes();

  const record: ReclaimRecord = {
    person: member.login,
    userId: member.userId,
    access: `${group.application} (${group.level})`,
    group: group.groupName,
    connection: group.connectionName,
    lastActivity: member.lastActivity ?? null,
    inactiveFor: formatDuration(group.inactiveForMs),
    noticeAt: new Date().toISOString(),
    graceEnds: new Date(Date.now() + group.graceMs).toISOString(),
    outcome: 'failed',
    reason: '',
  };
  const say = (details: string) => setCurrentDetails(`**${member.login}** in **${group.groupName}**: ${details}`);

  // 1. The notice: the person learns why and how to keep the access (sign in before the grace ends).
  record.notice = await jira.raiseReclaimNotice({ jira: input.jira, record });
  record.noticeAt = new Date().toISOString();
  record.graceEnds = new Date(Date.now() + group.graceMs).toISOString();

  // 2. The grace period: a durable timer.
  say(`notified in ${record.notice}; grace period until ${record.graceEnds}`);
  await condition(() => false, group.graceMs, { summary: `grace period: until ${record.graceEnds}` });

  // 3. The second check.
  const lastActivity = await directory.lastSignIn({
    connectionName: group.connectionName,
    connection: group.connection,
    userId: member.userId,
  });
  const checkedAt = new Date().toISOString();
  record.secondCheck = { at: checkedAt, lastActivity: lastActivity ?? null };
  const active = lastActivity !== undefined && Date.parse(lastActivity) > Date.now() - group.inactiveForMs;
  if (active) {
    record.outcome = 'kept';
    record.reason = `signed in at ${lastActivity}, during the grace period`;
  } else {
    await remove(input, record, outcomes);
  }
  say(`${record.outcome}: ${record.reason}`);

  // 4. Jira hears the outcome, with the evidence (never in front of the removal: it is done).
  await jira.commentOnIssue({
    jira: input.jira,
    issueKey: record.notice,
    dedupeKey: `${workflowInfo().workflowId}:outcome`,
    text: outcomeText(record),
  });
  await jira.attachEvidence({
    jira: input.jira,
    issueKey: record.notice,
    fileName: `reclaim-${member.login}-${group.groupName}.json`,
    json: JSON.stringify(record, null, 2),
  });
  return record;
}

/** The forced release through the membership's lease, and its answer. */
async function remove(input: ReclaimInput, record: ReclaimRecord, outcomes: Map<string, LeaseOutcome>): Promise<void> {
  const { group, member } = input;
  const inactive = member.lastActivity ? `no sign-in since ${member.lastActivity}` : 'never signed in';
  const outcome = await forcedRelease(outcomes, {
    key: {
      connectionName: group.connectionName,
      connection: group.connection,
      groupId: group.groupId,
      groupName: group.groupName,
      userId: member.userId,
      userLogin: member.login,
    },
    issueKey: record.notice!,
    by: `inactivity reclaim (${record.notice})`,
    reason: `${inactive}, over ${record.inactiveFor}`,
    leaseSuffix: 'reclaim',
  });
  if (!outcome.ok) {
    record.outcome = 'failed';
    record.reason = `the directory refused the removal: ${outcome.error}`;
    return;
  }
  record.outcome = 'removed';
  record.reason = `${inactive}, and none during the grace period`;
  record.removal = {
    at: outcome.at,
    ...(outcome.verifiedAt ? { verifiedAt: outcome.verifiedAt } : {}),
    ...(outcome.idpAnswer ? { idpAnswer: outcome.idpAnswer } : {}),
    endedGrants: (outcome.endedLeases ?? []).map((l) => l.issueKey),
  };
}

function outcomeText(r: ReclaimRecord): string {
  if (r.outcome === 'kept') return `Access kept: ${r.person} ${r.reason}. Nothing changed in ${r.group}.`;
  if (r.outcome === 'failed') return `Access NOT removed: ${r.reason}. An operator should look at ${r.group}.`;
  const answer = r.removal?.idpAnswer ? ` (the directory answered ${r.removal.idpAnswer.status})` : '';
  const grants = r.removal?.endedGrants.length ? ` Grants ended: ${r.removal.endedGrants.join(', ')}.` : '';
  return `Access removed: ${r.person} is no longer in ${r.group}${answer}, verified at ${r.removal?.verifiedAt ?? r.removal?.at}: ${r.reason}.${grants} The evidence record is attached.`;
}
