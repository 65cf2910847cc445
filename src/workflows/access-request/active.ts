import { lookups } from './activities';
import { continueRun, historyTooLong } from './continue';
import { decideChange, openChange } from './extensions';
import { ignore, ignoreRelated, ignoreUnverified } from './ignored';
import type { RequestRun } from './run';
import { texts } from './texts';
import { checkRelated, confirmStatusChange } from './verification';
import type { Inbound, RemovalRequest, Revocation, StatusChange } from './types';
import type { LeaseEnded } from '../group-lease/types';

/**
 * Step 4: the grant is active until its end: it sleeps on the expiry timer and wakes for what may end
 * or move it (a revocation in Jira, a removal request, an operator, a change request and its
 * approvals). Returns why and when the access is to end.
 */
export async function activeUntilEnd(run: RequestRun): Promise<Revocation> {
  for (;;) {
    if (historyTooLong(run)) await continueRun(run);
    const woken = await run.expiry.sleep(
      () => run.inbox.length > 0 || run.operatorRevoke !== undefined || run.leaseEnded !== undefined,
    );
    if (run.operatorRevoke)
      return { reason: 'operator', by: run.operatorRevoke.operator, requestedAt: run.operatorRevoke.at };
    if (run.leaseEnded) return membershipRemoved(run, run.leaseEnded);
    if (!woken) {
      if (run.expiry.passed) return { reason: 'expired', requestedAt: new Date().toISOString() };
      continue;
    }
    const moved = run.expiry.takeUnannounced();
    if (moved) await run.comment(texts.operatorExtended(run.rule, moved.by, run.snapshot.expiresAt!, moved.capped));
    const item = run.inbox.shift();
    const ends = item && (await whileActive(run, item));
    if (ends) return ends;
  }
}

/** One decision or request on an active grant: the revocation it asks for, if it does. */
async function whileActive(run: RequestRun, item: Inbound): Promise<Revocation | undefined> {
  if (item.type === 'removal') return removal(run, item.event);
  if (item.type === 'change') return void (await openChange(run, item.event));
  const event = item.event;
  if (event.issueKey === run.input.issueKey) return statusChange(run, event);
  const ext = run.pendingExtension;
  if (ext && event.issueKey === ext.event.issueKey) return void (await decideChange(run, ext, event));
  ignore(run, event, `status change on ${event.issueKey}, which is not a pending change of this request`);
  return undefined;
}

/** A *Request Access Removal*: it ends the grant once Jira confirms it applies here. */
async function removal(run: RequestRun, event: RemovalRequest): Promise<Revocation | undefined> {
  const check = run.verifying ? await checkRelated(run.trust(), event, 'removal', run.input.requestedAt) : undefined;
  if (check && !check.applies) return void (await ignoreRelated(run, event, check, 'Removal request'));
  const requestedAt = check?.facts.createdAt ?? event.at;
  return { reason: 'removal-request', issueKey: event.issueKey, by: event.actorAccountId, requestedAt };
}

/** A status change on the request itself: only a revocation Jira recorded has an effect now. */
async function statusChange(run: RequestRun, event: StatusChange): Promise<Revocation | undefined> {
  if (event.decision !== 'Revoked') {
    ignore(run, event, `${event.decision} while access is active has no effect`);
    return undefined;
  }
  if (!run.verifying) {
    const facts = await lookups.identifyActor({
      jira: run.policy!.jira,
      accountId: event.actorAccountId,
      approverGroups: [],
    });
    return {
      reason: 'revoked-in-jira',
      by: facts.email ?? event.actorAccountId,
      issueKey: event.issueKey,
      requestedAt: event.at,
    };
  }
  const { source, reason, actor } = await confirmStatusChange(run.trust(), event);
  if (!source) return void (await ignoreUnverified(run, event, reason!, actor.email));
  const by = actor.email ?? event.actorAccountId;
  return { reason: 'revoked-in-jira', by, issueKey: event.issueKey, requestedAt: source.at, source };
}

/** A decision outside this request removed the membership (reclaim, review): recorded, then the grant ends. */
function membershipRemoved(run: RequestRun, ended: LeaseEnded): Revocation {
  const { groupId, by, reason, at, verifiedAt, idpAnswer } = ended;
  run.snapshot.groupChanges.push({
    group: run.groupName(groupId),
    groupId,
    connection: run.rule.connectionName,
    action: 'removed',
    reason: `removed by ${by}: ${reason}`,
    preExisting: false,
    at,
    ...(verifiedAt ? { verifiedAt } : {}),
    ...(idpAnswer ? { idpAnswer } : {}),
  });
  return { reason: 'membership-removed', by, why: reason, requestedAt: at };
}
