import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  sleep,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { LeaseholdActivities, PinnedPolicy } from '../../activities/contract';
import { approvalsMissing, authorizeApprover, grantDuration, isAutoApproved, maxDuration } from '../../policy/approval';
import { formatDuration, parseDuration } from '../../policy/duration';
import { leaseOutcomeSignal, leaseTroubleSignal } from '../group-lease/messages';
import type { LeaseOperation, LeaseOutcome, LeaseTrouble } from '../group-lease/types';
import { searchAttributes } from '../search-attributes';
import { buildEvidence } from './evidence';
import { audit } from './sinks';
import {
  changeRequestedSignal,
  extendUpdate,
  removalRequestedSignal,
  retryProvisioningUpdate,
  revokeNowUpdate,
  stateQuery,
  statusChangedSignal,
  type OperatorAction,
} from './messages';
import { failureMessage, isPermanentFailure } from '../failures';
import { JiraWriteBack } from './write-back';
import { approverGroupsOf, checkRelated, confirmStatusChange, judgeVerified, type Judgement, type RelatedCheck, type TrustContext } from './verification';
import type {
  AccessRequestInput,
  ApprovalRecord,
  ChangeRequest,
  ContinuedRequest,
  Inbound,
  PendingExtension,
  DecisionSource,
  EvidenceRecord,
  PinnedRule,
  RemovalRequest,
  RequestSnapshot,
  RequestState,
  Revocation,
  StatusChange,
} from './types';

/** Attempts of a lookup per round; rounds go on (see `patiently`) until it answers. */
const LOOKUP_ATTEMPTS = 10;
const LOOKUP_ROUND_PAUSE_MS = [30_000, 60_000, 5 * 60_000, 15 * 60_000];

/** Reads (rules, people, groups): transient failures retried; permanent ones (unknown user) fail fast. */
const lookups = proxyActivities<LeaseholdActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: LOOKUP_ATTEMPTS },
});

/** Jira write-back: retried for about an hour; a Jira outage never blocks a grant or a revocation. */
const jira = proxyActivities<LeaseholdActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

/** Handing an operation to a group-lease workflow: a quick signal-with-start, retried until it lands. */
const leases = proxyActivities<LeaseholdActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Past this many events (or when the server suggests it) an active grant continues as new. */
const MAX_HISTORY_EVENTS = 2_000;
/** Ignored events kept in the state and evidence (older ones are counted, not kept). */
const MAX_IGNORED = 100;
/** Event ids remembered across continue-as-new to recognise redeliveries (signals are deduped by id). */
const MAX_SEEN_EVENTS = 500;

/** How long a failed provisioning waits for an operator's retry before the request closes as failed. */
const OPERATOR_RETRY_WINDOW_MS = 7 * 24 * 3600_000;

/**
 * One access request, from the Jira issue's creation to the end of the access it grants. Its history
 * is the audit evidence: every decision arrives as a signal or update, every check and change as an
 * activity result.
 */
