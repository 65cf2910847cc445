import {
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { ConnectorError } from '../connectors/connector-error';
import { receiptFor, receiptKey } from '../connectors/jira/delivery-receipt';
import type { JiraGateway } from '../connectors/jira/jira-gateway';
import { formatDuration, parseDuration } from '../policy/duration';
import { findRule } from '../policy/lookup';
import type { JiraConnection, RulesDocument } from '../policy/schema';
import {
  changeRequestedSignal,
  removalRequestedSignal,
  statusChangedSignal,
} from '../workflows/access-request/messages';
import type { AccessRequestInput, StatusChange } from '../workflows/access-request/types';
import type { accessRequestWorkflow } from '../workflows/access-request/workflow';
import { accessRequestWorkflowId } from '../workflows/ids';
import { searchAttributes } from '../workflows/search-attributes';
import { FieldResolver } from './field-resolver';
import { JiraPeople } from './jira-people';
import type { JiraWebhook } from './jira-payload';
import { classifyEvent, type MappedIssue } from './request-mapping';
import { deliverReviewDecision } from './review-routing';

export interface DispatchResult {
  /** 200: acted on; 202: accepted and deliberately ignored (with the reason). */
  status: 200 | 202;
  outcome: string;
  reason?: string;
  workflowId?: string;
}

/** Temporal or Jira cannot be reached: the webhook answers 503 so Jira delivers it again later. */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
}

export interface DispatcherDeps {
  client: Client;
  taskQueue: string;
  jira: (connection: JiraConnection) => JiraGateway;
}

/**
 * Turns a verified, parsed Jira event into Temporal starts and signals. Every action is idempotent:
 * workflow ids come from issue keys, and signals carry the webhook identifier the workflow dedupes on.
 * The caller bounds the Temporal calls (`client.withDeadline`), so an unreachable Temporal is a quick 503.
 */
export class Dispatcher {
  private readonly fields = new FieldResolver();
  private readonly people = new JiraPeople();

  constructor(private readonly deps: DispatcherDeps) {}

  /** `rules`: the rules in force, as read (and used to authenticate the delivery) by the server. */
  async dispatch(payload: JiraWebhook, eventId: string, rules: RulesDocument): Promise<DispatchResult> {
    const jiraConnection = rules.connections[rules.portal.connection] as JiraConnection;
    const jira = this.deps.jira(jiraConnection);

    const fieldIds = await this.jiraCall(() => this.fields.resolve(jira, rules.portal));
    const event = classifyEvent(payload, rules.portal, fieldIds);
    if (event.action === 'ignore') return { status: 202, outcome: 'ignored', reason: event.reason };

    const actor = payload.user?.accountId;
    if (actor && actor === (await this.botAccountId(jira))) {
      return { status: 202, outcome: 'ignored', reason: "Leasehold's own change" };
    }

    if (event.action === 'created') {
      if (event.issue.kind === 'access') return this.startRequest(event.issue, rules, jira);
      return this.routeRelated(event.issue, 'created', rules, jira, async (workflowId) => {
        const handle = this.deps.client.workflow.getHandle(workflowId);
        const base = {
          eventId,
          issueKey: event.issue.input.issueKey,
          actorAccountId: event.issue.input.requester.accountId,
          at: new Date().toISOString(),
        };
        if (event.issue.kind === 'removal') await handle.signal(removalRequestedSignal, base);
        else await handle.signal(changeRequestedSignal, { ...base, duration: event.issue.input.duration });
      });
    }

    // A status change counts only if the issue had not moved on by the time it arrived: the receipt
    // says when that was, and the workflow judges it against the changelog it reads to confirm it.
    const issueKey = event.action === 'review' ? event.issueKey : event.issue.input.issueKey;
    const change = {
      issueKey,
      status: event.status,
      actorAccountId: event.actorAccountId,
      at: new Date(payload.timestamp ?? Date.now()).toISOString(),
      // The workflow confirms this entry in the issue's changelog before the decision counts.
      ...(payload.changelog?.id ? { changelogId: payload.changelog.id } : {}),
    };
    const key = receiptKey(jiraConnection);
    const claim = { eventId, ...change, ...(key ? { received: receiptFor(key, change, new Date()) } : {}) };
    if (event.action === 'review')
      return this.temporal(() =>
        deliverReviewDecision(this.deps.client, { ...claim, decision: event.decision }, payload.issue.fields.created),
      );
    const decision: StatusChange = { ...claim, decision: event.decision };
    if (event.issue.kind === 'access') return this.signalRequest(event.issue, decision, rules, jira);
    return this.routeRelated(event.issue, 'status', rules, jira, (workflowId) =>
      this.deps.client.workflow.getHandle(workflowId).signal(statusChangedSignal, decision),
    );
  }

