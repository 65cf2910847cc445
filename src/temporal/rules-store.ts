import { WithStartWorkflowOperation, WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import { POLICY_WORKFLOW_ID } from '../workflows/ids';
import { DriftWatch } from './drift';
import { Reclaims } from './reclaim';
import { Reviews } from './reviews';
import { policyTaskQueue } from '../workflows/task-queues';
import {
  activeVersionQuery,
  approveRulesUpdate,
  currentRulesQuery,
  pendingRulesQuery,
  rulesHistoryQuery,
  rulesVersionQuery,
  submitRulesUpdate,
} from '../workflows/policy/messages';
import type { RulesVersion, RulesVersionSummary, SubmitResult, Submission } from '../workflows/policy/types';

/**
 * The client side of the policy workflow: where the CLI submits rules and where the worker and the
 * webhook starter read the rules in force. Reads are cached briefly (the webhook path reads per event),
 * one at a time (callers arriving meanwhile share it), and once a version is held, a read asks only
 * which version is in force: the document (hundreds of KB for large rules) is fetched again only when
 * that changed. Rereading the whole document every second was most of a busy worker's garbage.
 */
export class RulesStore {
  private cached?: { at: number; value: RulesVersion | undefined };
  private reading?: Promise<RulesVersion | undefined>;
  private generation = 0;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly cacheMs = 2_000,
  ) {}

  private get handle() {
    return this.client.workflow.getHandle(POLICY_WORKFLOW_ID);
  }

  /** Submits (starting the policy workflow if it is not running). Throws with every problem when rejected. */
  async submit(submission: Submission): Promise<SubmitResult> {
    const result = await this.client.workflow.executeUpdateWithStart(submitRulesUpdate, {
      args: [submission],
      startWorkflowOperation: new WithStartWorkflowOperation('policyWorkflow', {
        workflowId: POLICY_WORKFLOW_ID,
        taskQueue: policyTaskQueue(this.taskQueue),
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [],
        staticSummary: 'Leasehold rules in force (submit with `leasehold rules apply`)',
      }),
    });
    this.forget();
    // The groups these rules manage are reconciled with their directories from now on (see drift.ts).
    await new DriftWatch(this.client, this.taskQueue).ensure();
    // The daily inactivity sweep (it reclaims only for levels with a `reclaim` policy).
    await new Reclaims(this.client, this.taskQueue).ensureSchedule();
    await this.syncReviewSchedules();
    return result;
  }

  async approve(version: number, approvedBy: string): Promise<RulesVersionSummary> {
    const result = await this.handle.executeUpdate(approveRulesUpdate, { args: [{ version, approvedBy }] });
    this.forget();
    await this.syncReviewSchedules();
    return result;
  }

  /** After a change made here: the next read asks afresh (a read in flight may predate the change). */
  private forget(): void {
    this.cached = undefined;
    this.reading = undefined;
    this.generation++;
  }

  /** Each review campaign with a recurrence has its Schedule, as the rules in force say (see reviews.ts). */
  private async syncReviewSchedules(): Promise<void> {
    await new Reviews(this.client, this.taskQueue).syncSchedules((await this.current())?.rules);
  }

  /** The active rules, or undefined when none were ever applied. */
  async current(): Promise<RulesVersion | undefined> {
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return this.cached.value;
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<RulesVersion | undefined> {
    const generation = this.generation;
    const held = this.cached?.value;
    let value: RulesVersion | undefined;
    try {
      value = held && (await this.stillInForce(held)) ? held : await this.handle.query(currentRulesQuery);
    } catch (err) {
      if (isNotFound(err)) value = undefined;
      else throw err;
    }
    // A read that began before a change made here (see forget) is not kept.
    if (generation === this.generation) this.cached = { at: Date.now(), value };
    return value;
  }

  /** Whether the version held is still the one in force (a policy run from before the query: no). */
  private async stillInForce(held: RulesVersion): Promise<boolean> {
    const active = await this.handle.query(activeVersionQuery).catch((err: unknown) => {
      if (isNotFound(err) || !/did not register a handler/i.test(String(err))) throw err;
      return undefined;
    });
    return active?.version === held.version && active.digest === held.digest;
  }

  async version(version: number): Promise<RulesVersion | undefined> {
    return this.handle.query(rulesVersionQuery, version);
  }

  async history(): Promise<RulesVersionSummary[]> {
    try {
      return await this.handle.query(rulesHistoryQuery);
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
  }

  async pending(): Promise<RulesVersion | undefined> {
    return this.handle.query(pendingRulesQuery);
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && (err.name === 'WorkflowNotFoundError' || /not found/i.test(err.message));
}
