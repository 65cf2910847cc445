import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { DispatchResult } from './dispatcher';

/** How long a handled delivery is remembered: Jira retries a delivery for about half an hour. */
const REMEMBER_MS = 60 * 60_000;
const MAX_REMEMBERED = 20_000;

/**
 * The deliveries this starter has handled, by webhook identifier and body: Jira delivers the same
 * event again when our answer was late or lost (and, concurrently, while the first try is still being
 * handled). A repeat of a handled delivery is answered from memory, without asking Jira or Temporal
 * again; its effect was already durable (the workflow would drop the repeat anyway, by event id). A
 * delivery still in hand is joined, not run twice. Only a 2xx is remembered: a delivery that failed
 * (Temporal or Jira unreachable) is handled afresh when it comes again.
 *
 * The identifier header is not signed, so the key includes a digest of the (signed) body: the same
 * identifier with another body is another delivery.
 */
export class DeliveryMemory {
  private readonly handled = new LRUCache<string, Promise<DispatchResult>>({ max: MAX_REMEMBERED, ttl: REMEMBER_MS });

  /** `handle` runs unless this delivery was handled (or is being handled); a repeat gets the first answer as a duplicate. */
  async once(eventId: string, body: Buffer, handle: () => Promise<DispatchResult>): Promise<DispatchResult> {
    const key = `${eventId}\u0000${createHash('sha256').update(body).digest('base64url')}`;
    const earlier = this.handled.get(key);
    if (earlier) return repeatOf(await earlier);
    const running = handle();
    this.handled.set(key, running);
    try {
      return await running;
    } catch (err) {
      if (this.handled.get(key) === running) this.handled.delete(key);
      throw err;
    }
  }
}

function repeatOf(first: DispatchResult): DispatchResult {
  return {
    status: first.status,
    outcome: 'duplicate',
    reason: `delivery already handled (${first.outcome}${first.reason ? `: ${first.reason}` : ''})`,
    ...(first.workflowId ? { workflowId: first.workflowId } : {}),
  };
}
