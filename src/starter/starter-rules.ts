import type { Client } from '@temporalio/client';
import { logger } from '../logging';
import type { RulesVersion } from '../workflows/policy/types';
import { beforeDeadline } from './deadline';

/** How long a read may take when there is a last version read to fall back on. */
const FALLBACK_READ_MS = 2_000;

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
 * needs Temporal *and* a worker: the read is bounded by the delivery's deadline (Jira gives up on a
 * webhook after 10 s), and when it fails the last version read is used, so deliveries keep being
 * verified and turned into durable starts and signals while workers restart. Without any version
 * read yet, a failure is {@link RulesUnavailableError}.
 */
export class StarterRules {
  private lastKnown?: RulesVersion;

  constructor(
    private readonly reader: RulesReader,
    private readonly client: Client,
  ) {}

  async current(deadline: number): Promise<RulesVersion | undefined> {
    // With a version to fall back on, a slow read (a query nobody polls for) must not eat the whole budget.
    if (this.lastKnown) deadline = Math.min(deadline, Date.now() + FALLBACK_READ_MS);
    try {
      // The reader may use another connection than this client: beforeDeadline bounds it regardless.
      const read = this.client.withDeadline(deadline, () => this.reader.current());
      const value = await beforeDeadline(deadline, read, () => new Error('the rules query did not answer in time'));
      if (value) this.lastKnown = value;
      return value;
    } catch (err) {
      const reason = (err as Error).message;
      if (this.lastKnown) {
        logger.warn({ err: reason, version: this.lastKnown.version }, 'cannot read the rules from Temporal; using the last version read');
        return this.lastKnown;
      }
      throw new RulesUnavailableError(`cannot read the rules from Temporal: ${reason}`);
    }
  }
}
