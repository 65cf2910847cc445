/**
 * Graph throttling, off unless asked for: at most `perMinute` Graph requests per one-minute window
 * (the window opens with its first request, as the Okta sandbox's); past it, Graph's answer is 429
 * TooManyRequests with `Retry-After` = the seconds until the window resets. Tokens are not counted.
 */
export class GraphThrottle {
  private limit: number | undefined;
  private window: { startedAt: number; used: number } | undefined;
  private throttled = 0;

  constructor(
    perMinute: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = check(perMinute);
  }

  get perMinute(): number | undefined {
    return this.limit;
  }

  /** Changes the limit (undefined lifts it) and starts the window afresh. */
  setLimit(perMinute: number | undefined): void {
    this.limit = check(perMinute);
    this.window = undefined;
  }

  /** Requests answered 429 by the throttle since start or the last reset. */
  get throttledCount(): number {
    return this.throttled;
  }

  reset(perMinute: number | undefined): void {
    this.setLimit(perMinute);
    this.throttled = 0;
  }

  /** Counts one request: undefined when allowed, else the Retry-After in seconds. */
  take(): number | undefined {
    if (this.limit === undefined) return undefined;
    const now = this.now();
    if (!this.window || now >= this.window.startedAt + 60_000) this.window = { startedAt: now, used: 0 };
    if (this.window.used < this.limit) {
      this.window.used += 1;
      return undefined;
    }
    this.throttled += 1;
    return Math.max(1, Math.ceil((this.window.startedAt + 60_000 - now) / 1000));
  }
}

function check(perMinute: number | undefined): number | undefined {
  if (perMinute !== undefined && (!Number.isInteger(perMinute) || perMinute < 1))
    throw new Error(`Graph throttle must be a positive integer per minute, got ${perMinute}`);
  return perMinute;
}