export async function accessRequestWorkflow(input: AccessRequestInput, continued?: ContinuedRequest): Promise<EvidenceRecord> {
  const info = workflowInfo();
  const snapshot: RequestSnapshot = continued?.snapshot ?? {
    workflowId: info.workflowId,
    issueKey: input.issueKey,
    state: 'Resolving',
    input,
    durationCapped: false,
    approvals: [],
    ignored: [],
    autoApproved: false,
    groupChanges: [],
    extensions: [],
  };
  const inbox: Inbound[] = continued?.inbox ?? [];
  const seenEvents = new Set<string>(continued?.seenEvents ?? []);
  const outcomes = new Map<string, LeaseOutcome>();
  let operatorRevoke: (OperatorAction & { at: string }) | undefined;
  let operatorRetry: (OperatorAction & { at: string }) | undefined;
  let expiryChanged = continued?.expiryChanged ?? false;
  let commentSeq = continued?.commentSeq ?? 0;
  let policy: PinnedPolicy | undefined = continued?.policy;
  let groups: Array<{ id: string; name: string }> = continued?.groups ?? [];
  let pendingExtension: PendingExtension | undefined = continued?.pendingExtension;

  const accept = (event: { eventId: string }): boolean => {
    if (seenEvents.has(event.eventId)) return false;
    seenEvents.add(event.eventId);
    return true;
  };
  setHandler(statusChangedSignal, (event) => void (accept(event) && inbox.push({ type: 'status', event })));
  setHandler(removalRequestedSignal, (event) => void (accept(event) && inbox.push({ type: 'removal', event })));
  setHandler(changeRequestedSignal, (event) => void (accept(event) && inbox.push({ type: 'change', event })));
  setHandler(leaseOutcomeSignal, (outcome) => void outcomes.set(outcome.opId, outcome));
  setHandler(leaseTroubleSignal, (trouble: LeaseTrouble) => {
    snapshot.problem = { message: `${trouble.kind} in ${groupName(trouble.groupId)}: ${trouble.error}`, since: trouble.since, attempts: trouble.attempts };
  });
  setHandler(stateQuery, () => snapshot);

  const ended = (): boolean => ['ManualHandling', 'Denied', 'Declined', 'ApprovalExpired', 'Expired', 'Revoked', 'Failed'].includes(snapshot.state);
  setHandler(
    revokeNowUpdate,
    (action) => {
      operatorRevoke ??= { ...action, at: new Date().toISOString() };
      return snapshot;
    },
    {
      validator: (action) => {
        requireOperator(action);
        if (ended() || snapshot.state === 'Revoking' || snapshot.state === 'RevocationFailing') {
          throw new Error(`cannot revoke: the request is ${snapshot.state}`);
        }
      },
    },
  );
  setHandler(
    extendUpdate,
    (action) => {
      const rule = snapshot.rule!;
      const { ms, capped } = capFromGrant(rule, parseDuration(action.duration)!);
      applyExtension({ by: `operator ${action.operator}: ${action.reason}`, ms, capped, approvals: [] });
      override('extend', action, `access extended to ${snapshot.expiresAt}${capped ? ' (capped at the maximum)' : ''}`);
      expiryChanged = true;
      return snapshot;
    },
    {
      validator: (action) => {
        requireOperator(action);
        if (policy?.settings?.allowOperatorExtensions === false) throw new Error('operator extensions are forbidden by the rules (settings.allowOperatorExtensions: false)');
        if (snapshot.state !== 'Active') throw new Error(`cannot extend: the request is ${snapshot.state}, not Active`);
        if (parseDuration(action.duration) === undefined) throw new Error(`"${action.duration}" is not a duration`);
      },
    },
  );
  setHandler(
    retryProvisioningUpdate,
    (action) => {
      operatorRetry = { ...action, at: new Date().toISOString() };
      override('retry', action, 'provisioning retried after it failed');
      return snapshot;
    },
    {
      validator: (action) => {
        requireOperator(action);
        if (snapshot.state !== 'ProvisioningFailed') throw new Error(`nothing to retry: the request is ${snapshot.state}`);
      },
    },
  );

  // ---- helpers bound to this run -------------------------------------------------------------

  // Runs from before decisions were verified at their source replay without it.
  const verifying = patched('decisions-verified-at-source');
  // Runs from before Jira write-back went beside the lifecycle (and lookups waited out outages) replay without it.
  const resilient = patched('outages-waited-out');
  const writeBack = new JiraWriteBack(continued?.writeBack ?? { pending: [], done: 0 }, () => policy?.jira, () => {
    snapshot.jiraWriteBack = { pending: writeBack.state.pending.length, done: writeBack.state.done, failing: writeBack.state.failing };
    setCurrentDetails(details(snapshot));
  });

  /**
   * A lookup (rules, people, groups) that waits out outages: rounds of retries, the problem shown on
   * the run and said once in Jira while it lasts; only a permanent answer (unknown user) ends it.
   */
  async function patiently<T>(what: string, call: () => Promise<T>): Promise<T> {
    if (!resilient) return call();
    const since = new Date().toISOString();
    for (let round = 1; ; round++) {
      try {
        const result = await call();
        if (round > 1) {
          snapshot.problem = undefined;
          setCurrentDetails(details(snapshot));
        }
        return result;
      } catch (err) {
        if (isPermanentFailure(err)) throw err;
        snapshot.problem = { message: `${what} keeps failing: ${failureMessage(err)}`, since, attempts: round * LOOKUP_ATTEMPTS };
        setCurrentDetails(details(snapshot));
        if (round === 1) await comment(`Leasehold is waiting for ${what}: ${failureMessage(err)}. It keeps trying; nothing is lost.`);
        await sleep(LOOKUP_ROUND_PAUSE_MS[Math.min(round - 1, LOOKUP_ROUND_PAUSE_MS.length - 1)]!);
      }
    }
  }
  const trust = (): TrustContext => ({ input, snapshot, policy: policy! });
  const answered = new Set<string>(continued?.answered ?? []);

  function override(kind: 'extend' | 'retry', action: OperatorAction, detail: string): void {
    (snapshot.overrides ??= []).push({ action: kind, operator: action.operator, reason: action.reason, at: new Date().toISOString(), detail });
  }

  /** A removal or change request that does not apply here: recorded, answered unless it is a repeat. */
  async function ignoreRelated(event: RemovalRequest | ChangeRequest, check: Extract<RelatedCheck, { applies: false }>, what: string): Promise<void> {
    ignore(event, check.reason);
    if (!check.duplicate) await comment(`${what} ${event.issueKey} does not apply to this request: ${check.reason}. Nothing changed.`);
  }

  function groupName(groupId: string): string {
    return groups.find((g) => g.id === groupId)?.name ?? groupId;
  }

  function setState(state: RequestState): void {
    // A problem belongs to the step that had it; entering a new step clears it (failing states keep theirs).
    if (state !== snapshot.state && state !== 'RevocationFailing' && state !== 'ProvisioningFailed') snapshot.problem = undefined;
    snapshot.state = state;
    upsertSearchAttributes([{ key: searchAttributes.state, value: state }]);
    setCurrentDetails(details(snapshot));
    audit.stateChanged(snapshot);
  }

  async function comment(text: string, issueKey = input.issueKey): Promise<void> {
    const dedupeKey = `${info.workflowId}/${++commentSeq}`;
    if (!policy) return;
    if (resilient) return writeBack.enqueue({ kind: 'comment', issueKey, text, dedupeKey });
    await jira.commentOnIssue({ jira: policy.jira, issueKey, text, dedupeKey }).catch((err: unknown) => {
      log.error('Jira comment failed after retries; continuing', { issueKey, error: String(err) });
    });
  }

  async function moveTo(status: string, issueKey = input.issueKey): Promise<void> {
    if (!policy) return;
    if (resilient) return writeBack.enqueue({ kind: 'transition', issueKey, toStatus: status });
    await jira.transitionIssue({ jira: policy.jira, issueKey, toStatus: status }).catch((err: unknown) => {
      log.error('Jira transition failed after retries; continuing', { issueKey, status, error: String(err) });
    });
  }

  async function finish(state: RequestState, text?: string, status?: string): Promise<EvidenceRecord> {
    setState(state);
    snapshot.endedAt = new Date().toISOString();
    audit.stateChanged(snapshot);
    if (text) await comment(text);
    if (status) await moveTo(status);
    const evidence = buildEvidence(snapshot);
    if (policy && resilient) {
      writeBack.enqueue({ kind: 'evidence', issueKey: input.issueKey, fileName: `leasehold-evidence-${input.issueKey}.json`, json: JSON.stringify(evidence, null, 2) });
      // The lifecycle is over (access is gone); the run stays open until Jira has heard all of it.
      await condition(() => writeBack.drained());
    } else if (policy) {
      await jira
        .attachEvidence({ jira: policy.jira, issueKey: input.issueKey, fileName: `leasehold-evidence-${input.issueKey}.json`, json: JSON.stringify(evidence, null, 2) })
        .catch((err: unknown) => log.error('could not attach evidence; it stays in the workflow history', { error: String(err) }));
    }
    await condition(allHandlersFinished);
    return evidence;
  }

  function capFromGrant(rule: PinnedRule, ms: number): { ms: number; capped: boolean } {
    const max = maxDuration(rule.level);
    return max !== undefined && ms > max ? { ms: max, capped: true } : { ms, capped: false };
  }

  function applyExtension(ext: { by: string; ms: number; capped: boolean; approvals: ApprovalRecord[]; issueKey?: string }): void {
    const from = snapshot.expiresAt!;
    const to = new Date(Date.parse(snapshot.grantedAt!) + ext.ms).toISOString();
    snapshot.extensions.push({ issueKey: ext.issueKey, by: ext.by, from, to, capped: ext.capped, at: new Date().toISOString(), approvals: ext.approvals });
    snapshot.expiresAt = to;
    snapshot.grantedDurationMs = ext.ms;
    upsertSearchAttributes([{ key: searchAttributes.expiresAt, value: new Date(to) }]);
    setCurrentDetails(details(snapshot));
  }

  /** Judges a decision by an actor on this request (or a change issue); returns the approval if it counts. */
  async function judge(event: StatusChange, rule: PinnedRule): Promise<Judgement> {
    if (verifying) return judgeVerified(trust(), event, rule);
    const facts = await lookups.identifyActor({ jira: policy!.jira, accountId: event.actorAccountId, approverGroups: approverGroupsOf(rule) });
    const verdict = authorizeApprover(rule.level, {
      requesterAccountId: input.requester.accountId,
      requesterEmail: snapshot.requester!.email,
      managerEmail: snapshot.manager?.email,
      ownerEmail: rule.owner,
    }, facts);
    if (!verdict.authorized) return { counts: false, confirmed: true, reason: verdict.reason, email: facts.email };
    return {
      counts: true,
      record: { eventId: event.eventId, issueKey: event.issueKey, accountId: event.actorAccountId, email: facts.email, as: verdict.as, at: event.at },
    };
  }

  /** The decision that closed the request before any grant (a denial or decline), for the evidence. */
  function closedBy(event: StatusChange, verdict: Judgement): void {
    const source = verdict.counts ? verdict.record.source : verdict.source;
    const as = verdict.counts ? verdict.record.as : 'requester';
    snapshot.closedBy = { decision: event.decision, issueKey: event.issueKey, accountId: event.actorAccountId, email: verdict.email, as, at: source?.at ?? event.at, ...(source ? { source } : {}) };
  }

  /** A decision Jira has no record of: recorded as ignored and said in Jira; the issue is left as it is. */
  async function ignoreUnverified(event: StatusChange, reason: string, email?: string, issueKey = input.issueKey): Promise<void> {
    ignore(event, reason, email);
    // Said once per account and reason: a flood of forged signals cannot flood Jira (or the history).
    const said = `${event.actorAccountId}|${event.status}|${reason.replace(/\d+/g, '#')}`;
    if (answered.has(said)) return;
    answered.add(said);
    await comment(`A "${event.status}" decision attributed to ${email ?? `account ${event.actorAccountId}`} was ignored: ${reason}. Nothing changed.`, issueKey);
  }

  function ignore(event: StatusChange | RemovalRequest | ChangeRequest, reason: string, email?: string, source?: DecisionSource): void {
    snapshot.ignored.push({
      eventId: event.eventId,
      issueKey: event.issueKey,
      accountId: event.actorAccountId,
      email,
      decision: 'decision' in event ? event.decision : 'Revoked',
      reason,
      at: event.at,
      ...(source ? { source } : {}),
    });
    // The evidence keeps the latest ignored events and counts the ones before (bounded state and history).
    if (snapshot.ignored.length > MAX_IGNORED) {
      const dropped = snapshot.ignored.splice(0, snapshot.ignored.length - MAX_IGNORED);
      snapshot.ignoredOmitted = (snapshot.ignoredOmitted ?? 0) + dropped.length;
    }
  }

  /** `step` names this round (`acquire-2`, `rollback-2`, `revoke`): the same step is never applied twice. */
  async function sendLeases(kind: 'acquire' | 'release', step: string): Promise<LeaseOutcome[]> {
    const rule = snapshot.rule!;
    const ops: LeaseOperation[] = groups.map((g) => ({
      opId: `${info.workflowId}:${g.id}:${step}`,
      kind,
      leaseId: `${info.workflowId}:${g.id}`,
      holderWorkflowId: info.workflowId,
      issueKey: input.issueKey,
      // The lease knows its end (an acquire's: the expected one), so it can release it should this run die.
      until: snapshot.expiresAt ?? new Date(Date.now() + (snapshot.grantedDurationMs ?? 0)).toISOString(),
      key: {
        connectionName: rule.connectionName,
        connection: rule.connection,
        groupId: g.id,
        groupName: g.name,
        userId: snapshot.requester!.directoryUserId!,
        userLogin: snapshot.requester!.email,
      },
    }));
    await Promise.all(ops.map((op) => leases.sendLeaseOperation(op)));
    // Outcomes come back as signals from each membership's workflow.
    await condition(() => ops.every((op) => outcomes.has(op.opId)));
    return ops.map((op) => outcomes.get(op.opId)!);
  }

  function recordChanges(results: LeaseOutcome[]): void {
    for (const r of results) {
      if (!r.ok) continue;
      snapshot.groupChanges.push({
        group: groupName(r.groupId),
        groupId: r.groupId,
        connection: snapshot.rule!.connectionName,
        action: r.action,
        reason: r.reason,
        preExisting: r.preExisting,
        at: r.at,
        verifiedAt: r.verifiedAt,
        idpAnswer: r.idpAnswer,
      });
    }
  }

  setCurrentDetails(details(snapshot));
  if (continued) {
    writeBack.start();
    audit.stateChanged(snapshot); // the evidence of a continued run is whole from its first event
  }
  if (continued?.phase !== 'active') {
    const closed = await untilGranted(continued?.approval);
    if (closed) return closed;
  }
  const rule = snapshot.rule!;
  const statuses = policy!.outcomes;

  /** Step 1: the rule in force, the requester and their manager, the groups. Evidence when it ends here. */
  async function resolve(): Promise<EvidenceRecord | undefined> {
    policy = await patiently('the rules', () => lookups.loadPolicy({ application: input.application, accessType: input.accessType }));
    const statuses = policy.outcomes;
    if (!policy.rule) {
      return finish('ManualHandling', `Leasehold cannot handle this request automatically: ${policy.unmatchedReason}. It needs manual handling; nothing was provisioned.`);
    }
    const rule = policy.rule;
    snapshot.rule = rule;

    try {
      const people = await patiently('the requester in Jira and the directory', () =>
        lookups.resolveRequester({ connectionName: rule.connectionName, connection: rule.connection, jira: policy!.jira, accountId: input.requester.accountId }),
      );
      snapshot.requester = people.requester;
      snapshot.manager = people.manager;
      groups = await patiently('the directory groups', () => lookups.resolveGroups({ connectionName: rule.connectionName, connection: rule.connection, groups: rule.level.groups }));
    } catch (err) {
      const reason = failureMessage(err);
      return finish('Failed', `Leasehold could not process this request: ${reason}. Nothing was provisioned.`, statuses.failed);
    }
    upsertSearchAttributes([{ key: searchAttributes.requester, value: snapshot.requester.email }]);

    const requestedMs = input.duration ? parseDuration(input.duration) : undefined;
    const granted = grantDuration(rule.level, requestedMs);
    snapshot.grantedDurationMs = granted.ms;
    snapshot.durationCapped = granted.capped;
    return undefined;
  }

  /**
   * Steps 1 to 3: resolve, approve, provision. Returns the evidence when the request ended without a
   * grant. `resume`: a run continued as new while waiting for approval picks up its wait.
   */
  async function untilGranted(resume?: ContinuedRequest['approval']): Promise<EvidenceRecord | undefined> {
    if (!resume) {
      const closed = await resolve();
      if (closed) return closed;
    }
    const rule = snapshot.rule!;
    const statuses = policy!.outcomes;

    // ---- 2. approval -------------------------------------------------------------------------------

    if (isAutoApproved(rule.level)) {
      snapshot.autoApproved = true;
    } else {
      setState('AwaitingApproval');
      const approval = rule.level.approval;
      const deadline = resume?.deadline ?? Date.now() + parseDuration(approval.deadline)!;
      const remindEvery = approval.remindEvery ? parseDuration(approval.remindEvery) : undefined;
      let nextReminder = resume ? (resume.nextReminder ?? Infinity) : remindEvery ? Date.now() + remindEvery : Infinity;
      const needed = approvalsMissing(rule.level, []);
      if (!resume) {
        await comment(
          `Leasehold received this request: ${describeAccess(rule, snapshot.grantedDurationMs!)}${snapshot.durationCapped ? ` (capped at the maximum ${rule.level.duration.max})` : ''}. ` +
            `Risk ${rule.level.risk}: it needs ${needed} approval${needed > 1 ? 's' : ''} from ${approverList(rule)}.`,
        );
      }

      for (;;) {
        // A flood of decisions (forged or real) cannot grow the history without bound: continue as new.
        if (resilient && historyTooLong()) await continueRun({ deadline, ...(Number.isFinite(nextReminder) ? { nextReminder } : {}) });
        const wake = Math.min(deadline, nextReminder);
        const got = await condition(() => inbox.length > 0 || operatorRevoke !== undefined, Math.max(1, wake - Date.now()));
        if (operatorRevoke) {
          return finish('Revoked', `Cancelled by operator ${operatorRevoke.operator}: ${operatorRevoke.reason}. Nothing was provisioned.`, statuses.revoked);
        }
        if (!got) {
          if (Date.now() >= deadline) {
            return finish('ApprovalExpired', `No approval within ${approval.deadline}: the request is declined as expired. Nothing was provisioned.`, statuses.approvalExpired);
          }
          const missing = approvalsMissing(rule.level, approverIds(snapshot.approvals));
          await comment(`Reminder: this request still needs ${missing} approval${missing > 1 ? 's' : ''} from ${approverList(rule)}.`);
          nextReminder = remindEvery ? Date.now() + remindEvery : Infinity;
          continue;
        }
        const item = inbox.shift()!;
        if (item.type === 'removal') {
          const check = verifying ? await checkRelated(trust(), item.event, 'removal', input.requestedAt) : undefined;
          if (check && !check.applies) {
            await ignoreRelated(item.event, check, 'Removal request');
            continue;
          }
          return finish('Declined', `Withdrawn by removal request ${item.event.issueKey} before any access was granted.`, statuses.declined);
        }
        if (item.type === 'change') {
          ignore(item.event, 'a change request arrived before the access was granted');
          await comment(`Change request ${item.event.issueKey} ignored: this request has not been granted yet.`);
          continue;
        }
        const event = item.event;
        if (event.issueKey !== input.issueKey) {
          ignore(event, `status change on ${event.issueKey}, which is not a pending change of this request`);
          continue;
        }
        const verdict = await judge(event, rule);
        if (event.decision === 'Declined' && (verdict.counts || (verdict.confirmed && event.actorAccountId === input.requester.accountId))) {
          closedBy(event, verdict);
          return finish('Declined', `Declined by ${verdict.counts ? verdict.record.email : snapshot.requester!.email}. Nothing was provisioned.`);
        }
        if (!verdict.counts && !verdict.confirmed) {
          await ignoreUnverified(event, verdict.reason, verdict.email);
          continue;
        }
        if (!verdict.counts) {
          ignore(event, verdict.reason, verdict.email, verdict.source);
          await comment(`The ${event.decision.toLowerCase()} decision by ${verdict.email ?? event.actorAccountId} does not count: ${verdict.reason}. The request is back to waiting for approval.`);
          await moveTo(statuses.waitingForApproval);
          continue;
        }
        if (event.decision === 'Denied' || event.decision === 'Revoked') {
          closedBy(event, verdict);
          return finish('Denied', `Denied by ${verdict.record.email} (${verdict.record.as}). Nothing was provisioned.`);
        }
        if (approverIds(snapshot.approvals).includes(personId(verdict.record))) {
          ignore(event, 'this approver has already approved', verdict.record.email, verdict.record.source);
          await comment(`${verdict.record.email} has already approved; another distinct approver is needed.`);
          await moveTo(statuses.waitingForApproval);
          continue;
        }
        snapshot.approvals.push(verdict.record);
        const missing = approvalsMissing(rule.level, approverIds(snapshot.approvals));
        if (missing === 0) break;
        await comment(`Approved by ${verdict.record.email} (${verdict.record.as}). ${missing} more distinct approval${missing > 1 ? 's' : ''} needed from ${approverList(rule)}.`);
        await moveTo(statuses.waitingForApproval);
      }
    }

    // ---- 3. provision ------------------------------------------------------------------------------

    for (let attempt = 1; ; attempt++) {
      setState('Provisioning');
      const acquired = await sendLeases('acquire', `acquire-${attempt}`);
      recordChanges(acquired);
      const failed = acquired.filter((r) => !r.ok);
      if (failed.length === 0) break;

      // Never leave partial access behind a failure: release what this attempt did acquire.
      if (acquired.some((r) => r.ok)) recordChanges(await sendLeases('release', `rollback-${attempt}`));
      const reasons = failed.map((f) => `${groupName(f.groupId)}: ${f.ok ? '' : f.error}`).join('; ');
      setState('ProvisioningFailed');
      snapshot.problem = { message: reasons, since: new Date().toISOString() };
      setCurrentDetails(details(snapshot));
      await comment(`Provisioning failed: ${reasons}. No access was granted. An operator can retry (leasehold request retry ${input.issueKey}) once the cause is fixed.`);
      await moveTo(statuses.failed);
      operatorRetry = undefined;
      const retried = await condition(() => operatorRetry !== undefined || operatorRevoke !== undefined, OPERATOR_RETRY_WINDOW_MS);
      if (!retried || operatorRevoke) {
        return finish('Failed', retried ? `Closed by operator ${operatorRevoke!.operator}: ${operatorRevoke!.reason}.` : 'Closed: provisioning was not retried within 7 days.');
      }
      await comment(`OVERRIDE: operator ${operatorRetry!.operator} retries provisioning: ${operatorRetry!.reason}.`);
    }

    const grantedAt = new Date();
    snapshot.grantedAt = grantedAt.toISOString();
    snapshot.expiresAt = new Date(grantedAt.getTime() + snapshot.grantedDurationMs!).toISOString();
    upsertSearchAttributes([{ key: searchAttributes.expiresAt, value: new Date(snapshot.expiresAt) }]);
    setState('Active');
    const approvedBy = snapshot.autoApproved ? 'auto-approved (low risk)' : `approved by ${snapshot.approvals.map((a) => `${a.email ?? a.accountId} (${a.as})`).join(' and ')}`;
    await comment(
      `Access granted: ${snapshot.requester!.email} ${changesText(snapshot.groupChanges)} in ${rule.connectionName}; ${approvedBy}. ` +
        `Access ends ${snapshot.expiresAt}${snapshot.durationCapped ? ` (capped at the maximum ${rule.level.duration.max})` : ''}.`,
    );
    await moveTo(statuses.granted);
    return undefined;
  }

  // ---- 4. active until expiry, revocation or extension -------------------------------------------

  let revocation: Revocation | undefined;
  while (!revocation) {
    if (resilient && historyTooLong()) await continueRun();
    const remaining = Date.parse(snapshot.expiresAt!) - Date.now();
    const got = remaining <= 0 ? false : await condition(() => inbox.length > 0 || operatorRevoke !== undefined || expiryChanged, remaining);
    if (operatorRevoke) {
      revocation = { reason: 'operator', by: operatorRevoke.operator, requestedAt: operatorRevoke.at };
      break;
    }
    if (!got) {
      if (Date.now() >= Date.parse(snapshot.expiresAt!)) revocation = { reason: 'expired', requestedAt: new Date().toISOString() };
      continue;
    }
    if (expiryChanged) {
      // Reset only once said: an extension made while the grant's own comment was being posted is not lost.
      expiryChanged = false;
      const ext = snapshot.extensions.at(-1)!;
      await comment(`OVERRIDE: access extended by ${ext.by}: it now ends ${snapshot.expiresAt}${ext.capped ? ` (capped at the maximum ${rule.level.duration.max} from the grant)` : ''}.`);
    }
    const item = inbox.shift();
    if (!item) continue;
    if (item.type === 'removal') {
      const check = verifying ? await checkRelated(trust(), item.event, 'removal', input.requestedAt) : undefined;
      if (check && !check.applies) {
        await ignoreRelated(item.event, check, 'Removal request');
        continue;
      }
      revocation = { reason: 'removal-request', issueKey: item.event.issueKey, by: item.event.actorAccountId, requestedAt: check?.facts.createdAt ?? item.event.at };
      break;
    }
    if (item.type === 'change') {
      const check = verifying ? await checkRelated(trust(), item.event, 'change', snapshot.grantedAt!) : undefined;
      if (check && !check.applies) {
        await ignoreRelated(item.event, check, 'Change request');
        continue;
      }
      // The duration Jira has, not the one a signal claims.
      if (check) item.event.duration = check.facts.duration;
      const ms = item.event.duration ? parseDuration(item.event.duration) : undefined;
      if (ms === undefined) {
        ignore(item.event, `the change request has no valid duration (${item.event.duration ?? 'empty'})`);
        await comment(`Change request ${item.event.issueKey} has no valid Duration; nothing changed.`, item.event.issueKey);
        continue;
      }
      pendingExtension = { event: item.event, durationMs: ms, approvals: [] };
      if (isAutoApproved(rule.level)) {
        const capped = capFromGrant(rule, ms);
        applyExtension({ by: 'auto-approved (low risk)', ms: capped.ms, capped: capped.capped, approvals: [], issueKey: item.event.issueKey });
        await closeChange(pendingExtension, 'auto-approved (low risk)');
        pendingExtension = undefined;
      } else {
        await comment(`Change request: extend to ${item.event.duration} from the grant. It needs ${approvalsMissing(rule.level, [])} approval(s) from ${approverList(rule)} on ${item.event.issueKey}.`, item.event.issueKey);
      }
      continue;
    }
    const event = item.event;
    if (event.issueKey === input.issueKey) {
      if (event.decision === 'Revoked' && verifying) {
        const { source, reason, actor } = await confirmStatusChange(trust(), event);
        if (!source) {
          await ignoreUnverified(event, reason!, actor.email);
          continue;
        }
        revocation = { reason: 'revoked-in-jira', by: actor.email ?? event.actorAccountId, issueKey: event.issueKey, requestedAt: source.at, source };
        break;
      }
      if (event.decision === 'Revoked') {
        const facts = await lookups.identifyActor({ jira: policy!.jira, accountId: event.actorAccountId, approverGroups: [] });
        revocation = { reason: 'revoked-in-jira', by: facts.email ?? event.actorAccountId, issueKey: event.issueKey, requestedAt: event.at };
        break;
      }
      ignore(event, `${event.decision} while access is active has no effect`);
      continue;
    }
    if (pendingExtension && event.issueKey === pendingExtension.event.issueKey) {
      const verdict = await judge(event, rule);
      if (!verdict.counts && !verdict.confirmed) {
        await ignoreUnverified(event, verdict.reason, verdict.email, event.issueKey);
        continue;
      }
      if (!verdict.counts) {
        ignore(event, verdict.reason, verdict.email, verdict.source);
        await comment(`The decision by ${verdict.email ?? event.actorAccountId} does not count: ${verdict.reason}.`, event.issueKey);
        await moveTo(statuses.waitingForApproval, event.issueKey);
        continue;
      }
      if (event.decision !== 'Approved') {
        await comment(`Extension ${event.decision.toLowerCase()} by ${verdict.record.email}; access still ends ${snapshot.expiresAt}.`);
        pendingExtension = undefined;
        continue;
      }
      if (!approverIds(pendingExtension.approvals).includes(personId(verdict.record))) pendingExtension.approvals.push(verdict.record);
      const missing = approvalsMissing(rule.level, approverIds(pendingExtension.approvals));
      if (missing > 0) {
        await comment(`Approved by ${verdict.record.email}; ${missing} more distinct approval(s) needed.`, event.issueKey);
        await moveTo(statuses.waitingForApproval, event.issueKey);
        continue;
      }
      const capped = capFromGrant(rule, pendingExtension.durationMs);
      applyExtension({ by: pendingExtension.approvals.map((a) => a.email ?? a.accountId).join(', '), ms: capped.ms, capped: capped.capped, approvals: pendingExtension.approvals, issueKey: event.issueKey });
      await closeChange(pendingExtension, `approved by ${pendingExtension.approvals.map((a) => a.email).join(' and ')}`);
      pendingExtension = undefined;
      continue;
    }
    ignore(event, `status change on ${event.issueKey}, which is not a pending change of this request`);
  }

  /** A long-lived grant's history stays bounded: the run continues as new with everything it knows. */
  function historyTooLong(): boolean {
    const now = workflowInfo();
    return now.continueAsNewSuggested || now.historyLength > (input.maxHistoryEvents ?? MAX_HISTORY_EVENTS);
  }

  /** Continues as new, in the approval wait (with its deadline and next reminder) or while active. */
  async function continueRun(approval?: ContinuedRequest['approval']): Promise<never> {
    await condition(() => allHandlersFinished() && !writeBack.writing);
    const carried: ContinuedRequest = {
      phase: approval ? 'approval' : 'active',
      ...(approval ? { approval } : {}),
      snapshot,
      policy: policy!,
      groups,
      inbox,
      seenEvents: [...seenEvents].slice(-MAX_SEEN_EVENTS),
      answered: [...answered].slice(-MAX_SEEN_EVENTS),
      commentSeq,
      expiryChanged,
      writeBack: writeBack.state,
      pendingExtension,
    };
    return continueAsNew<typeof accessRequestWorkflow>(input, carried);
  }

  async function closeChange(ext: PendingExtension, how: string): Promise<void> {
    const text = `Extension ${how}: access to ${rule.application} (${rule.level.name}) now ends ${snapshot.expiresAt}${snapshot.extensions.at(-1)?.capped ? ` (capped at the maximum ${rule.level.duration.max} from the grant)` : ''}.`;
    await comment(text, ext.event.issueKey);
    await moveTo(statuses.granted, ext.event.issueKey);
    await comment(`${text} (change request ${ext.event.issueKey})`);
  }

  // ---- 5. revoke ---------------------------------------------------------------------------------

  snapshot.revocation = revocation;
  setState('Revoking');
  let alerted = false;
  const released = sendLeases('release', 'revoke');
  // While the release keeps failing it is retried forever; operators are alerted once, then it goes on.
  for (;;) {
    const done = await Promise.race([released.then(() => true), condition(() => snapshot.problem !== undefined && !alerted).then(() => false)]);
    if (done) break;
    alerted = true;
    setState('RevocationFailing');
    snapshot.problem ??= { message: 'revocation is failing', since: new Date().toISOString() };
    await comment(`ALERT: revoking this access keeps failing (${snapshot.problem?.message}). Leasehold keeps retrying; operators can filter LeaseholdState = "RevocationFailing".`);
  }
  const releaseResults = await released;
  recordChanges(releaseResults);
  revocation.completedAt = new Date().toISOString();
  if (revocation.issueKey && revocation.reason === 'removal-request') {
    await comment(`Access removed as requested: ${changesText(snapshot.groupChanges.slice(-releaseResults.length))}.`, revocation.issueKey);
    await moveTo(statuses.revoked, revocation.issueKey);
  }
  const expired = revocation.reason === 'expired';
  return finish(
    expired ? 'Expired' : 'Revoked',
    `Access ${expired ? 'expired' : `revoked (${revocationText(revocation)})`}: ${snapshot.requester!.email} ${changesText(snapshot.groupChanges.slice(-releaseResults.length))}. The evidence record is attached.`,
    expired ? statuses.expired : statuses.revoked,
  );
}

