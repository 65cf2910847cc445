import { log, proxyActivities } from '@temporalio/workflow';
import type { LeaseholdActivities } from '../../activities/contract';
import { failureMessage } from '../failures';
import { groupKey, reconcileGroup } from './reconcile';
import type { DriftFinding, DriftState, GroupSnapshot, ReconciliationSummary } from './types';

/** Directory and Temporal reads of one pass: retried briefly; a group that cannot be read waits for the next pass. */
const reads = proxyActivities<Pick<LeaseholdActivities, 'driftScope' | 'groupSnapshot'>>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});
/** The report and restorations: a finding not reported (Jira down) is reported by a later pass. */
const acts = proxyActivities<Pick<LeaseholdActivities, 'reportDrift' | 'sendLeaseOperation'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

/** Groups read at once. */
const SNAPSHOT_BATCH = 10;
const KEEP_CLOSED = 200;

/**
 * One reconciliation: every managed group read from its directory and judged against the leases; new
 * findings restored (when the rules say so) and reported in one Jira issue; findings that went away closed.
 */
export async function reconcileAll(state: DriftState): Promise<ReconciliationSummary> {
  const at = new Date().toISOString();
  const scope = await reads.driftScope();
  const snapshots: GroupSnapshot[] = [];
  const unreadable = scope.unresolved.map((u) => `${u.groupName} (${u.connectionName}): ${u.error}`);
  for (let i = 0; i < scope.groups.length; i += SNAPSHOT_BATCH) {
    const batch = scope.groups.slice(i, i + SNAPSHOT_BATCH);
    const read = await Promise.allSettled(batch.map((group) => reads.groupSnapshot({ group })));
    read.forEach((r, j) => {
      if (r.status === 'fulfilled') snapshots.push(r.value);
      else unreadable.push(`${batch[j]!.groupName} (${batch[j]!.connectionName}): ${failureMessage(r.reason)}`);
    });
  }

  let members = 0;
  let baselined = 0;
  const found: DriftFinding[] = [];
  const judged = new Set<string>();
  for (const snapshot of snapshots) {
    const key = groupKey(snapshot.group.connectionName, snapshot.group.groupId);
    const result = reconcileGroup(snapshot, state.baseline, state.open);
    state.baseline[key] = result.baseline;
    baselined += result.baselined;
    members += snapshot.members.length;
    judged.add(key);
    found.push(...result.findings);
  }
  // A group not read this pass keeps its open findings as they were.
  const untouched = state.open.filter((f) => !judged.has(groupKey(f.connectionName, f.groupId)));
  const now = [...found, ...untouched];
  const resolved = state.open.filter((f) => !now.some((n) => n.id === f.id));
  const fresh = found.filter((f) => !state.open.some((o) => o.id === f.id));
  if (scope.settings.missing === 'restore') await restore(fresh, snapshots);

  const unreported = now.filter((f) => !f.reportedIn);
  const report = unreported.length > 0 ? await reportQuietly(unreported, at) : undefined;
  if (report) for (const f of unreported) f.reportedIn = report;

  state.open = now;
  const closedAt = new Date().toISOString();
  state.closed.push(...resolved.map((f) => ({ ...f, closedAt })));
  state.closed.splice(0, Math.max(0, state.closed.length - KEEP_CLOSED));
  return {
    at,
    every: scope.settings.every,
    ...(scope.rulesVersion === undefined ? {} : { rulesVersion: scope.rulesVersion }),
    groups: snapshots.length,
    members,
    newFindings: fresh.map((f) => f.id),
    resolved: resolved.map((f) => f.id),
    baselined,
    unresolvedGroups: unreadable,
    ...(report ? { report } : {}),
  };
}

/** A membership a grant holds, removed outside Leasehold: added back through its lease (verified there). */
async function restore(fresh: DriftFinding[], snapshots: GroupSnapshot[]): Promise<void> {
  for (const finding of fresh.filter((f) => f.kind === 'missing')) {
    const lease = snapshots
      .find((s) => s.group.groupId === finding.groupId && s.group.connectionName === finding.connectionName)
      ?.leases.find((l) => l.userId === finding.userId);
    const holder = lease?.holders?.[0];
    if (!lease?.key || !holder) continue;
    try {
      await acts.sendLeaseOperation.executeWithOptions(
        { summary: `restore ${finding.userLogin} in ${finding.groupName}` },
        [
          {
            opId: `drift:${finding.id}:${finding.firstSeen}`,
            kind: 'acquire',
            leaseId: holder.leaseId,
            holderWorkflowId: holder.holderWorkflowId,
            issueKey: holder.issueKey,
            key: lease.key,
            ...(holder.until ? { until: holder.until } : {}),
          },
        ],
      );
      finding.action = 'restored';
    } catch (err) {
      log.warn('could not hand the restoration to the lease', { finding: finding.id, error: failureMessage(err) });
    }
  }
}

async function reportQuietly(findings: DriftFinding[], at: string): Promise<string | undefined> {
  try {
    return await acts.reportDrift.executeWithOptions({ summary: `report ${findings.length} findings in Jira` }, [
      { findings, at },
    ]);
  } catch (err) {
    log.warn('could not report drift in Jira; the next pass tries again', { error: failureMessage(err) });
    return undefined;
  }
}