  private startOptions(issue: MappedIssue, rules: RulesDocument, requesterLabel: string) {
    const input = issue.input;
    return {
      workflowId: accessRequestWorkflowId(input.issueKey),
      taskQueue: this.deps.taskQueue,
      args: [input] as [AccessRequestInput],
      // A closed request is never started again by a late or replayed delivery.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: searchAttributes.jiraKey, value: input.issueKey },
        { key: searchAttributes.requester, value: requesterLabel },
        { key: searchAttributes.application, value: input.application ?? '(none)' },
        { key: searchAttributes.accessLevel, value: input.accessType ?? '(none)' },
        { key: searchAttributes.state, value: 'Resolving' },
      ],
      staticSummary: summarize(input, rules, requesterLabel),
      staticDetails: input.justification ? `Justification: ${input.justification}` : undefined,
    };
  }

  private async startRequest(issue: MappedIssue, rules: RulesDocument, jira: JiraGateway): Promise<DispatchResult> {
    const label = await this.requesterLabel(issue, rules, jira);
    const options = this.startOptions(issue, rules, label);
    try {
      // A running or closed run of this issue fails the start (the default conflict policy, and
      // REJECT_DUPLICATE): a redelivered create is reported as the duplicate it is.
      await this.temporal(() =>
        this.deps.client.workflow.start<typeof accessRequestWorkflow>('accessRequestWorkflow', options),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        return { status: 200, outcome: 'duplicate', workflowId: options.workflowId, reason: 'request already handled' };
      throw err;
    }
    return { status: 200, outcome: 'started', workflowId: options.workflowId };
  }

  private async signalRequest(
    issue: MappedIssue,
    change: StatusChange,
    rules: RulesDocument,
    jira: JiraGateway,
  ): Promise<DispatchResult> {
    const label = await this.requesterLabel(issue, rules, jira);
    const options = this.startOptions(issue, rules, label);
    try {
      // Signal-with-start: a status change delivered before its issue_created still lands.
      await this.temporal(() =>
        this.deps.client.workflow.signalWithStart<typeof accessRequestWorkflow, [StatusChange]>(
          'accessRequestWorkflow',
          {
            ...options,
            signal: statusChangedSignal,
            signalArgs: [change],
          },
        ),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        return {
          status: 202,
          outcome: 'ignored',
          workflowId: options.workflowId,
          reason: 'the request is already closed',
        };
      throw err;
    }
    return { status: 200, outcome: 'signalled', workflowId: options.workflowId };
  }

  /**
   * Removal and change requests go to the running grant of the same person, application and level,
   * once: a request some grant already consumed (a redelivery, a replay) is answered as a duplicate,
   * and later status changes of it (the approval of a change) go to that grant. The grant's workflow
   * confirms the request in Jira and that it was raised while it applied.
   */
  private async routeRelated(
    issue: MappedIssue,
    what: 'created' | 'status',
    rules: RulesDocument,
    jira: JiraGateway,
    deliver: (workflowId: string) => Promise<void>,
  ): Promise<DispatchResult> {
    const consumer = await this.consumerOf(issue.input.issueKey);
    if (consumer && what === 'created')
      return {
        status: 200,
        outcome: 'duplicate',
        workflowId: consumer,
        reason: `${issue.input.issueKey} was already applied by ${consumer}`,
      };
    if (consumer) {
      try {
        await this.temporal(() => deliver(consumer));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError)
          return {
            status: 202,
            outcome: 'ignored',
            workflowId: consumer,
            reason: `${consumer}, which ${issue.input.issueKey} applied to, is closed`,
          };
        throw err;
      }
      return { status: 200, outcome: 'routed', workflowId: consumer };
    }
    const label = await this.requesterLabel(issue, rules, jira);
    const { application, accessType } = issue.input;
    const query = [
      `WorkflowType = 'accessRequestWorkflow'`,
      `ExecutionStatus = 'Running'`,
      `${searchAttributes.requester.name} = ${quote(label)}`,
      `${searchAttributes.application.name} = ${quote(application ?? '')}`,
      `${searchAttributes.accessLevel.name} = ${quote(accessType ?? '')}`,
    ].join(' AND ');
    const candidates: Array<{ workflowId: string; state?: string; started: number }> = [];
    await this.temporal(async () => {
      for await (const wf of this.deps.client.workflow.list({ query })) {
        const state = wf.typedSearchAttributes.get(searchAttributes.state);
        candidates.push({ workflowId: wf.workflowId, state, started: wf.startTime.getTime() });
      }
    });
    const target = candidates.sort(
      (a, b) => Number(b.state === 'Active') - Number(a.state === 'Active') || b.started - a.started,
    )[0];
    if (!target) {
      await this.jiraCall(() =>
        jira.addComment(
          issue.input.issueKey,
          `Leasehold found no open grant of ${application ?? '(no application)'} (${accessType ?? '(no access type)'}) for ${label}; nothing was changed.`,
        ),
      ).catch(() => undefined);
      return {
        status: 202,
        outcome: 'ignored',
        reason: `no open grant of ${application} (${accessType}) for ${label}`,
      };
    }
    await this.temporal(() => deliver(target.workflowId));
    return { status: 200, outcome: 'routed', workflowId: target.workflowId };
  }

  /** The request (running or closed) that consumed this removal or change request, if any. */
  private async consumerOf(issueKey: string): Promise<string | undefined> {
    return this.temporal(async () => {
      for await (const wf of this.deps.client.workflow.list({
        query: `${searchAttributes.relatedIssues.name} = ${quote(issueKey)}`,
        pageSize: 1,
      }))
        return wf.workflowId;
      return undefined;
    });
  }

  /** The requester as operators search for them: their email when Jira (or the overrides) tell it, else the accountId. */
  private async requesterLabel(issue: MappedIssue, rules: RulesDocument, jira: JiraGateway): Promise<string> {
    const accountId = issue.input.requester.accountId;
    return rules.portal.emailOverrides[accountId] ?? (await this.jiraCall(() => this.people.label(jira, accountId)));
  }

  private botAccountId(jira: JiraGateway): Promise<string> {
    return this.jiraCall(() => this.people.botAccountId(jira));
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUnavailable(err)) throw new DependencyUnavailableError(`Temporal is unavailable (${what})`);
      throw err;
    }
  }

  private temporal<T>(fn: () => Promise<T>): Promise<T> {
    return this.guard('start or signal', fn);
  }

  private async jiraCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ConnectorError && err.kind !== 'permanent') throw new DependencyUnavailableError(err.message);
      throw err;
    }
  }
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The run's one-line summary in the Temporal UI, e.g. `ACCESS-12: alice@example.com → okta jira-software-users (User) for 1d`. */
export function summarize(input: AccessRequestInput, rules: RulesDocument, requester: string): string {
  const { app, level } = findRule(rules, input.application, input.accessType);
  if (!app || !level)
    return `${input.issueKey}: ${requester} → ${input.application ?? '?'} (${input.accessType ?? '?'}): no rule, manual handling`;
  const requested = input.duration ? parseDuration(input.duration) : undefined;
  const duration = requested ? formatDuration(requested) : `${level.duration.default} (default)`;
  return `${input.issueKey}: ${requester} → ${level.connection} ${level.groups.join(', ')} (${level.name}) for ${duration}`;
}

export function isUnavailable(err: unknown): boolean {
  const grpcCodes = new Set<number>([
    grpcStatus.UNAVAILABLE,
    grpcStatus.DEADLINE_EXCEEDED,
    grpcStatus.RESOURCE_EXHAUSTED,
  ]);
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (isGrpcServiceError(e) && grpcCodes.has(e.code)) return true;
    if (e instanceof ServiceError && /unavailable|connect|deadline/i.test(e.message)) return true;
    if (e instanceof Error && /ECONNREFUSED|UNAVAILABLE|Deadline exceeded|connection/i.test(e.message)) return true;
  }
  return false;
}
