import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { parseDuration } from '../policy/duration';
import type { RulesDocument } from '../policy/schema';
import { reviewCampaignWorkflowId, reviewScheduleId } from '../workflows/ids';
import { campaignStateQuery } from '../workflows/review/messages';
import type { CampaignRecord, CampaignState } from '../workflows/review/types';

export interface CampaignView {
  workflowId: string;
  status: string;
  state?: CampaignState;
  /** The evidence, once the campaign ended. */
  record?: CampaignRecord;
}

const SCHEDULE_PREFIX = reviewScheduleId('');

/**
 * The client side of access reviews: one Schedule per campaign with a recurrence (kept in step with the
 * rules in force), a campaign started now, and the latest run of a campaign with its items.
 */
export class Reviews {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Creates, updates or deletes the campaigns' Schedules to match the rules. */
  async syncSchedules(rules: RulesDocument | undefined): Promise<void> {
    const wanted = new Map((rules?.reviews ?? []).filter((c) => c.every).map((c) => [reviewScheduleId(c.name), c]));
    for await (const s of this.client.schedule.list())
      if (s.scheduleId.startsWith(SCHEDULE_PREFIX) && !wanted.has(s.scheduleId))
        await this.client.schedule.getHandle(s.scheduleId).delete();
    for (const [scheduleId, campaign] of wanted) {
      const action = {
        type: 'startWorkflow' as const,
        workflowType: 'reviewCampaignWorkflow',
        workflowId: `review-${campaign.name}`,
        taskQueue: this.taskQueue,
        args: [{ campaign: campaign.name, startedBy: `schedule ${scheduleId}` }],
      };
      const spec = { intervals: [{ every: parseDuration(campaign.every!)! }] };
      try {
        await this.client.schedule.create({
          scheduleId,
          spec,
          action,
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
          state: { note: `Leasehold access review "${campaign.name}", every ${campaign.every}` },
        });
      } catch (err) {
        if (!(err instanceof ScheduleAlreadyRunning)) throw err;
        await this.client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action }));
      }
    }
  }

  /** A campaign now (`leasehold review start NAME`): its workflow id. */
  async start(campaign: string, operator: string): Promise<string> {
    const workflowId = reviewCampaignWorkflowId(campaign, new Date().toISOString());
    await this.client.workflow.start('reviewCampaignWorkflow', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [{ campaign, startedBy: operator }],
      staticSummary: `access review ${campaign}, started by ${operator}`,
    });
    return workflowId;
  }

  /** The campaign's latest run: its live state while it runs, its record once it ended. */
  async latest(campaign: string): Promise<CampaignView | undefined> {
    const prefix = `review-${campaign}-`;
    let newest: { workflowId: string; status: string; start: number } | undefined;
    for await (const wf of this.client.workflow.list({
      query: `WorkflowType = 'reviewCampaignWorkflow' AND WorkflowId STARTS_WITH '${prefix}'`,
    })) {
      // `review-q-…` must not find `review-q-2-…`: the rest of the id is the start time.
      if (!/^\d/.test(wf.workflowId.slice(prefix.length))) continue;
      if (!newest || wf.startTime.getTime() > newest.start)
        newest = { workflowId: wf.workflowId, status: wf.status.name, start: wf.startTime.getTime() };
    }
    if (!newest) return undefined;
    const handle = this.client.workflow.getHandle(newest.workflowId);
    if (newest.status === 'COMPLETED')
      return {
        workflowId: newest.workflowId,
        status: newest.status,
        record: (await handle.result()) as CampaignRecord,
      };
    try {
      return { workflowId: newest.workflowId, status: newest.status, state: await handle.query(campaignStateQuery) };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { workflowId: newest.workflowId, status: newest.status };
      throw err;
    }
  }
}