// ---- pure helpers ------------------------------------------------------------------------------

function requireOperator(action: OperatorAction): void {
  if (!action.operator?.trim()) throw new Error('an operator name is required');
  if (!action.reason?.trim()) throw new Error('a reason is required');
}

function personId(a: ApprovalRecord): string {
  return (a.email ?? a.accountId).toLowerCase();
}

function approverIds(approvals: ApprovalRecord[]): string[] {
  return approvals.map(personId);
}

function approverList(rule: PinnedRule): string {
  return rule.level.approval.approvers
    .map((a) => (a === 'manager' ? 'the manager' : a === 'app-owner' ? `the application owner (${rule.owner})` : 'user' in a ? a.user : `a member of ${a.group}`))
    .join(', ');
}

function describeAccess(rule: PinnedRule, ms: number): string {
  return `${rule.application} (${rule.level.name}) → ${rule.connection.type} ${rule.level.groups.join(', ')} for ${formatDuration(ms)}`;
}

function changesText(changes: RequestSnapshot['groupChanges']): string {
  const verb: Record<string, string> = { added: 'added to', 'already-member': 'already in', restored: 're-added to', removed: 'removed from', kept: 'kept in' };
  return changes.map((c) => `${verb[c.action]} ${c.group}${c.action === 'kept' || c.action === 'already-member' ? ` (${c.reason})` : ''}`).join(', ');
}

