/** What Okta reports on every answer in `X-Rate-Limit-*` headers. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** When the window resets, epoch seconds (`X-Rate-Limit-Reset`). */
  reset: number;
}

/** Okta's per-minute limit for the groups endpoints in most orgs; the sandbox default for every bucket. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  used: number;
}

/**
 * Okta-style rate limiting: each bucket (an endpoint family such as `/api/v1/groups`) allows
 * `perMinute` requests per one-minute window; the window opens with its first request.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private limit: number;
  private rejected = 0;

  constructor(
    perMinute: number = DEFAULT_RATE_LIMIT_PER_MINUTE,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = checkLimit(perMinute);
  }

  get perMinute(): number {
    return this.limit;
  }

  /** Changes the limit and starts every bucket afresh (so a test's new limit counts from zero). */
  setLimit(perMinute: number): void {
    this.limit = checkLimit(perMinute);
    this.windows.clear();
  }

  reset(): void {
    this.windows.clear();
  }

  /** Requests refused (answered 429) since this limiter was made or {@link resetRejected}. */
  get rejectedCount(): number {
    return this.rejected;
  }

  resetRejected(): void {
    this.rejected = 0;
  }

  /** Counts one request; `allowed` is false once the bucket's window is used up. */
  take(bucket: string): RateLimitState & { allowed: boolean } {
    const window = this.current(bucket, true);
    const allowed = window.used < this.limit;
    if (allowed) window.used += 1;
    else this.rejected += 1;
    return { allowed, ...this.state(window) };
  }

  /** The bucket's state without counting a request. */
  peek(bucket: string): RateLimitState {
    return this.state(this.current(bucket, false));
  }

  private current(bucket: string, open: boolean): Window {
    const now = this.now();
    const existing = this.windows.get(bucket);
    if (existing && now < existing.startedAt + WINDOW_MS) return existing;
    const fresh = { startedAt: now, used: 0 };
    if (open) this.windows.set(bucket, fresh);
    else this.windows.delete(bucket);
    return fresh;
  }

  private state(window: Window): RateLimitState {
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.used),
      reset: Math.ceil((window.startedAt + WINDOW_MS) / 1000),
    };
  }
}

/** The bucket Okta would count a request against: `/api/v1/users`, `/api/v1/groups`, ... */
export function rateLimitBucket(path: string): string {
  const match = /^\/api\/v1\/([^/]+)/.exec(path);
  return match ? `/api/v1/${match[1]}` : '/api/v1';
}

/** The `X-Rate-Limit-*` headers and a `Date` from the same clock reading (the SDK's retry delay is Reset - Date + 1 s). */
export function rateLimitHeaders(state: RateLimitState, nowMs: number): Record<string, string> {
  return {
    Date: new Date(nowMs).toUTCString(),
    'X-Rate-Limit-Limit': String(state.limit),
    'X-Rate-Limit-Remaining': String(state.remaining),
    'X-Rate-Limit-Reset': String(state.reset),
  };
}

function checkLimit(perMinute: number): number {
  if (!Number.isInteger(perMinute) || perMinute < 1)
    throw new Error(`rate limit must be a positive integer per minute, got ${perMinute}`);
  return perMinute;
}
