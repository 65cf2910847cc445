import { condition, log, proxyActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { LeaseholdActivities, PinnedPolicy } from '../../activities/contract';
import { failureMessage } from '../failures';
import { searchAttributes } from '../search-attributes';
import { KEEP_ALIVE } from '../keep-alive';

/**
 * Jira write-back beside the lifecycle, never in front of it: comments, transitions and the evidence
 * file go into an ordered outbox that a background loop of the run works through. The expiry clock,
 * revocation and every decision go on while Jira is down; the outbox keeps trying (no give-up), and
 * while it cannot get through the run says so (`LeaseholdJiraWriteBack = "Failing"`, current details).
 */

/** Attempts of one write per round; then the run shows the trouble and pauses before the next round. */
const ATTEMPTS_PER_ROUND = 4;
type JiraWrites = Pick<LeaseholdActivities, 'commentOnIssue' | 'transitionIssue' | 'attachEvidence'>;
/** The write activities on the pinned write-back queue (absent in runs pinned before the split: the run's own). */
const jiraOn = (taskQueue: string | undefined) =>
  proxyActivities<JiraWrites>({
    startToCloseTimeout: '1 minute',
    ...KEEP_ALIVE,
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '30s',
      maximumAttempts: ATTEMPTS_PER_ROUND,
    },
    ...(taskQueue ? { taskQueue } : {}),
  });
const ROUND_PAUSE_MS = [5_000, 15_000, 30_000, 60_000, 2 * 60_000, 5 * 60_000];

export type WriteBackItem =
  | { kind: 'comment'; issueKey: string; text: string; dedupeKey: string }
  | { kind: 'transition'; issueKey: string; toStatus: string }
  | { kind: 'evidence'; issueKey: string; fileName: string; json: string };

/** The outbox as the run carries it (and continues it as new). */
export interface WriteBackState {
  pending: WriteBackItem[];
  done: number;
  failing?: { since: string; rounds: number; error: string };
}

export class JiraWriteBack {
  private running = false;
  /** A write is in flight (a run continues as new only between writes). */
  writing = false;

  constructor(
    readonly state: WriteBackState,
    private readonly target: () => PinnedPolicy['jira'] | undefined,
    private readonly changed: () => void,
  ) {}

  enqueue(item: WriteBackItem): void {
    this.state.pending.push(item);
    this.changed();
    this.start();
  }

  /** Everything written (what a finishing run waits for, after its lifecycle is over). */
  drained(): boolean {
    return this.state.pending.length === 0;
  }

  /** Starts the loop (once per run; a continued run starts it again over what it carried). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    for (;;) {
      await condition(() => this.state.pending.length > 0);
      const item = this.state.pending[0]!;
      const target = this.target();
      if (!target) {
        this.state.pending.shift(); // no Jira connection pinned (cannot happen after loadPolicy)
        continue;
      }
      try {
        this.writing = true;
        await this.write(target, item, this.state.failing !== undefined);
        this.state.pending.shift();
        this.state.done += 1;
        if (this.state.failing) this.recovered();
        else this.changed();
      } catch (err) {
        this.writing = false;
        await this.failed(err);
      }
      this.writing = false;
    }
  }

  private async write(target: PinnedPolicy['jira'], item: WriteBackItem, recheck: boolean): Promise<void> {
    const jira = jiraOn(target.taskQueue);
    switch (item.kind) {
      case 'comment':
        await jira.commentOnIssue.executeWithOptions({ summary: `Jira: comment on ${item.issueKey}` }, [
          {
            jira: target,
            issueKey: item.issueKey,
            text: item.text,
            dedupeKey: item.dedupeKey,
            recheck,
          },
        ]);
        return;
      case 'transition':
        await jira.transitionIssue.executeWithOptions({ summary: `Jira: move ${item.issueKey} to ${item.toStatus}` }, [
          { jira: target, issueKey: item.issueKey, toStatus: item.toStatus },
        ]);
        return;
      case 'evidence':
        await jira.attachEvidence.executeWithOptions({ summary: `Jira: attach the evidence to ${item.issueKey}` }, [
          {
            jira: target,
            issueKey: item.issueKey,
            fileName: item.fileName,
            json: item.json,
            recheck,
          },
        ]);
        return;
    }
  }

  private async failed(err: unknown): Promise<void> {
    const error = failureMessage(err);
    const first = !this.state.failing;
    const rounds = (this.state.failing?.rounds ?? 0) + 1;
    this.state.failing = { since: this.state.failing?.since ?? new Date().toISOString(), rounds, error };
    if (first) {
      upsertSearchAttributes([{ key: searchAttributes.jiraWriteBack, value: 'Failing' }]);
      log.warn('Jira write-back is failing; it keeps trying', { error, pending: this.state.pending.length });
    }
    this.changed();
    await sleep(ROUND_PAUSE_MS[Math.min(rounds - 1, ROUND_PAUSE_MS.length - 1)]!, {
      summary: 'Jira write-back: next round of retries',
    });
  }

  private recovered(): void {
    this.state.failing = undefined;
    upsertSearchAttributes([{ key: searchAttributes.jiraWriteBack, value: 'OK' }]);
    this.changed();
  }
}
