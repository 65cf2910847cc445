import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { RECLAIM_SCHEDULE_ID } from '../workflows/ids';
import type { ReclaimRecord, SweepSummary } from '../workflows/reclaim/types';

export interface ReclaimView {
  workflowId: string;
  status: string;
  startedAt?: string;
  /** The evidence, once the reclaim ended. */
  record?: ReclaimRecord;
}

/**
 * The client side of inactivity reclaim: the daily Schedule (created with the first rules; a sweep with
 * no `reclaim` policy in the rules finds nothing to do), a sweep now, and the reclaims under way or done.
 */
export class Reclaims {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async ensureSchedule(): Promise<void> {
    try {
      await this.client.schedule.create({
        scheduleId: RECLAIM_SCHEDULE_ID,
        spec: { intervals: [{ every: '1 day' }] },
        action: { type: 'startWorkflow', workflowType: 'reclaimSweepWorkflow', taskQueue: this.taskQueue, args: [] },
        // A sweep still running when the next is due: the next is skipped. A day of outage: caught up once.
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
        state: { note: 'Leasehold inactivity reclaim: the reclaim policies of the rules in force, daily' },
      });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }

  /** A sweep now (`leasehold reclaim run`), answered with what it started. */
  async sweepNow(operator: string): Promise<SweepSummary & { workflowId: string }> {
    const workflowId = `reclaim-sweep-${new Date().toISOString()}`;
    const summary: SweepSummary = await this.client.workflow.execute('reclaimSweepWorkflow', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [],
      staticSummary: `inactivity sweep asked by ${operator}`,
    });
    return { ...summary, workflowId };
  }

  async list(): Promise<ReclaimView[]> {
    const views: ReclaimView[] = [];
    for await (const wf of this.client.workflow.list({ query: `WorkflowType = 'reclaimWorkflow'` })) {
      const view: ReclaimView = {
        workflowId: wf.workflowId,
        status: wf.status.name,
        ...(wf.startTime ? { startedAt: wf.startTime.toISOString() } : {}),
      };
      if (wf.status.name === 'COMPLETED')
        view.record = await this.client.workflow.getHandle<() => Promise<ReclaimRecord>>(wf.workflowId).result();
      views.push(view);
    }
    return views;
  }
}
