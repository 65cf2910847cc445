import { condition, patched, upsertSearchAttributes } from '@temporalio/workflow';
import { maxDuration } from '../../policy/approval';
import { searchAttributes } from '../search-attributes';
import type { ApprovalRecord, Extension, PinnedRule, RequestSnapshot } from './types';

/**
 * The end of a grant as an updatable timer (after samples-typescript's timer-examples): a durable
 * deadline the run sleeps towards, which an extension can move while it sleeps. The deadline lives
 * in the snapshot (`expiresAt`), so the state query, the evidence and a continued run all see it.
 */
export class ExpiryTimer {
  /** An operator moved the end while the run slept: it wakes, and the change is said in Jira. */
  unannounced: boolean;

  constructor(
    private readonly snapshot: RequestSnapshot,
    private readonly changed: () => void,
    unannounced = false,
  ) {
    this.unannounced = unannounced;
  }

  get deadline(): number {
    return Date.parse(this.snapshot.expiresAt!);
  }

  get passed(): boolean {
    return Date.now() >= this.deadline;
  }

  /** Sets the timer at the grant: it ends after the granted duration. */
  start(grantedAt: Date): void {
    this.snapshot.grantedAt = grantedAt.toISOString();
    this.snapshot.expiresAt = new Date(grantedAt.getTime() + this.snapshot.grantedDurationMs!).toISOString();
    upsertSearchAttributes([{ key: searchAttributes.expiresAt, value: new Date(this.snapshot.expiresAt) }]);
  }

  /**
   * Sleeps until the end or until `wake()` (or an unannounced move) holds. True when woken; false when
   * the timer fired (check `passed`: a move made while sleeping is seen on the next sleep).
   */
  async sleep(wake: () => boolean): Promise<boolean> {
    const remaining = this.deadline - Date.now();
    // Since the clock starts at the directory's answer, a grant heard of late can be due at once. Runs
    // since then always set a timer (at least 1 ms): whether one is set must not hang on how much time
    // is left, which a replay does not always see to the millisecond as the first execution did.
    const timeout = patched('expiry-from-access-start') ? Math.max(remaining, 1) : remaining;
    return timeout <= 0
      ? false
      : condition(() => wake() || this.unannounced, timeout, {
          summary: `access expires ${this.snapshot.expiresAt}`,
        });
  }

  /** The new length from the grant, within the level's maximum from the grant time. */
  capFromGrant(rule: PinnedRule, ms: number): { ms: number; capped: boolean } {
    const max = maxDuration(rule.level);
    return max !== undefined && ms > max ? { ms: max, capped: true } : { ms, capped: false };
  }

  /** Moves the end to `ms` after the grant, recording who did it. `announce`: wake the sleep and say it. */
  extend(
    ext: { by: string; ms: number; capped: boolean; approvals: ApprovalRecord[]; issueKey?: string },
    announce = false,
  ): void {
    const s = this.snapshot;
    const from = s.expiresAt!;
    const to = new Date(Date.parse(s.grantedAt!) + ext.ms).toISOString();
    const { issueKey, by, capped, approvals } = ext;
    s.extensions.push({ issueKey, by, from, to, capped, at: new Date().toISOString(), approvals });
    s.expiresAt = to;
    s.grantedDurationMs = ext.ms;
    upsertSearchAttributes([{ key: searchAttributes.expiresAt, value: new Date(to) }]);
    if (announce) this.unannounced = true;
    this.changed();
  }

  /** The move an operator made while the run slept, once (cleared only once the run has said it). */
  takeUnannounced(): Extension | undefined {
    if (!this.unannounced) return undefined;
    this.unannounced = false;
    return this.snapshot.extensions.at(-1);
  }
}
