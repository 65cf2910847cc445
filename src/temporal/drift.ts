import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import { DRIFT_WORKFLOW_ID } from '../workflows/ids';
import { driftStateQuery, reconcileNowUpdate } from '../workflows/drift/messages';
import type { DriftState, ReconciliationSummary } from '../workflows/drift/types';

/**
 * The client side of drift detection: the watch starts with the first rules applied (it reconciles the
 * groups they manage), and `leasehold drift` reads it or asks for a pass now.
 */
export class DriftWatch {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  private get handle() {
    return this.client.workflow.getHandle(DRIFT_WORKFLOW_ID);
  }

  /** Starts the watch unless it runs already. */
  async ensure(): Promise<void> {
    await this.client.workflow.start('driftWorkflow', {
      workflowId: DRIFT_WORKFLOW_ID,
      taskQueue: this.taskQueue,
      args: [],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      staticSummary: 'Drift detection: managed groups reconciled with their directories',
    });
  }

  async state(): Promise<DriftState> {
    return this.handle.query(driftStateQuery);
  }

  /** Runs a reconciliation now and answers with its summary (starting the watch if needed). */
  async reconcileNow(operator: string): Promise<ReconciliationSummary> {
    await this.ensure();
    return this.handle.executeUpdate(reconcileNowUpdate, { args: [{ operator }] });
  }
}