function revocationText(r: Revocation): string {
  switch (r.reason) {
    case 'operator':
      return `by operator ${r.by}`;
    case 'removal-request':
      return `by removal request ${r.issueKey}`;
    case 'revoked-in-jira':
      return `in Jira by ${r.by}`;
    default:
      return 'at expiry';
  }
}

function details(s: RequestSnapshot): string {
  const lines = [`**${s.issueKey}** — ${s.state}`];
  if (s.requester) lines.push(`requester: ${s.requester.email}`);
  if (s.rule) lines.push(`access: ${s.rule.application} (${s.rule.level.name}) → ${s.rule.connectionName}: ${s.rule.level.groups.join(', ')}`);
  if (s.approvals.length) lines.push(`approved by: ${s.approvals.map((a) => `${a.email ?? a.accountId} (${a.as})`).join(', ')}`);
  if (s.autoApproved) lines.push('auto-approved (low risk)');
  if (s.expiresAt) lines.push(`expires: ${s.expiresAt}`);
  if (s.problem) lines.push(`problem: ${s.problem.message}`);
  if (s.jiraWriteBack?.failing) lines.push(`Jira write-back failing since ${s.jiraWriteBack.failing.since} (${s.jiraWriteBack.pending} pending): ${s.jiraWriteBack.failing.error}`);
  return lines.join('\n\n');
}
