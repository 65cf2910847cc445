import {
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { decidePatchesAtStart } from '../patches';
import type { PinnedPolicy } from '../../activities/contract';
import { parseDuration } from '../../policy/duration';
import { leaseEndedSignal, leaseOutcomeSignal, leaseTroubleSignal } from '../group-lease/messages';
import type { LeaseEnded } from '../group-lease/types';
import type { LeaseOutcome } from '../group-lease/types';
import { searchAttributes } from '../search-attributes';
import { legacyJira } from './activities';
import { details } from './details';
import { ExpiryTimer } from './expiry';
import { retryReleasesNow } from './leases';
import {
  changeRequestedSignal,
  extendUpdate,
  removalRequestedSignal,
  retryProvisioningUpdate,
  retryRevocationUpdate,
  revokeNowUpdate,
  stateQuery,
  statusChangedSignal,
  type OperatorAction,
} from './messages';
import { audit } from './sinks';
import type { TrustContext } from './verification';
import type { SlackSide } from './slack';
import { JiraWriteBack } from './write-back';
import type {
  AccessRequestInput,
  ContinuedRequest,
  Inbound,
  PendingExtension,
  OperatorOverride,
  PinnedRule,
  RequestSnapshot,
  RequestState,
} from './types';

const ENDED: readonly RequestState[] = [
  'ManualHandling',
  'Denied',
  'Declined',
  'ApprovalExpired',
  'Expired',
  'Revoked',
  'Failed',
];

/**
 * One run of an access request: everything it knows (carried whole across continue-as-new), the
 * handlers of its signals, query and updates, and the few primitives every step uses (state, Jira
 * write-back). Handlers only record; the lifecycle (workflow.ts) judges and acts.
 */
export class RequestRun {
  readonly info = workflowInfo();
  readonly snapshot: RequestSnapshot;
  /** Decisions and requests in arrival order (signals only enqueue; each event id is taken once). */
  readonly inbox: Inbound[];
  readonly seenEvents: Set<string>;
  /** Ignored decisions already answered in Jira (each kind is said once). */
  readonly answered: Set<string>;
  /** Outcomes of lease operations, signalled back by the group-lease workflows. */
  readonly outcomes = new Map<string, LeaseOutcome>();
  operatorRevoke?: OperatorAction & { at: string };
  /** A decision removed the membership under the grant (an inactivity reclaim, a review's revoke). */
  leaseEnded?: LeaseEnded;
  operatorRetry?: OperatorAction & { at: string };
  policy?: PinnedPolicy;
  /** Approvals in Slack: the messages sent for this request, and their updates (see slack.ts). */
  slack?: SlackSide;
  groups: Array<{ id: string; name: string }>;
  pendingExtension?: PendingExtension;
  commentSeq: number;
  readonly expiry: ExpiryTimer;
  /** Runs from before decisions were verified at their source replay without it. */
  readonly verifying: boolean;
  /** Runs from before Jira write-back went beside the lifecycle (and lookups waited out outages) replay without it. */
  readonly resilient: boolean;
  readonly writeBack: JiraWriteBack;

  constructor(
    readonly input: AccessRequestInput,
    readonly continued?: ContinuedRequest,
  ) {
    this.snapshot = continued?.snapshot ?? {
      workflowId: this.info.workflowId,
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
    this.inbox = continued?.inbox ?? [];
    this.seenEvents = new Set(continued?.seenEvents ?? []);
    this.answered = new Set(continued?.answered ?? []);
    this.policy = continued?.policy;
    this.groups = continued?.groups ?? [];
    this.pendingExtension = continued?.pendingExtension;
    this.commentSeq = continued?.commentSeq ?? 0;
    this.expiry = new ExpiryTimer(this.snapshot, () => this.showDetails(), continued?.expiryChanged ?? false);
    this.registerHandlers();
    this.verifying = patched('decisions-verified-at-source');
    this.resilient = patched('outages-waited-out');
    decidePatchesAtStart(['decision-check-local', 'lease-handoff-local', 'expiry-from-access-start']);
    this.writeBack = new JiraWriteBack(
      continued?.writeBack ?? { pending: [], done: 0 },
      () => this.policy?.jira,
      () => {
        const { pending, done, failing } = this.writeBack.state;
        this.snapshot.jiraWriteBack = { pending: pending.length, done, failing };
        this.showDetails();
      },
    );
    this.showDetails();
    if (continued) {
      this.writeBack.start();
      audit.stateChanged(this.snapshot); // the evidence of a continued run is whole from its first event
    }
  }

  get rule(): PinnedRule {
    return this.snapshot.rule!;
  }

  get statuses(): PinnedPolicy['outcomes'] {
    return this.policy!.outcomes;
  }

  get ended(): boolean {
    return ENDED.includes(this.snapshot.state);
  }

  trust(): TrustContext {
    return { input: this.input, snapshot: this.snapshot, policy: this.policy! };
  }

  groupName(groupId: string): string {
    return this.groups.find((g) => g.id === groupId)?.name ?? groupId;
  }

  showDetails(): void {
    setCurrentDetails(details(this.snapshot));
  }

  setState(state: RequestState): void {
    // A problem belongs to the step that had it; entering a new step clears it (failing states keep theirs).
    const failing = state === 'RevocationFailing' || state === 'ProvisioningFailed';
    if (state !== this.snapshot.state && !failing) this.snapshot.problem = undefined;
    this.snapshot.state = state;
    upsertSearchAttributes([{ key: searchAttributes.state, value: state }]);
    this.showDetails();
    audit.stateChanged(this.snapshot);
  }

  /** The latest trouble an operator should see, on the run and in the state query. */
  showProblem(problem: RequestSnapshot['problem']): void {
    this.snapshot.problem = problem;
    this.showDetails();
  }

  async comment(text: string, issueKey = this.input.issueKey): Promise<void> {
    const dedupeKey = `${this.info.workflowId}/${++this.commentSeq}`;
    if (!this.policy) return;
    if (this.resilient) return this.writeBack.enqueue({ kind: 'comment', issueKey, text, dedupeKey });
    await legacyJira.commentOnIssue({ jira: this.policy.jira, issueKey, text, dedupeKey }).catch((err: unknown) => {
      log.error('Jira comment failed after retries; continuing', { issueKey, error: String(err) });
    });
  }

  async moveTo(status: string, issueKey = this.input.issueKey): Promise<void> {
    if (!this.policy) return;
    if (this.resilient) return this.writeBack.enqueue({ kind: 'transition', issueKey, toStatus: status });
    await legacyJira.transitionIssue({ jira: this.policy.jira, issueKey, toStatus: status }).catch((err: unknown) => {
      log.error('Jira transition failed after retries; continuing', { issueKey, status, error: String(err) });
    });
  }

  /** An operator action on the request (extend and retry widen access beyond what Jira decided): always in the evidence. */
  private override(kind: OperatorOverride['action'], action: OperatorAction, detail: string): void {
    const at = new Date().toISOString();
    (this.snapshot.overrides ??= []).push({
      action: kind,
      operator: action.operator,
      reason: action.reason,
      at,
      detail,
    });
  }

  private accept(event: { eventId: string }): boolean {
    if (this.seenEvents.has(event.eventId)) return false;
    this.seenEvents.add(event.eventId);
    return true;
  }

  private registerHandlers(): void {
    const s = this.snapshot;
    setHandler(statusChangedSignal, (event) => void (this.accept(event) && this.inbox.push({ type: 'status', event })));
    setHandler(
      removalRequestedSignal,
      (event) => void (this.accept(event) && this.inbox.push({ type: 'removal', event })),
    );
    setHandler(
      changeRequestedSignal,
      (event) => void (this.accept(event) && this.inbox.push({ type: 'change', event })),
    );
    setHandler(leaseOutcomeSignal, (outcome) => void this.outcomes.set(outcome.opId, outcome));
    setHandler(leaseEndedSignal, (ended) => void (this.leaseEnded ??= ended));
    setHandler(leaseTroubleSignal, (trouble) => {
      const message = `${trouble.kind} in ${this.groupName(trouble.groupId)}: ${trouble.error}`;
      s.problem = { message, since: trouble.since, attempts: trouble.attempts };
    });
    setHandler(stateQuery, () => s);
    setHandler(
      revokeNowUpdate,
      (action) => {
        this.operatorRevoke ??= { ...action, at: new Date().toISOString() };
        return s;
      },
      {
        validator: (action) => {
          requireOperator(action);
          if (this.ended || s.state === 'Revoking' || s.state === 'RevocationFailing') {
            throw new Error(`cannot revoke: the request is ${s.state}`);
          }
        },
      },
    );
    setHandler(
      extendUpdate,
      (action) => {
        const { ms, capped } = this.expiry.capFromGrant(this.rule, parseDuration(action.duration)!);
        this.expiry.extend({ by: `operator ${action.operator}: ${action.reason}`, ms, capped, approvals: [] }, true);
        this.override('extend', action, `access extended to ${s.expiresAt}${capped ? ' (capped at the maximum)' : ''}`);
        return s;
      },
      {
        validator: (action) => {
          requireOperator(action);
          if (this.policy?.settings?.allowOperatorExtensions === false) {
            throw new Error('operator extensions are forbidden by the rules (settings.allowOperatorExtensions: false)');
          }
          if (s.state !== 'Active') throw new Error(`cannot extend: the request is ${s.state}, not Active`);
          if (parseDuration(action.duration) === undefined) throw new Error(`"${action.duration}" is not a duration`);
        },
      },
    );
    setHandler(
      retryProvisioningUpdate,
      (action) => {
        this.operatorRetry = { ...action, at: new Date().toISOString() };
        this.override('retry', action, 'provisioning retried after it failed');
        return s;
      },
      {
        validator: (action) => {
          requireOperator(action);
          if (s.state !== 'ProvisioningFailed') throw new Error(`nothing to retry: the request is ${s.state}`);
        },
      },
    );
    setHandler(
      retryRevocationUpdate,
      async (action) => {
        this.override('retry-revocation', action, `revocation retried now (${s.problem?.message ?? 'failing'})`);
        await retryReleasesNow(this, action);
        return s;
      },
      {
        validator: (action) => {
          requireOperator(action);
          if (s.state !== 'RevocationFailing' && s.state !== 'Revoking')
            throw new Error(`no revocation to retry: the request is ${s.state}`);
        },
      },
    );
  }
}

function requireOperator(action: OperatorAction): void {
  if (!action.operator?.trim()) throw new Error('an operator name is required');
  if (!action.reason?.trim()) throw new Error('a reason is required');
}
