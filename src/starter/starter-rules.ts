import type { Client } from '@temporalio/client';
import { logger } from '../logging';
import type { RulesVersion } from '../workflows/policy/types';
import { beforeDeadline } from './deadline';

/** How long a read may take when there is a last version read to fall back on. */
const FALLBACK_READ_MS = 2_000;
/** After a failed read, how long deliveries use the last version read without waiting on another read. */
const DEGRADED_MS = 5_000;

/** Where the starter reads the rules in force (the policy workflow, through {@link RulesStore}). */
export interface RulesReader {
  current(): Promise<RulesVersion | undefined>;
}

/** The rules cannot be read and none were read before: the delivery is answered 503. */
export class RulesUnavailableError extends Error {
  override readonly name = 'RulesUnavailableError';
}

/**
 * The rules as the webhook starter sees them. Reading them is a query on the policy workflow, which
 * needs Temporal *and* a worker with a free slot: the read is bounded by the delivery's deadline (Jira
 * gives up on a webhook after 10 s), concurrent deliveries share one read, and when a read fails the
 * last version read is used, so deliveries keep being verified and turned into durable starts and
 * signals while workers restart or are busy. For a few seconds after a failure deliveries do not wait
 * on the query at all (one read is retried in the background). Without any version read yet, a
 * failure is {@link RulesUnavailableError}.
 */
export class StarterRules {
  private lastKnown?: RulesVersion;
  private inflight?: Promise<RulesVersion | undefined>;
  private degradedUntil = 0;

  constructor(
    private readonly reader: RulesReader,
    private readonly client: Client,
  ) {}

  async current(deadline: number): Promise<RulesVersion | undefined> {
    if (this.lastKnown && Date.now() < this.degradedUntil) {
      this.refreshInBackground();
      return this.lastKnown;
    }
    // With a version to fall back on, a slow read must not eat the delivery's whole budget.
    if (this.lastKnown) deadline = Math.min(deadline, Date.now() + FALLBACK_READ_MS);
    try {
      // The reader may use another connection than this client: beforeDeadline bounds it regardless.
      const value = await beforeDeadline(
        deadline,
        this.read(deadline),
        () => new Error('the rules query did not answer in time'),
      );
      this.recovered(value);
      return value;
    } catch (err) {
      const reason = (err as Error).message;
      if (this.lastKnown) {
        if (this.degradedUntil === 0)
          logger.warn(
            { err: reason, version: this.lastKnown.version },
            'cannot read the rules from Temporal; using the last version read',
          );
        this.degradedUntil = Date.now() + DEGRADED_MS;
        return this.lastKnown;
      }
      throw new RulesUnavailableError(`cannot read the rules from Temporal: ${reason}`);
    }
  }

  /** Until the read in flight (possibly in its retry backoff, past every caller's deadline) has settled. */
  async drained(): Promise<void> {
    await this.inflight?.catch(() => undefined);
  }

  /** One read at a time, shared by every delivery that needs it meanwhile. */
  private read(deadline: number): Promise<RulesVersion | undefined> {
    this.inflight ??= this.client
      .withDeadline(deadline, () => this.reader.current())
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private refreshInBackground(): void {
    if (this.inflight) return;
    this.read(Date.now() + DEGRADED_MS).then(
      (value) => this.recovered(value),
      () => undefined,
    );
  }

  private recovered(value: RulesVersion | undefined): void {
    if (this.degradedUntil !== 0) logger.info({ version: value?.version }, 'the rules can be read from Temporal again');
    this.degradedUntil = 0;
    if (value) this.lastKnown = value;
  }
}
