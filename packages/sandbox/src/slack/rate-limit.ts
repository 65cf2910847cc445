/**
 * Forced rate limits: the next N calls of a Web API method (or of any, `*`) answer HTTP 429 with
 * `Retry-After`, so tests can drive @slack/web-api's rate-limit handling deterministically.
 */
export class ForcedRateLimits {
  private readonly pending = new Map<string, { remaining: number; retryAfterSeconds: number }>();
  private readonly limited = new Map<string, number>();

  /** The next `count` calls of `method` (`*`: any method) answer 429 asking to wait `retryAfterSeconds`. */
  set(method: string, count: number, retryAfterSeconds: number): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
    if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0)
      throw new Error(`retryAfter must be a non-negative integer of seconds, got ${retryAfterSeconds}`);
    if (count === 0) this.pending.delete(method);
    else this.pending.set(method, { remaining: count, retryAfterSeconds });
  }

  /** Counts one call: the seconds to ask the caller to wait when it is limited, else undefined. */
  take(method: string): number | undefined {
    for (const key of [method, '*']) {
      const entry = this.pending.get(key);
      if (!entry) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.pending.delete(key);
      this.limited.set(method, (this.limited.get(method) ?? 0) + 1);
      return entry.retryAfterSeconds;
    }
    return undefined;
  }

  /** Calls of `method` answered 429 so far (forced limits only). */
  limitedCount(method: string): number {
    return this.limited.get(method) ?? 0;
  }

  get settings(): Record<string, { remaining: number; retryAfterSeconds: number }> {
    return Object.fromEntries([...this.pending].map(([k, v]) => [k, { ...v }]));
  }

  get limitedCounts(): Record<string, number> {
    return Object.fromEntries(this.limited);
  }

  reset(): void {
    this.pending.clear();
    this.limited.clear();
  }
}
